"""`pygent tools list [--json]` and `pygent tools call NAME --args JSON`, over `MeshControl`.

Without a running host, the mesh is started in-process for the one command.

    pygent tools call memory_recall --args '{"query": "deadline"}'
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from pygent.core.errors import InvalidArgumentError
from pygent.host.cli.control import connect, load_settings
from pygent.host.cli.output import print_json, print_result, print_tools


def _arguments(text: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidArgumentError(f"--args is not valid JSON: {exc.msg} at position {exc.pos}") from None
    if not isinstance(value, dict):
        raise InvalidArgumentError("--args must be a JSON object")
    return value


async def list_tools(args: argparse.Namespace) -> int:
    async with connect(load_settings(args), args) as control:
        tools = await control.tools()
    if args.json:
        print_json(tools)
    else:
        print_tools(tools)
    return 0


async def call(args: argparse.Namespace) -> int:
    arguments = _arguments(args.args)
    async with connect(load_settings(args), args) as control:
        return print_result(await control.call_tool(args.name, arguments))
