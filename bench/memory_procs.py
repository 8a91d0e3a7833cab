"""Helpers for the memory benchmark: stdio clients of our server and the reference, and process RSS."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from fastmcp import Client
from fastmcp.client.transports import StdioTransport
from node_peers import NODE_MODULES, node

REFERENCE = NODE_MODULES / "@modelcontextprotocol" / "server-memory" / "dist" / "index.js"


def ours(home: Path) -> Client[Any]:
    return Client(
        StdioTransport(
            sys.executable, ["-m", "pygent.servers.memory"], env={"PYGENT_HOME": str(home)}, keep_alive=False
        ),
        timeout=600,
    )


def reference(memory_file: Path) -> Client[Any]:
    if not REFERENCE.is_file():
        raise SystemExit(
            f"reference server missing at {NODE_MODULES}: run `npm ci --prefix .ci/node` "
            "(or set PYGENT_TEST_NODE_MODULES)"
        )
    return Client(
        StdioTransport(node(), [str(REFERENCE)], env={"MEMORY_FILE_PATH": str(memory_file)}, keep_alive=False),
        timeout=600,
    )


def server_pid(module: str, home: Path) -> int:
    """The pid of the `python -m <module>` child whose PYGENT_HOME is `home`."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().split(b"\0")
            environ = (entry / "environ").read_bytes().split(b"\0")
        except OSError:
            continue
        if module.encode() in cmdline and f"PYGENT_HOME={home}".encode() in environ:
            return int(entry.name)
    raise LookupError(f"no {module} process for {home}")


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text(encoding="utf-8").splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise LookupError(pid)
