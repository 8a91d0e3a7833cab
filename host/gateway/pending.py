"""Calls to handshake-era backends that wait on a 2026-07-28 client's answers.

A 2026-07-28 client cannot be asked anything in the middle of a request, but a
handshake-era backend asks (sampling, elicitation, roots) in the middle of its
call. So the backend call runs in the gateway's own task group; when the
backend asks, the front request returns an `InputRequiredResult` whose
`requestState` names the pending call, and the client's follow-up request
(same tool, with `inputResponses`) delivers the answers and waits again.

Each round gets a `requestState` of its own (`pygent-pending:<id>.<round>`);
only the latest round's state resumes the call. A pending call nobody resumes
within `ttl` seconds is cancelled. It belongs to the principal that started
it: another credential resuming it is answered as if the state were unknown,
with the JSON-RPC error the SDK gives a requestState that fails verification.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Awaitable, Callable
from typing import Any

import anyio
import anyio.abc
import mcp_types as types
from mcp.shared.exceptions import MCPError
from pygent.host.auth import caller_of
from pygent.host.gateway.front import DeferredFront

STATE_PREFIX = "pygent-pending:"


class PendingCall:
    def __init__(self, front: DeferredFront) -> None:
        self.id = secrets.token_urlsafe(18)
        self.front = front
        self.owner = caller_of(front.ctx)
        self.done = False
        self.result: Any = None
        self.error: BaseException | None = None
        self.scope = anyio.CancelScope()
        self.touched = time.monotonic()
        self.round = 0

    def next_state(self) -> str:
        self.round += 1
        return f"{STATE_PREFIX}{self.id}.{self.round}"

    async def run(self, call: Callable[[DeferredFront], Awaitable[Any]]) -> None:
        with self.scope:
            try:
                self.result = await call(self.front)
            except Exception as exc:
                self.error = exc
        self.done = True
        self.front._signal()


class PendingCalls:
    """The calls waiting for answers, keyed by an unguessable id."""

    def __init__(self, ttl: float = 300.0) -> None:
        self.ttl = ttl
        self._calls: dict[str, PendingCall] = {}
        self._group: anyio.abc.TaskGroup | None = None

    def attach(self, group: anyio.abc.TaskGroup) -> None:
        self._group = group
        group.start_soon(self._reap)

    def owns(self, request_state: str | None) -> bool:
        return bool(request_state and request_state.startswith(STATE_PREFIX))

    async def start(self, front: DeferredFront, call: Callable[[DeferredFront], Awaitable[Any]]) -> Any:
        """Run `call`; return its result, or an `InputRequiredResult` if it asks first."""
        if self._group is None:
            raise RuntimeError("pending calls are not attached to a task group")
        pending = PendingCall(front)
        self._group.start_soon(pending.run, call)
        return await self._next(pending)

    async def resume(self, request_state: str, responses: types.InputResponses | None, ctx: Any) -> Any:
        """Deliver a client's answers and wait for the next outcome.

        Raises:
            MCPError: -32602, the state is unknown, expired, of an earlier round or another caller's.
        """
        key, _, round_ = request_state[len(STATE_PREFIX) :].rpartition(".")
        pending = self._calls.get(key)
        if pending is None or str(pending.round) != round_ or pending.owner != caller_of(ctx):
            # SEP-2322: state that fails verification is a protocol error, shaped as the SDK's.
            raise MCPError(
                code=types.INVALID_PARAMS,
                message="Invalid or expired requestState: the pending call expired or is unknown; call the tool again",
                data={"reason": "invalid_request_state"},
            )
        pending.touched = time.monotonic()
        pending.front.ctx = ctx
        for ask in pending.front.asks:
            if ask.sent and not ask.answered.is_set() and responses and ask.key in responses:
                ask.answer(responses[ask.key])
        return await self._next(pending)

    async def _next(self, pending: PendingCall) -> Any:
        front = pending.front
        try:
            while True:
                if pending.done:
                    self._calls.pop(pending.id, None)
                    if pending.error is not None:
                        raise pending.error
                    return pending.result
                fresh = [ask for ask in front.asks if not ask.sent]
                if fresh:
                    for ask in fresh:
                        ask.sent = True
                    self._calls[pending.id] = pending
                    unanswered = {a.key: a.request for a in front.asks if not a.answered.is_set()}
                    return types.InputRequiredResult(input_requests=unanswered, request_state=pending.next_state())
                await front.changed.wait()
        except anyio.get_cancelled_exc_class():
            # The client went away while nothing was asked of it: nobody can resume.
            if pending.id not in self._calls:
                pending.scope.cancel()
            raise

    async def _reap(self) -> None:
        while True:
            await anyio.sleep(min(self.ttl, 30.0))
            now = time.monotonic()
            for key, pending in list(self._calls.items()):
                if now - pending.touched > self.ttl:
                    pending.scope.cancel()
                    self._calls.pop(key, None)
