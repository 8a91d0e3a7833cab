"""The front side of one forwarded request, as seen by the backend connection.

A backend may report progress, send log messages, or ask the caller for
sampling, elicitation or roots while a call runs. The gateway hands the mesh
an `Interactions` object for each call; the backend routes what it receives
to it. `NoInteractions` serves callers without a client behind them (REST,
agents): it drops progress and logs and declines every request.
"""

from __future__ import annotations

from typing import Any, Protocol

import mcp_types


class Interactions(Protocol):
    """What a backend may send back to the caller of one request."""

    wants_progress: bool  # whether the caller asked for progress notifications
    caller: str  # who the call is for (a principal, or a marker for callers that cannot answer)
    session_id: str | None  # the caller's MCP session, when it has one (for logs)

    def capabilities(self) -> dict[str, Any]:
        """The caller's client capabilities, as a 2026-07-28 request envelope declares them."""
        ...

    async def progress(self, progress: float, total: float | None, message: str | None) -> None: ...

    async def log(self, params: mcp_types.LoggingMessageNotificationParams) -> None: ...

    async def sample(
        self, params: mcp_types.CreateMessageRequestParams
    ) -> mcp_types.CreateMessageResult | mcp_types.CreateMessageResultWithTools | mcp_types.ErrorData: ...

    async def elicit(self, params: mcp_types.ElicitRequestParams) -> mcp_types.ElicitResult | mcp_types.ErrorData: ...

    async def list_roots(self) -> mcp_types.ListRootsResult | mcp_types.ErrorData: ...


def unsupported(what: str) -> mcp_types.ErrorData:
    return mcp_types.ErrorData(code=mcp_types.METHOD_NOT_FOUND, message=f"the calling client does not support {what}")


class NoInteractions:
    """For callers with no MCP client behind them."""

    wants_progress = False
    caller = "no-client"
    session_id: str | None = None

    def capabilities(self) -> dict[str, Any]:
        return {}

    async def progress(self, progress: float, total: float | None, message: str | None) -> None:
        return None

    async def log(self, params: mcp_types.LoggingMessageNotificationParams) -> None:
        return None

    async def sample(self, params: mcp_types.CreateMessageRequestParams) -> mcp_types.ErrorData:
        return unsupported("sampling")

    async def elicit(self, params: mcp_types.ElicitRequestParams) -> mcp_types.ErrorData:
        return unsupported("elicitation")

    async def list_roots(self) -> mcp_types.ListRootsResult:
        return mcp_types.ListRootsResult(roots=[])
