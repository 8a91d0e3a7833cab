"""The trivial tool server the gateway benchmark measures: echo, add, sleep_ms.

Built and run like every PyGent capability server (pygent.core.server_kit):

    python bench/echo_server.py                                  # stdio
    python bench/echo_server.py --transport http --port 9001     # streamable HTTP at /mcp
"""

from __future__ import annotations

from typing import Any

import anyio
from fastmcp import FastMCP
from pygent.core.server_kit import create_server, serve_standalone

mcp: FastMCP[Any] = create_server("echo")


@mcp.tool
def echo(text: str) -> str:
    return text


@mcp.tool
def add(a: int, b: int) -> int:
    return a + b


@mcp.tool
async def sleep_ms(ms: int) -> int:
    await anyio.sleep(ms / 1000)
    return ms


if __name__ == "__main__":
    serve_standalone("echo", lambda args: mcp)
