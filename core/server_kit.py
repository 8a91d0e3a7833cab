"""What every capability server shares: construction and standalone running.

A server built by `create_server` hides internal exception text from clients
(`mask_error_details`) and turns our own errors (`PygentError`) and bad
arguments into tool errors of one line, so a client never sees a traceback
or pydantic's report:

    >>> import anyio
    >>> from fastmcp import Client
    >>> from pygent.core.errors import NotFoundError
    >>> server = create_server("notes", instructions="A few notes")
    >>> @server.tool
    ... def read(name: str) -> str:
    ...     raise NotFoundError(f"no note {name!r}")
    >>> async def call(arguments):
    ...     async with Client(server) as client:
    ...         result = await client.call_tool("read", arguments, raise_on_error=False)
    ...         return result.content[0].text
    >>> anyio.run(call, {"name": "todo"})
    "no note 'todo'"
    >>> anyio.run(call, {"nmae": "todo"})
    "missing required argument 'name'; unexpected argument 'nmae'"

Run alone, `servers/<name>/__main__.py` calls `serve_standalone("notes", build)`
with `build(args) -> FastMCP`; it parses this command line and serves until stopped:

    >>> args = standalone_parser("notes").parse_args(["--transport", "http", "--port", "8765"])
    >>> (args.transport, args.host, args.port)
    ('http', '127.0.0.1', 8765)
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence
from typing import Any

import anyio
from fastmcp import FastMCP
from fastmcp.exceptions import FastMCPError, ToolError, ValidationError
from fastmcp.server.context import reset_transport, set_transport
from fastmcp.server.middleware import Middleware, MiddlewareContext
from fastmcp.server.middleware.middleware import CallNext
from mcp.server.stdio import stdio_server
from pydantic import ValidationError as PydanticValidationError
from pygent.core.arguments import describe
from pygent.core.errors import ConfigError, PygentError
from pygent.core.logs import configure_logging
from pygent.core.network import is_loopback
from pygent.core.stdio import claimed_stdio

log = logging.getLogger("pygent.core.server_kit")


class PygentErrorMiddleware(Middleware):
    """Report `PygentError`s from tools, resources and prompts as their own message,
    and argument validation errors as one line naming each argument."""

    async def on_request(self, context: MiddlewareContext[Any], call_next: CallNext[Any, Any]) -> Any:
        try:
            return await call_next(context)
        except PygentError as exc:
            raise ToolError(exc.message) from exc
        except FastMCPError as exc:
            cause = exc.__cause__
            # FastMCP masks a failing tool/resource/prompt as "Error calling tool 'x'"
            # before middleware sees it; the PygentError is kept as the cause.
            if isinstance(cause, PygentError):
                raise type(exc)(cause.message) from cause
            # Its argument check raises ValidationError with pydantic's multi-line report as text.
            if isinstance(exc, ValidationError) and isinstance(cause, PydanticValidationError):
                arguments = getattr(context.message, "arguments", None)
                raise ToolError(describe(cause, arguments if isinstance(arguments, dict) else None)) from cause
            raise


class ExpectedErrorFilter(logging.Filter):
    """Drop FastMCP's traceback log of a failure that is one of our own errors.

    A `PygentError` is an expected outcome (a bad argument, a missing file) that
    the client already receives as a clear tool error; FastMCP would also log
    it with a full, syntax-highlighted traceback, costing stderr noise and CPU.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        while error is not None:
            if isinstance(error, PygentError):
                return False
            error = error.__cause__
        return True


def quiet_expected_errors() -> None:
    """Install `ExpectedErrorFilter` on FastMCP's loggers (idempotent)."""
    for handler_owner in (logging.getLogger("fastmcp"), *_fastmcp_handlers()):
        if not any(isinstance(f, ExpectedErrorFilter) for f in handler_owner.filters):
            handler_owner.addFilter(ExpectedErrorFilter())


def _fastmcp_handlers() -> list[logging.Handler]:
    # FastMCP logs through child loggers to handlers on the "fastmcp" logger; a
    # filter on a handler also sees records from those children.
    return list(logging.getLogger("fastmcp").handlers)


def create_server(name: str, *, instructions: str | None = None, **kwargs: Any) -> FastMCP[Any]:
    """A FastMCP server configured the way every PyGent server is."""
    server: FastMCP[Any] = FastMCP(name, instructions=instructions, mask_error_details=True, **kwargs)
    quiet_expected_errors()
    server.add_middleware(PygentErrorMiddleware())
    return server


def standalone_parser(name: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=f"pygent server {name}", description=f"Run the {name} MCP server alone.")
    parser.add_argument("--transport", choices=["stdio", "http", "sse"], default="stdio")
    parser.add_argument("--host", default="127.0.0.1", help="address for http/sse (loopback only)")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--log-level", default="WARNING")
    return parser


def serve_standalone(
    name: str,
    build: Callable[[argparse.Namespace], FastMCP[Any]],
    argv: Sequence[str] | None = None,
    parser: argparse.ArgumentParser | None = None,
) -> None:
    """Parse the standalone command line, build the server and run it until stopped.

    `build` receives the parsed arguments, so a server can add its own flags to
    `parser` (made by `standalone_parser`) and apply them over its settings.
    Errors are one line on stderr and exit code 2.
    """
    parser = parser or standalone_parser(name)
    args = parser.parse_args(argv)
    configure_logging(args.log_level)
    if args.transport != "stdio" and not is_loopback(args.host):
        _fail(
            f"{name}: refusing to listen on {args.host}; standalone servers serve loopback only "
            "(use `pygent serve` with tokens to expose the mesh)"
        )
    try:
        server = build(args)
    except PygentError as exc:
        _fail(f"{name}: {exc.message}")
    if args.transport == "stdio":
        anyio.run(serve_stdio, server, backend_options={"use_uvloop": True})
    else:
        server.run(transport=args.transport, host=args.host, port=args.port, show_banner=False, log_level="warning")


async def serve_stdio(server: FastMCP[Any]) -> None:
    """Serve over stdin/stdout through `pygent.core.stdio` (no thread hop per message).

    Uses FastMCP's lifespan and low-level server, as `FastMCP.run_stdio_async`
    does, but hands the SDK our non-blocking pipes.
    """
    lifespan = getattr(server, "_lifespan_manager", None)
    lowlevel = getattr(server, "_mcp_server", None)
    if lifespan is None or lowlevel is None:  # a FastMCP without these internals: its own transport
        await server.run_stdio_async(show_banner=False)
        return
    token = set_transport("stdio")
    try:
        async with lifespan(), claimed_stdio() as (stdin, stdout):
            async with stdio_server(stdin, stdout) as (read, write):  # type: ignore[arg-type]
                await lowlevel.run(read, write, lowlevel.create_initialization_options())
    finally:
        reset_transport(token)


def _fail(message: str) -> None:
    sys.stderr.write(message + "\n")
    raise SystemExit(2)


__all__ = ["ConfigError", "PygentErrorMiddleware", "create_server", "serve_standalone", "standalone_parser"]
