"""Argument parsing and dispatch for `pygent`; each command family lives in its own module.

Exit codes: 0 done, 1 an error (one line on stderr), 2 a configuration or
usage error, 130 interrupted (Ctrl-C), 141 stdout closed early (`| head`), as
for any Unix tool stopped by SIGPIPE.

`servers add NAME [options] -- COMMAND ARGS...`: everything after the first
`--` is the server's command, verbatim; options go anywhere before it.
"""

from __future__ import annotations

import argparse
import inspect
import os
import sys
from collections.abc import Callable, Sequence
from importlib.metadata import PackageNotFoundError, version
from typing import Any

import anyio
from pygent.core.errors import ConfigError, PygentError
from pygent.host.cli import agents, exchange, logs, serve, servers, tools, views
from pygent.host.cli.server_command import USAGE

SIGPIPE_EXIT = 141
INTERRUPTED_EXIT = 130


def _version() -> str:
    try:
        return version("pygent-factory")
    except PackageNotFoundError:
        return "unknown"


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", help="mcp.json of the mesh (default: ./mcp.json, else the built-in mesh)")
    parser.add_argument("--settings", help="settings file (TOML); default $PYGENT_HOME/settings.toml")


def _remote(parser: argparse.ArgumentParser) -> None:
    _common(parser)
    parser.add_argument(
        "--host-url", dest="url", help="a running host (default: the configured address, if it answers)"
    )
    parser.add_argument("--token", help="bearer token for the host (default: the first configured token)")


def _json(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print JSON (the REST API's shape)")


def _command(
    sub: Any, name: str, run: Callable[[argparse.Namespace], Any], help: str, **kwargs: Any
) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = sub.add_parser(name, help=help, description=help, **kwargs)
    parser.set_defaults(run=run)
    return parser


def _servers(sub: Any) -> None:
    servers_parser = sub.add_parser("servers", help="list, inspect and manage registered servers")
    ssub = servers_parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    listing = _command(ssub, "list", servers.list_servers, "servers with status, tool counts and last errors")
    _json(listing)
    show = _command(ssub, "show", servers.show, "one server: status, last error, stderr, config, tools")
    show.add_argument("name")
    _json(show)
    add = _command(
        ssub,
        "add",
        servers.add,
        "register a server (persisted)",
        usage="pygent servers add NAME [--env K=V]... [--cwd DIR] -- COMMAND [ARGS...]\n"
        "       pygent servers add NAME --url URL [--header K=V]... [--transport http|sse]",
    )
    add.add_argument("name")
    add.add_argument("--url", dest="server_url", help="a remote server's URL (streamable HTTP or SSE)")
    add.add_argument("--transport", choices=["http", "sse"], help="remote transport (default http)")
    add.add_argument("--header", action="append", default=[], help="remote header K=V (repeatable)")
    add.add_argument("--env", action="append", default=[], help="environment K=V for a local server (repeatable)")
    add.add_argument("--cwd", help="working directory for a local server")
    add.set_defaults(takes_command=True)
    for action, run, what in (
        ("remove", servers.remove, "remove a runtime-registered server"),
        ("enable", servers.set_enabled, "enable a server"),
        ("disable", servers.set_enabled, "disable a server"),
        ("restart", servers.restart, "restart a server now (also brings a failed one back)"),
    ):
        _command(ssub, action, run, what).add_argument("name")
    imports = _command(
        ssub, "import", exchange.import_file, "add the servers of a Claude Desktop, Cursor or VS Code file"
    )
    imports.add_argument("file")
    export = _command(ssub, "export", exchange.export, "write the registry as a Claude Desktop, Cursor or VS Code file")
    export.add_argument("--format", choices=["claude", "cursor", "vscode"], default="claude")
    export.add_argument("--output", help="write to this file instead of stdout")
    export.add_argument("--show-secrets", action="store_true", help="write credentials instead of ***")
    export.add_argument(
        "--install", action="store_true", help="merge into Claude Desktop's config file (with a backup)"
    )
    for server_command in ssub.choices.values():
        _remote(server_command)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="pygent", description="PyGent Factory: an MCP server mesh.")
    parser.add_argument("--version", action="version", version=f"pygent-factory {_version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    serving = _command(sub, "serve", serve.serve, "run the host: the aggregated MCP server and the REST API on HTTP")
    _common(serving)
    serving.add_argument("--host", help="address to bind (default 127.0.0.1)")
    serving.add_argument("--port", type=int, help="port (default 8000)")
    serving.add_argument("--token", action="append", dest="tokens", help="accepted bearer token (repeatable)")
    _common(_command(sub, "mcp", serve.mcp_stdio, "serve the aggregated mesh over stdio (for Claude Desktop)"))
    # Dispatched before parsing (see pygent.host.cli.main); listed here for --help.
    sub.add_parser("server", help="run one capability server alone", usage=USAGE)
    _servers(sub)

    tools_parser = sub.add_parser("tools", help="list and call the mesh's tools")
    tsub = tools_parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    _json(_command(tsub, "list", tools.list_tools, "every namespaced tool"))
    call = _command(tsub, "call", tools.call, "call a tool")
    call.add_argument("name", help="namespaced tool name, e.g. memory_recall")
    call.add_argument("--args", default="{}", help="arguments as a JSON object")
    for tool_command in tsub.choices.values():
        _remote(tool_command)

    agents.add_parsers(sub, _command, _remote, _json)
    views.add_parsers(sub, _command, _remote, _json)

    log = _command(sub, "logs", logs.logs, "a server's stderr (from the running host), or the host's log file")
    log.add_argument("name", nargs="?", help="a server (default: the host log)")
    log.add_argument("-f", "--follow", action="store_true", help="keep printing new lines (Ctrl-C stops)")
    log.add_argument("-n", "--lines", type=int, default=50, help="how many of the last lines (default 50)")
    _remote(log)
    return parser


def _split(arguments: list[str]) -> tuple[list[str], list[str] | None]:
    """Options and positionals before the first `--`; what follows it, verbatim."""
    if "--" not in arguments:
        return arguments, None
    at = arguments.index("--")
    return arguments[:at], arguments[at + 1 :]


def _leaves(exc: BaseException) -> list[BaseException]:
    if isinstance(exc, BaseExceptionGroup):
        return [leaf for inner in exc.exceptions for leaf in _leaves(inner)]
    return [exc]


def _exit_code(exc: BaseException) -> int | None:
    """The exit code for an error we report in one line (or not at all); None to let it raise."""
    leaves = _leaves(exc)
    if any(isinstance(leaf, BrokenPipeError) for leaf in leaves):
        # The reader went away (`| head`): nothing more to say, and nowhere to say it.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return SIGPIPE_EXIT
    if any(isinstance(leaf, KeyboardInterrupt) for leaf in leaves):
        return INTERRUPTED_EXIT
    ours = next((leaf for leaf in leaves if isinstance(leaf, PygentError)), None)
    if ours is None:
        return None
    print(f"pygent: {ours.message}", file=sys.stderr)
    return 2 if isinstance(ours, ConfigError) else 1


def run(args: argparse.Namespace) -> int:
    command = args.run
    if inspect.iscoroutinefunction(command):
        return int(anyio.run(command, args))
    return int(command(args) or 0)


def main(argv: Sequence[str] | None = None) -> None:
    arguments, command_line = _split(list(sys.argv[1:] if argv is None else argv))
    parser = build_parser()
    args, extra = parser.parse_known_args(arguments)
    if extra and getattr(args, "takes_command", False) and not extra[0].startswith("-"):
        parser.error(f"the server's command goes after --: pygent servers add {args.name} -- {' '.join(extra)}")
    if extra:
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    if not getattr(args, "run", None):
        parser.print_help(sys.stderr)
        raise SystemExit(2)
    if command_line is not None and not getattr(args, "takes_command", False):
        parser.error("only `pygent servers add NAME -- COMMAND...` takes arguments after --")
    args.command_line = command_line or []
    try:
        code = run(args)
        sys.stdout.flush()  # here, not at exit: a closed pipe is then reported like any other
    except SystemExit:
        raise
    except BaseException as exc:
        exit_code = _exit_code(exc)
        if exit_code is None:
            raise
        raise SystemExit(exit_code) from None
    raise SystemExit(code)
