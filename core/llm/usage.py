"""Token usage, recorded per call by every provider.

    provider.meter.calls[-1]      # CallRecord(model=..., prompt_tokens=..., seconds=...)
    provider.meter.total          # Usage summed over every call

Each call is also logged at DEBUG on `pygent.core.llm`. The meter keeps the
most recent calls only, so a long-running agent does not grow without bound.
"""

from __future__ import annotations

import logging
from collections import deque
from dataclasses import dataclass, field

from pygent.core.llm.base import Usage

log = logging.getLogger("pygent.core.llm")


@dataclass(frozen=True)
class CallRecord:
    provider: str
    model: str
    prompt_tokens: int
    completion_tokens: int
    seconds: float


@dataclass
class UsageMeter:
    """Totals and recent calls of one provider instance."""

    keep: int = 256
    count: int = 0
    total: Usage = field(default_factory=Usage)
    calls: deque[CallRecord] = field(init=False)

    def __post_init__(self) -> None:
        self.calls = deque(maxlen=self.keep)

    def record(self, provider: str, model: str, usage: Usage, seconds: float) -> None:
        self.count += 1
        self.total = Usage(
            prompt_tokens=self.total.prompt_tokens + usage.prompt_tokens,
            completion_tokens=self.total.completion_tokens + usage.completion_tokens,
        )
        self.calls.append(CallRecord(provider, model, usage.prompt_tokens, usage.completion_tokens, seconds))
        log.debug(
            "model call",
            extra={
                "provider": provider,
                "model": model,
                "prompt_tokens": usage.prompt_tokens,
                "completion_tokens": usage.completion_tokens,
                "seconds": round(seconds, 3),
            },
        )


def estimate_tokens(text: str) -> int:
    """A rough token count (about four characters per token) when a server reports none."""
    return (len(text) + 3) // 4
