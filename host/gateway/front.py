"""Interactions with the client of one front request, for each protocol era.

`LegacyFront` (2025-11-25 sessions) asks the client directly over the session's
back-channel. `DeferredFront` (2026-07-28, no back-channel) turns each ask into
an entry of an `InputRequiredResult` and waits until the client answers it in a
follow-up request (see `pending`).
"""

from __future__ import annotations

import itertools
import warnings
from contextlib import suppress
from typing import Any

import anyio
import mcp_types as types
from mcp.server.context import ServerRequestContext
from mcp.shared.exceptions import MCPDeprecationWarning, MCPError, NoBackChannelError
from mcp.shared.message import ServerMessageMetadata
from mcp_types.version import MODERN_PROTOCOL_VERSIONS
from pygent.host.auth import caller_of
from pygent.host.mesh.interactions import unsupported

# Keys of a request's `_meta` that describe the front connection, not the call;
# the backend session stamps its own.
_CONNECTION_META_KEYS = frozenset(
    {
        types.PROTOCOL_VERSION_META_KEY,
        types.CLIENT_INFO_META_KEY,
        types.CLIENT_CAPABILITIES_META_KEY,
        "progressToken",
        "progress_token",  # the key after the SDK validated `_meta`
    }
)


def forwardable_meta(ctx: ServerRequestContext[Any, Any], legacy_log_level: str = "info") -> dict[str, Any] | None:
    """The front request's `_meta` minus connection-owned keys (tracing, log level and app keys pass).

    A 2025-11-25 client receives logs without asking per request, so a
    2026-07-28 backend is asked for them at the session's level.
    """
    meta = ctx.meta
    raw: dict[str, Any] = {}
    if meta:
        raw = dict(meta)
    forwarded = {key: value for key, value in raw.items() if key not in _CONNECTION_META_KEYS}
    if ctx.protocol_version not in MODERN_PROTOCOL_VERSIONS:
        forwarded.setdefault(types.LOG_LEVEL_META_KEY, legacy_log_level)
    return forwarded or None


def _capabilities(ctx: ServerRequestContext[Any, Any]) -> dict[str, Any]:
    caps = ctx.session.client_capabilities
    return caps.model_dump(by_alias=True, exclude_none=True, mode="json") if caps else {}


def _session_id(ctx: ServerRequestContext[Any, Any]) -> str | None:
    request: Any = ctx.request
    headers = getattr(request, "headers", None)
    return headers.get("mcp-session-id") if headers is not None else None


def _wants_progress(ctx: ServerRequestContext[Any, Any]) -> bool:
    meta: Any = ctx.meta or {}
    return meta.get("progress_token", meta.get("progressToken")) is not None


async def _report(
    ctx: ServerRequestContext[Any, Any], progress: float, total: float | None, message: str | None
) -> None:
    with suppress(anyio.ClosedResourceError, anyio.BrokenResourceError):
        await ctx.session.report_progress(progress, total, message)


async def _log(ctx: ServerRequestContext[Any, Any], params: types.LoggingMessageNotificationParams) -> None:
    with warnings.catch_warnings():
        # Logging is deprecated at 2026-07-28 but still delivered to clients that opt in.
        warnings.simplefilter("ignore", MCPDeprecationWarning)
        with suppress(anyio.ClosedResourceError, anyio.BrokenResourceError):
            await ctx.session.send_log_message(params.level, params.data, params.logger, ctx.request_id)


class LegacyFront:
    """A 2025-11-25 front: ask the client over its session."""

    def __init__(self, ctx: ServerRequestContext[Any, Any]) -> None:
        self.ctx = ctx
        self.wants_progress = _wants_progress(ctx)
        self.caller = caller_of(ctx)
        self.session_id = _session_id(ctx)

    def capabilities(self) -> dict[str, Any]:
        return _capabilities(self.ctx)

    async def progress(self, progress: float, total: float | None, message: str | None) -> None:
        await _report(self.ctx, progress, total, message)

    async def log(self, params: types.LoggingMessageNotificationParams) -> None:
        await _log(self.ctx, params)

    async def _ask(self, request: Any, result_type: Any, capability: str) -> Any:
        try:
            return await self.ctx.session.send_request(
                request, result_type, metadata=ServerMessageMetadata(related_request_id=self.ctx.request_id)
            )
        except NoBackChannelError:
            return unsupported(capability)
        except MCPError as exc:
            return exc.error

    async def sample(
        self, params: types.CreateMessageRequestParams
    ) -> types.CreateMessageResult | types.CreateMessageResultWithTools | types.ErrorData:
        caps = self.ctx.session.client_capabilities
        if caps is None or caps.sampling is None:
            return unsupported("sampling")
        result_type = types.CreateMessageResultWithTools if params.tools else types.CreateMessageResult
        result: Any = await self._ask(types.CreateMessageRequest(params=params), result_type, "sampling")
        return result  # type: ignore[no-any-return]

    async def elicit(self, params: types.ElicitRequestParams) -> types.ElicitResult | types.ErrorData:
        caps = self.ctx.session.client_capabilities
        if caps is None or caps.elicitation is None:
            return unsupported("elicitation")
        result: Any = await self._ask(types.ElicitRequest(params=params), types.ElicitResult, "elicitation")
        return result  # type: ignore[no-any-return]

    async def list_roots(self) -> types.ListRootsResult | types.ErrorData:
        caps = self.ctx.session.client_capabilities
        if caps is None or caps.roots is None:
            return types.ListRootsResult(roots=[])
        result: Any = await self._ask(types.ListRootsRequest(), types.ListRootsResult, "roots")
        return result  # type: ignore[no-any-return]


class Ask:
    """One question a backend put to the client, waiting for its answer."""

    def __init__(self, key: str, request: types.CreateMessageRequest | types.ElicitRequest | types.ListRootsRequest):
        self.key = key
        self.request = request
        self.sent = False
        self.answered = anyio.Event()
        self.response: Any = None

    def answer(self, response: Any) -> None:
        self.response = response
        self.answered.set()


class DeferredFront:
    """A 2026-07-28 front: asks are collected and answered in a later request."""

    def __init__(self, ctx: ServerRequestContext[Any, Any]) -> None:
        self.ctx = ctx
        self.wants_progress = _wants_progress(ctx)
        self.caller = caller_of(ctx)
        self.session_id = _session_id(ctx)
        self.asks: list[Ask] = []
        self.missing: set[str] = set()  # capabilities the server asked for that the client lacks
        self.changed = anyio.Event()
        self._keys = itertools.count(1)

    def _signal(self) -> None:
        changed, self.changed = self.changed, anyio.Event()
        changed.set()

    async def progress(self, progress: float, total: float | None, message: str | None) -> None:
        await _report(self.ctx, progress, total, message)

    async def log(self, params: types.LoggingMessageNotificationParams) -> None:
        await _log(self.ctx, params)

    async def _ask(self, kind: str, request: Any) -> Any:
        ask = Ask(f"{kind}-{next(self._keys)}", request)
        self.asks.append(ask)
        self._signal()
        await ask.answered.wait()
        return ask.response

    def capabilities(self) -> dict[str, Any]:
        return _capabilities(self.ctx)

    def _capabilities(self) -> types.ClientCapabilities:
        return self.ctx.session.client_capabilities or types.ClientCapabilities()

    async def sample(
        self, params: types.CreateMessageRequestParams
    ) -> types.CreateMessageResult | types.CreateMessageResultWithTools | types.ErrorData:
        if self._capabilities().sampling is None:
            self.missing.add("sampling")
            return unsupported("sampling")
        response = await self._ask("sampling", types.CreateMessageRequest(params=params))
        if isinstance(response, types.CreateMessageResult | types.CreateMessageResultWithTools | types.ErrorData):
            return response
        return unsupported("sampling")

    async def elicit(self, params: types.ElicitRequestParams) -> types.ElicitResult | types.ErrorData:
        if self._capabilities().elicitation is None:
            self.missing.add("elicitation")
            return unsupported("elicitation")
        response = await self._ask("elicitation", types.ElicitRequest(params=params))
        if isinstance(response, types.ElicitResult | types.ErrorData):
            return response
        return unsupported("elicitation")

    async def list_roots(self) -> types.ListRootsResult | types.ErrorData:
        if self._capabilities().roots is None:
            return types.ListRootsResult(roots=[])
        response = await self._ask("roots", types.ListRootsRequest())
        if isinstance(response, types.ListRootsResult | types.ErrorData):
            return response
        return types.ListRootsResult(roots=[])


async def resolve_input_requests(front: LegacyFront, requests: dict[str, Any]) -> types.InputResponses:
    """Answer a 2026-07-28 backend's input requests by asking a 2025-11-25 client.

    Raises:
        MCPError: the client refused or failed one of them.
    """
    responses: dict[str, Any] = {}
    for key, request in requests.items():
        if isinstance(request, types.CreateMessageRequest):
            answer: Any = await front.sample(request.params)
        elif isinstance(request, types.ElicitRequest):
            answer = await front.elicit(request.params)
        else:
            answer = await front.list_roots()
        if isinstance(answer, types.ErrorData):
            raise MCPError(code=answer.code, message=answer.message, data=answer.data)
        responses[key] = answer
    return responses
