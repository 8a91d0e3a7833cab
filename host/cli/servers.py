"""`pygent servers list|show|add|remove|enable|disable|restart`, each written once over `MeshControl`.

pygent servers add notes --env NOTES_DIR=/srv/notes -- node /opt/notes/server.js
pygent servers add docs --url https://docs.example.com/mcp --header "Authorization=Bearer $TOKEN"
pygent servers show docs        # status, last error, stderr, config (credentials masked), tools
"""

from __future__ import annotations

import argparse
from typing import Any

from pygent.core.errors import InvalidArgumentError
from pygent.host.cli.control import MeshControl, connect, load_settings
from pygent.host.cli.local import NOT_RUNNING
from pygent.host.cli.output import describe, print_json, print_server, print_servers, say
from pygent.registry.models import ServerEntry, parse_entry
from pygent.registry.secrets import mask_entry


def _pairs(items: list[str], what: str) -> dict[str, str]:
    pairs: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise InvalidArgumentError(f"{what} must look like KEY=VALUE, got {item!r}")
        pairs[key] = value
    return pairs


def entry_from_args(args: argparse.Namespace) -> ServerEntry:
    """The entry `servers add` describes: `--url` and its options, or the command after `--`."""
    command: list[str] = args.command_line
    if args.server_url and command:
        raise InvalidArgumentError("give either --url URL or a command after --, not both")
    if args.server_url:
        if args.env or args.cwd:
            raise InvalidArgumentError("--env and --cwd are for a local server (a command after --)")
        data: dict[str, Any] = {"url": args.server_url, "headers": _pairs(args.header, "--header")}
        if args.transport:
            data["transport"] = args.transport
    elif command:
        if args.header or args.transport:
            raise InvalidArgumentError("--header and --transport are for a remote server (--url)")
        data = {"command": command[0], "args": command[1:], "env": _pairs(args.env, "--env")}
        if args.cwd:
            data["cwd"] = args.cwd
    else:
        raise InvalidArgumentError(
            "give the server's command after -- (pygent servers add NAME -- COMMAND ARGS...) or --url URL"
        )
    try:
        return parse_entry(data)
    except ValueError as exc:  # pydantic's ValidationError included
        raise InvalidArgumentError(f"invalid server: {exc}") from None


async def _offline_note(control: MeshControl) -> None:
    if not control.live:
        say(f"({NOT_RUNNING}: the status is the configuration's; tool counts are from the last run)")


async def list_servers(args: argparse.Namespace) -> int:
    async with connect(load_settings(args), args) as control:
        rows = await control.servers()
        if args.json:
            print_json([row.model_dump() for row in rows])
        else:
            print_servers(rows)
            await _offline_note(control)
    return 0


async def show(args: argparse.Namespace) -> int:
    async with connect(load_settings(args), args) as control:
        detail = await control.server(args.name)
        if args.json:
            print_json(detail.model_dump())
            return 0
        print_server(detail, parse_entry(detail.config), live=control.live)
        if not control.live:
            say(f"({NOT_RUNNING}: `pygent serve` starts it; a server's stderr is kept by the running host)")
    return 0


async def add(args: argparse.Namespace) -> int:
    entry = entry_from_args(args)
    async with connect(load_settings(args), args) as control:
        row = await control.add(args.name, entry)
    state = f" ({row.status})" if control.live else ""
    print(f"added {row.name}{state}: {describe(mask_entry(entry))}")
    return 0


async def remove(args: argparse.Namespace) -> int:
    async with connect(load_settings(args), args) as control:
        await control.remove(args.name)
    print(f"removed {args.name}")
    return 0


async def set_enabled(args: argparse.Namespace) -> int:
    enabled = args.action == "enable"
    async with connect(load_settings(args), args) as control:
        row = await control.set_enabled(args.name, enabled)
    state = f" ({row.status})" if control.live else ""
    print(f"{row.name}: {'enabled' if enabled else 'disabled'}{state}")
    return 0


async def restart(args: argparse.Namespace) -> int:
    async with connect(load_settings(args), args) as control:
        row = await control.restart(args.name)
    print(f"{row.name}: restarting")
    return 0
