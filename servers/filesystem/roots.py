"""Which directories a request may touch: configured roots, and MCP roots from the client.

    roots = AllowedRoots(configured_roots(settings.roots), explicit=True, mode="auto")
    sandbox = await roots.sandbox(ctx)          # the Sandbox for this request

Configured roots come from the command line or `PYGENT_FILESYSTEM_ROOTS`, else
the default workspace. A client on a 2025-11-25 session that declares the
`roots` capability is asked for its roots on its first call; the answer is kept
per session and dropped when the client sends `notifications/roots/list_changed`.
How client roots combine with configured ones is the `client_roots` setting:
`replace` (the reference server's behaviour), `narrow` (only client roots inside
configured roots count), `ignore`, or `auto` (replace when the operator
configured nothing, narrow otherwise). 2026-07-28 connections have no roots
(no server-to-client requests), so configured roots apply to them.
"""

from __future__ import annotations

import logging
import os
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

import anyio
from fastmcp import Context
from fastmcp.server.middleware import Middleware, MiddlewareContext
from fastmcp.server.middleware.middleware import CallNext
from mcp_types.version import MODERN_PROTOCOL_VERSIONS
from pygent.core.errors import ConfigError
from pygent.servers.filesystem.sandbox import Sandbox
from pygent.servers.filesystem.settings import ClientRootsMode

log = logging.getLogger("pygent.servers.filesystem.roots")

ROOTS_CHANGED = "notifications/roots/list_changed"
ASK_TIMEOUT = 5.0
MAX_SESSIONS = 256


def configured_roots(paths: Sequence[Path]) -> list[str]:
    """Real paths of the configured directories; missing ones are skipped with a warning.

    Raises:
        ConfigError: directories were given but none of them is usable.
    """
    usable = []
    for path in paths:
        real = os.path.realpath(os.path.expanduser(str(path)))
        if os.path.isdir(real):
            usable.append(real)
        else:
            log.warning("skipping allowed directory %s: not an existing directory", path)
    if paths and not usable:
        raise ConfigError("none of the allowed directories exists: " + ", ".join(str(path) for path in paths))
    return usable


def client_directories(uris: Sequence[str]) -> list[str]:
    """Existing directories named by `file://` root URIs (others are skipped)."""
    directories = []
    for uri in uris:
        parsed = urlparse(uri)
        if parsed.scheme != "file":
            log.warning("ignoring client root %s: not a file:// URI", uri)
            continue
        real = os.path.realpath(unquote(parsed.path))
        if os.path.isdir(real):
            directories.append(real)
        else:
            log.warning("ignoring client root %s: not an existing directory", uri)
    return directories


class AllowedRoots:
    """The configured sandbox, and per-session sandboxes built from client roots."""

    def __init__(self, configured: Sequence[str], *, explicit: bool, mode: ClientRootsMode) -> None:
        self.base = Sandbox(configured)
        self.mode: ClientRootsMode = ("narrow" if explicit else "replace") if mode == "auto" else mode
        self._sessions: OrderedDict[str, Sandbox] = OrderedDict()

    async def sandbox(self, ctx: Context | None) -> Sandbox:
        """The sandbox that applies to the request in `ctx`."""
        if ctx is None or self.mode == "ignore" or not _offers_roots(ctx):
            return self.base
        session_id = ctx.session_id
        cached = self._sessions.get(session_id)
        if cached is not None:
            self._sessions.move_to_end(session_id)
            return cached
        uris = await _ask_for_roots(ctx)
        sandbox = self.base if uris is None else self.combine(client_directories(uris))
        self._sessions[session_id] = sandbox
        while len(self._sessions) > MAX_SESSIONS:
            self._sessions.popitem(last=False)
        return sandbox

    def combine(self, directories: Sequence[str]) -> Sandbox:
        """The sandbox for a client offering these directories."""
        if not directories:
            return self.base  # as the reference server: no usable client roots keeps the configured ones
        if self.mode == "replace":
            return Sandbox(directories)
        inside = [directory for directory in directories if self.base.root_of(directory) is not None]
        return Sandbox(
            inside,
            empty_reason=(
                f"the client's roots ({', '.join(directories)}) are all outside this server's allowed "
                f"directories ({', '.join(self.base.roots)})"
            ),
        )

    def forget(self, session_id: str) -> None:
        self._sessions.pop(session_id, None)


class ClientRootsMiddleware(Middleware):
    """Drop a session's cached roots when its client says they changed."""

    def __init__(self, roots: AllowedRoots) -> None:
        self._roots = roots

    async def on_notification(self, context: MiddlewareContext[Any], call_next: CallNext[Any, Any]) -> Any:
        if context.method == ROOTS_CHANGED and context.fastmcp_context is not None:
            self._roots.forget(context.fastmcp_context.session_id)
        return await call_next(context)


def _offers_roots(ctx: Context) -> bool:
    request = ctx.request_context
    if request is None or request.protocol_version in MODERN_PROTOCOL_VERSIONS:
        return False
    params = ctx.session.client_params
    return params is not None and params.capabilities.roots is not None


async def _ask_for_roots(ctx: Context) -> list[str] | None:
    try:
        with anyio.fail_after(ASK_TIMEOUT):
            result = await ctx.session.list_roots()
    except Exception as exc:  # a client that fails roots/list keeps the configured roots
        log.warning("client did not answer roots/list (%s); using the configured roots", exc)
        return None
    return [str(root.uri) for root in result.roots]
