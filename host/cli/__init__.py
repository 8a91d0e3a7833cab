"""The `pygent` command line.

    pygent serve [--host H] [--port N] [--config mcp.json] [--token T]
    pygent mcp                                   the aggregated mesh over stdio
    pygent server NAME [--transport stdio|http|sse] [--port N]
    pygent servers list|show|add|remove|enable|disable|restart|import|export
    pygent tools list | call NAME --args JSON
    pygent logs [NAME] [-f]
    pygent --version

Errors print one line on stderr and exit non-zero (2 for configuration
errors); no tracebacks.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from pygent.host.cli.server_command import run_server


def main(argv: Sequence[str] | None = None) -> None:
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments[:1] == ["server"]:
        raise SystemExit(run_server(arguments[1:]))
    # Every other command needs the host's modules; importing them only here keeps
    # `pygent server NAME` (spawned for each stdio server of the mesh) quick to start.
    from pygent.host.cli.main import main as run_command

    run_command(arguments)


__all__ = ["main"]
