"""`pygent serve` (the host on HTTP) and `pygent mcp` (the mesh over stdio).

    pygent serve --port 8000        # fails in one line when the port is taken, before starting any server

The port is bound before anything starts and handed to uvicorn, so a busy port
is reported at once and cannot be taken between the check and the start.
"""

from __future__ import annotations

import argparse
import errno
import os
import socket

import anyio
import uvicorn
from pygent.core.errors import ConfigError, UnavailableError
from pygent.core.logs import configure_logging
from pygent.core.settings import Settings
from pygent.host.cli.control import load_settings
from pygent.host.cli.output import say
from pygent.host.meshconfig import open_registry
from pygent.host.security import check_bind


def _shown(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def bind(host: str, port: int) -> socket.socket:
    """A listening-ready socket on `host:port`.

    Raises:
        UnavailableError: the address is taken or cannot be bound.
        ConfigError: the host name does not resolve.
    """
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    except socket.gaierror as exc:
        raise ConfigError(f"cannot listen on {host}: {exc.strerror}") from None
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
    except OSError as exc:
        sock.close()
        hint = ""
        if exc.errno == errno.EADDRINUSE:
            hint = " (another `pygent serve`? `pygent servers list` asks the running host; --port picks another)"
        raise UnavailableError(f"cannot listen on {_shown(host)}:{port}: {exc.strerror}{hint}") from None
    return sock


async def _preflight(settings: Settings) -> None:
    """Fail before binding a port when the config is invalid."""
    await open_registry(settings, os.environ)


def serve(args: argparse.Namespace) -> int:
    # Here, not at the top: the app pulls in the agent runtime, which every other command would pay for.
    from pygent.host.app import create_app

    settings = load_settings(args, host=args.host, port=args.port, tokens=args.tokens)
    check_bind(settings.host, settings.tokens)
    anyio.run(_preflight, settings)
    sock = bind(settings.host, settings.port)
    port = sock.getsockname()[1]
    settings = settings.model_copy(update={"port": port})  # port 0 asks the system for a free one
    configure_logging(settings.log_level, settings.log_format, log_file=settings.data.logs / "host.log")
    config = uvicorn.Config(
        create_app(settings),
        host=settings.host,
        port=port,
        log_level="warning",
        lifespan="on",
        timeout_graceful_shutdown=5,
    )
    say(
        f"PyGent Factory on http://{_shown(settings.host)}:{port}"
        "  (MCP: /mcp, SSE: /sse, REST: /api, OpenAPI: /openapi.json)"
    )
    server = uvicorn.Server(config)
    with sock:
        server.run(sockets=[sock])
    return 0 if server.started else 1


def mcp_stdio(args: argparse.Namespace) -> int:
    from pygent.host.runtime import HostRuntime

    settings = load_settings(args)
    configure_logging(settings.log_level, settings.log_format, log_file=settings.data.logs / "mcp-stdio.log")

    async def run() -> None:
        async with HostRuntime.open(settings, http=False) as runtime:
            await runtime.mesh.wait_settled(15)
            await runtime.aggregate.serve_stdio()

    anyio.run(run)
    return 0
