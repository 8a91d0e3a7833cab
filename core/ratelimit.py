"""Rate limits on a `limits` storage: in memory by default, Redis when replicas share them.

    limiter = RateLimiter("memory://")
    refusal = await limiter.hit(per_second(5), "token:abc")   # None while under the limit
    refusal.retry_after, refusal.headers()                     # when over it

The sliding-window counter is smooth (no double burst at a window edge, as a
fixed window allows) and costs a few microseconds per hit in memory. A
`redis://` or `async+redis://` URI shares the counters between host replicas.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from limits import RateLimitItem, RateLimitItemPerSecond
from limits.aio.storage import Storage
from limits.aio.strategies import SlidingWindowCounterRateLimiter
from limits.errors import ConfigurationError
from limits.storage import storage_from_string
from pygent.core.errors import ConfigError


def per_second(rate: float) -> RateLimitItem:
    """`rate` requests per second; below 1, one request per `1/rate` seconds.

    >>> per_second(20).amount, per_second(0.5).get_expiry()
    (20, 2)
    """
    if rate <= 0:
        raise ConfigError(f"a rate limit must be positive, got {rate:g}")
    if rate >= 1:
        return RateLimitItemPerSecond(round(rate))
    return RateLimitItemPerSecond(1, multiples=round(1 / rate))


@dataclass(frozen=True)
class Refusal:
    """A hit over the limit, with what `Retry-After` and the `RateLimit-*` headers report."""

    limit: int
    remaining: int
    reset_at: float  # epoch seconds when the window has room again

    @property
    def retry_after(self) -> float:
        return max(0.0, self.reset_at - time.time())

    def headers(self) -> list[tuple[bytes, bytes]]:
        """`Retry-After` and the limit headers, in the IETF draft and the `X-` forms."""
        reset = max(0, math.ceil(self.retry_after))
        values = [
            (b"ratelimit-limit", str(self.limit)),
            (b"ratelimit-remaining", str(self.remaining)),
            (b"ratelimit-reset", str(reset)),
            (b"x-ratelimit-limit", str(self.limit)),
            (b"x-ratelimit-remaining", str(self.remaining)),
            (b"x-ratelimit-reset", str(math.ceil(self.reset_at))),
        ]
        values.insert(0, (b"retry-after", str(max(1, reset))))
        return [(name, value.encode()) for name, value in values]


class RateLimiter:
    """Counters per key on one storage."""

    def __init__(self, storage_uri: str = "memory://") -> None:
        uri = storage_uri if storage_uri.startswith("async+") else "async+" + storage_uri
        try:
            storage = storage_from_string(uri)
        except ConfigurationError as exc:
            raise ConfigError(f"invalid rate-limit storage {storage_uri!r}: {exc}") from None
        assert isinstance(storage, Storage)
        self._strategy = SlidingWindowCounterRateLimiter(storage)

    async def hit(self, item: RateLimitItem, key: str) -> Refusal | None:
        """Count one request for `key`; None while under the limit, else the refusal."""
        if await self._strategy.hit(item, key):
            return None
        stats = await self._strategy.get_window_stats(item, key)
        return Refusal(item.amount, stats.remaining, stats.reset_time)
