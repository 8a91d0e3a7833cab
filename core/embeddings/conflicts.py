"""Run a LanceDB operation again when it loses a commit race to another writer.

Lance commits optimistically and merges most concurrent commits itself (appends
never conflict), but some pairs cannot both apply: two processes creating the
same index on a fresh table, a delete or an update racing a compaction. The
loser raises "Retryable commit conflict ... Please retry"; nothing of it was
committed, so the whole operation may run again on the latest version (our
handles read it on every call, see `tables.connect`). `retry_conflicts` does so
a bounded number of times, after short jittered waits, and then raises a clear
`UnavailableError`. Any other error propagates at once.

    retry_conflicts("storing memories", table.add, rows)
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from pygent.core.backoff import exponential_delay
from pygent.core.errors import UnavailableError

P = ParamSpec("P")
T = TypeVar("T")
log = logging.getLogger("pygent.core.embeddings.conflicts")

# LanceDB has no exception type for it: a RuntimeError carrying Lance's message.
RETRYABLE = "Retryable commit conflict"
ATTEMPTS = 8
FIRST_WAIT = 0.02  # seconds; doubles per attempt, up to MAX_WAIT, each drawn at random below it
MAX_WAIT = 1.0


def is_retryable_conflict(exc: BaseException) -> bool:
    return isinstance(exc, RuntimeError | OSError) and RETRYABLE in str(exc)


def retry_conflicts(
    what: str,
    operation: Callable[P, T],
    /,
    *args: P.args,
    **kwargs: P.kwargs,
) -> T:
    """`operation(*args, **kwargs)`, run again while it loses commit races (blocking: call it in a thread).

    `what` names the operation for the log and the error ("storing memories").

    Raises:
        UnavailableError: every attempt lost a commit race.
    """
    for attempt in range(1, ATTEMPTS + 1):
        try:
            return operation(*args, **kwargs)
        except Exception as exc:
            if not is_retryable_conflict(exc):
                raise
            if attempt == ATTEMPTS:
                raise UnavailableError(
                    f"{what} failed: other writers won {ATTEMPTS} commit races in a row on the same "
                    "LanceDB table; try again"
                ) from exc
            wait = exponential_delay(attempt + 1, FIRST_WAIT, MAX_WAIT, jitter=True)
            log.info("commit conflict, retrying", extra={"operation": what, "attempt": attempt, "wait": round(wait, 3)})
            time.sleep(wait)
    raise AssertionError("unreachable: attempts >= 1")
