"""Token usage, recorded per call by every provider.

    provider.meter.total          # Usage summed over every call
    provider.meter.count          # how many calls

Each call is also logged at DEBUG on `pygent.core.llm`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from pygent.core.llm.base import Usage

log = logging.getLogger("pygent.core.llm")


@dataclass
class UsageMeter:
    """Totals of one provider instance."""

    count: int = 0
    total: Usage = field(default_factory=Usage)

    def record(self, provider: str, model: str, usage: Usage, seconds: float) -> None:
        self.count += 1
        self.total = Usage(
            prompt_tokens=self.total.prompt_tokens + usage.prompt_tokens,
            completion_tokens=self.total.completion_tokens + usage.completion_tokens,
        )
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
