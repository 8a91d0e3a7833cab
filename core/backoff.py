"""The one exponential-backoff formula: server restarts, model-call retries and store retries use it.

>>> [exponential_delay(n, initial=0.5, maximum=4.0) for n in (1, 2, 3, 4, 5)]
[0.5, 1.0, 2.0, 4.0, 4.0]
>>> 0 <= exponential_delay(1, initial=0.5, maximum=4.0, jitter=True) <= 0.5
True
"""

from __future__ import annotations

import random


def exponential_delay(attempt: int, initial: float, maximum: float, factor: float = 2.0, jitter: bool = False) -> float:
    """Seconds to wait before retry number `attempt` (1-based): `initial * factor**(attempt-1)`, capped.

    With `jitter` the wait is drawn at random below that ("full jitter"), so
    the losers of one race, or many clients retrying at once, do not meet again
    in step.
    """
    base = min(initial * factor ** max(attempt - 1, 0), maximum)
    return random.uniform(0, base) if jitter else float(base)
