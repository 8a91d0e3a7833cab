"""Retries with exponential backoff for calls to model servers.

Providers classify each failure: a `TransientError` (connection refused or
reset, HTTP 5xx, 429) is retried after a growing, jittered delay (or the
server's `Retry-After`); anything else propagates at once. When the attempts
run out, the last transient error's `final` exception is raised: a
`PygentError` whose message says what to do.

    result = await with_retries(lambda: client.post(...), RetryPolicy(attempts=3))
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

import anyio
from pygent.core.backoff import exponential_delay
from pygent.core.errors import PygentError

T = TypeVar("T")
Item = TypeVar("Item")
log = logging.getLogger("pygent.core.llm")


class TransientError(Exception):
    """A failure worth retrying; `final` is what the caller sees if retries run out."""

    def __init__(self, final: PygentError, retry_after: float | None = None) -> None:
        super().__init__(final.message)
        self.final = final
        self.retry_after = retry_after


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how patiently to retry: `attempts` counts the first try."""

    attempts: int = 3
    initial_delay: float = 0.5
    max_delay: float = 8.0
    factor: float = 2.0

    def delay(self, retry: int, retry_after: float | None = None) -> float:
        """Seconds to wait before retry number `retry` (1-based)."""
        if retry_after is not None:
            return min(max(retry_after, 0.0), self.max_delay)
        return exponential_delay(retry, self.initial_delay, self.max_delay, self.factor, jitter=True)


async def with_retries(call: Callable[[], Awaitable[T]], policy: RetryPolicy) -> T:
    """Await `call()`, retrying `TransientError`s under `policy`.

    Raises:
        PygentError: the `final` error of the last transient failure.
    """
    for attempt in range(1, policy.attempts + 1):
        try:
            return await call()
        except TransientError as exc:
            if attempt == policy.attempts:
                raise exc.final from None
            wait = policy.delay(attempt, exc.retry_after)
            log.info("model call failed, retrying", extra={"reason": exc.final.message, "wait": round(wait, 2)})
            await anyio.sleep(wait)
    raise AssertionError("unreachable: attempts >= 1")


Guard = Callable[[Callable[[], Awaitable[Item | None]]], Awaitable[Item | None]]


async def next_item(items: AsyncIterator[Item], guard: Guard[Item]) -> Item | None:
    """The next item of a stream, failures mapped by the provider's `guard`.

    A stream cannot be retried half-way, so a transient failure here is final.

    Raises:
        PygentError: the mapped failure.
    """

    async def step() -> Item | None:
        return await anext(items, None)

    try:
        return await guard(step)
    except TransientError as exc:
        raise exc.final from None


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a `Retry-After` header (delta-seconds form only)."""
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        return None
