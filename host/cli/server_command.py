"""`pygent server NAME`: run one capability server alone.

Kept apart from the other commands so that starting a server imports nothing
of the host: a stdio server must answer its first listing quickly.
"""

from __future__ import annotations

import runpy
import sys
from collections.abc import Sequence

from pygent.host.meshconfig import capability_servers

USAGE = "usage: pygent server NAME [--transport stdio|http|sse] [--host H] [--port N] [server options]"


def run_server(argv: Sequence[str]) -> int:
    available = capability_servers()
    if not argv or argv[0] in ("-h", "--help"):
        print(USAGE, file=sys.stderr)
        print("servers: " + (", ".join(available) or "(none installed)"), file=sys.stderr)
        return 0 if argv else 2
    name, rest = argv[0], list(argv[1:])
    if name not in available:
        print(f"pygent: unknown server {name!r}; available: {', '.join(available) or 'none'}", file=sys.stderr)
        return 1
    sys.argv = [f"pygent server {name}", *rest]
    runpy.run_module(f"pygent.servers.{name}", run_name="__main__", alter_sys=True)
    return 0
