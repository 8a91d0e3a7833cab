"""The server kit: our errors reach the client as clear tool errors, quietly."""

from __future__ import annotations

import subprocess
import sys

SCRIPT = """
import anyio
from fastmcp import Client
from pygent.core.errors import NotFoundError
from pygent.core.server_kit import create_server

mcp = create_server("kit")

@mcp.tool
def missing() -> str:
    raise NotFoundError("no file named notes.txt")

@mcp.tool
def broken() -> str:
    raise RuntimeError("password=hunter2")

async def main():
    async with Client(mcp) as client:
        for name in ("missing", "broken"):
            result = await client.call_tool(name, {}, raise_on_error=False)
            print(name, result.is_error, result.content[0].text)

anyio.run(main)
"""


def test_our_errors_are_tool_errors_with_their_message_and_no_traceback_on_stderr() -> None:
    done = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=60, check=True)
    assert "missing True no file named notes.txt" in done.stdout
    assert "broken True Error calling tool 'broken'" in done.stdout
    assert "hunter2" not in done.stdout
    # An expected error is not logged as a failure; an unexpected one still is.
    assert "missing" not in done.stderr and "Error calling tool 'broken'" in done.stderr
