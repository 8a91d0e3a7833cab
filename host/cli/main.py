"""Argument parsing and dispatch for `pygent`; each command lives in its own module."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from importlib.metadata import PackageNotFoundError, version

from pygent.core.errors import ConfigError, PygentError
from pygent.host.cli import commands
from pygent.host.cli.server_command import USAGE


def _version() -> str:
    try:
        return version("pygent-factory")
    except PackageNotFoundError:
        return "unknown"


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", help="mcp.json of the mesh (default: ./mcp.json, else the built-in mesh)")
    parser.add_argument("--settings", help="settings file (TOML); default $PYGENT_HOME/settings.toml")


def _remote(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--host-url", dest="url", help="a running host (default: the configured address, if it answers)"
    )
    parser.add_argument("--token", help="bearer token for the host (default: the first configured token)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="pygent", description="PyGent Factory: an MCP server mesh.")
    parser.add_argument("--version", action="version", version=f"pygent-factory {_version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    serve = sub.add_parser("serve", help="run the host: REST, web UI and the gateway on HTTP")
    _common(serve)
    serve.add_argument("--host", help="address to bind (default 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port (default 8000)")
    serve.add_argument("--token", action="append", dest="tokens", help="accepted bearer token (repeatable)")
    serve.set_defaults(run=commands.serve)

    mcp = sub.add_parser("mcp", help="serve the aggregated mesh over stdio (for Claude Desktop)")
    _common(mcp)
    mcp.set_defaults(run=commands.mcp_stdio)

    # Dispatched before parsing (see main); listed here for --help.
    sub.add_parser("server", help="run one capability server alone", usage=USAGE)

    servers = sub.add_parser("servers", help="list and manage registered servers")
    ssub = servers.add_subparsers(dest="action", metavar="ACTION", required=True)
    s_list = ssub.add_parser("list", help="servers with status and tool counts")
    s_add = ssub.add_parser("add", help="register a server (persisted)")
    s_add.add_argument("name")
    s_add.add_argument("--url", dest="server_url", help="a remote server's URL (streamable HTTP or SSE)")
    s_add.add_argument("--transport", choices=["http", "sse"], help="remote transport (default http)")
    s_add.add_argument("--header", action="append", default=[], help="remote header K=V (repeatable)")
    s_add.add_argument("--env", action="append", default=[], help="environment K=V for a local server")
    s_add.add_argument("--cwd", help="working directory for a local server")
    s_add.add_argument("command_line", nargs=argparse.REMAINDER, help="-- COMMAND ARGS... for a local server")
    s_remove = ssub.add_parser("remove", help="remove a runtime-registered server")
    s_remove.add_argument("name")
    s_enable = ssub.add_parser("enable", help="enable a server")
    s_enable.add_argument("name")
    s_disable = ssub.add_parser("disable", help="disable a server")
    s_disable.add_argument("name")
    s_import = ssub.add_parser("import", help="add the servers of a Claude Desktop, Cursor or VS Code config")
    s_import.add_argument("file")
    s_export = ssub.add_parser("export", help="print the registry as a Claude Desktop, Cursor or VS Code config")
    s_export.add_argument("--format", choices=["claude", "cursor", "vscode"], default="claude")
    s_export.add_argument("--output", help="write to this file instead of stdout")
    for p in (s_list, s_add, s_remove, s_enable, s_disable, s_import, s_export):
        _common(p)
        _remote(p)
    servers.set_defaults(run=commands.servers)

    tools = sub.add_parser("tools", help="list and call tools of the mesh")
    tsub = tools.add_subparsers(dest="action", metavar="ACTION", required=True)
    t_list = tsub.add_parser("list", help="every namespaced tool")
    t_call = tsub.add_parser("call", help="call a tool")
    t_call.add_argument("name", help="namespaced tool name, e.g. memory_recall")
    t_call.add_argument("--args", default="{}", help="arguments as a JSON object")
    for p in (t_list, t_call):
        _common(p)
        _remote(p)
    tools.set_defaults(run=commands.tools)
    return parser


def main(argv: Sequence[str] | None = None) -> None:
    arguments = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    args = parser.parse_args(arguments)
    if not getattr(args, "run", None):
        parser.print_help(sys.stderr)
        raise SystemExit(2)
    try:
        code = args.run(args)
    except ConfigError as exc:
        print(f"pygent: {exc.message}", file=sys.stderr)
        raise SystemExit(2) from None
    except PygentError as exc:
        print(f"pygent: {exc.message}", file=sys.stderr)
        raise SystemExit(1) from None
    except KeyboardInterrupt:
        raise SystemExit(130) from None
    raise SystemExit(code or 0)
