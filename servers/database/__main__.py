"""`python -m pygent.servers.database` / `pygent server database [--connection NAME=URL ...]`."""

from __future__ import annotations

import argparse
from typing import Any

from fastmcp import FastMCP
from pygent.core.errors import ConfigError
from pygent.core.server_kit import serve_standalone, standalone_parser
from pygent.servers.database.server import build_server
from pygent.servers.database.settings import DatabaseSettings


def _connections(args: argparse.Namespace) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for flag, writable in (("connection", False), ("writable_connection", True)):
        for item in getattr(args, flag) or []:
            name, sep, url = item.partition("=")
            if not sep or not name or not url:
                raise ConfigError(f"--{flag.replace('_', '-')} takes NAME=URL, got {item!r}")
            found[name] = {"url": url, "writable": writable}
    return found


def build(args: argparse.Namespace) -> FastMCP[Any]:
    settings = DatabaseSettings.load()
    extra = _connections(args)
    if extra:
        merged = {name: conn.model_dump() for name, conn in settings.connections.items()} | extra
        settings = DatabaseSettings.load({"connections": merged})
    return build_server(settings)


def main() -> None:
    parser = standalone_parser("database")
    parser.add_argument("--connection", action="append", metavar="NAME=URL", help="a read-only connection (repeatable)")
    parser.add_argument(
        "--writable-connection", action="append", metavar="NAME=URL", help="a connection that execute may write"
    )
    serve_standalone("database", build, parser=parser)


if __name__ == "__main__":
    main()
