"""The turns running now: to cancel one, to answer its approval prompts, to keep a conversation to one turn.

runs = RunRegistry()
with runs.running(run_id, conversation_id, owner) as run:   # ConflictError if the conversation is busy
    ... run.scope ...                                       # cancelled by runs.cancel(run_id, owner)
decided = await runs.wait_decision(run_id, call_id)         # True / False; False on timeout
runs.decide(run_id, call_id, approve=True, owner=owner)
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import anyio
from pygent.core.errors import ConflictError, NotFoundError

APPROVAL_TIMEOUT = 300.0  # seconds a destructive call waits for a yes before it is refused


@dataclass
class Approval:
    decided: anyio.Event = field(default_factory=anyio.Event)
    approved: bool = False


@dataclass
class Run:
    run_id: str
    conversation_id: str
    owner: str
    scope: anyio.CancelScope = field(default_factory=anyio.CancelScope)
    approvals: dict[str, Approval] = field(default_factory=dict)


class RunRegistry:
    def __init__(self, approval_timeout: float = APPROVAL_TIMEOUT) -> None:
        self.approval_timeout = approval_timeout
        self._runs: dict[str, Run] = {}
        self._busy: dict[str, str] = {}  # conversation -> run

    @contextmanager
    def running(self, run_id: str, conversation_id: str, owner: str) -> Iterator[Run]:
        """Register a turn for its duration.

        Raises:
            ConflictError: the conversation has a turn running already.
        """
        if conversation_id in self._busy:
            raise ConflictError(
                f"conversation {conversation_id!r} has a turn running ({self._busy[conversation_id]}); "
                "wait for it or cancel it"
            )
        run = Run(run_id, conversation_id, owner)
        self._runs[run_id] = run
        self._busy[conversation_id] = run_id
        try:
            yield run
        finally:
            self._runs.pop(run_id, None)
            self._busy.pop(conversation_id, None)
            for approval in run.approvals.values():
                approval.decided.set()

    def _get(self, run_id: str, owner: str) -> Run:
        run = self._runs.get(run_id)
        if run is None or run.owner != owner:
            raise NotFoundError(f"no running turn {run_id!r}")
        return run

    def cancel(self, run_id: str, owner: str) -> None:
        """Raises NotFoundError when no such turn runs (for this owner)."""
        self._get(run_id, owner).scope.cancel()

    def ask(self, run_id: str, call_id: str) -> Approval:
        approval = Approval()
        self._runs[run_id].approvals[call_id] = approval
        return approval

    async def wait_decision(self, run_id: str, call_id: str, approval: Approval) -> bool:
        with anyio.move_on_after(self.approval_timeout):
            await approval.decided.wait()
        self._runs.get(run_id, Run(run_id, "", "")).approvals.pop(call_id, None)
        return approval.approved

    def decide(self, run_id: str, call_id: str, approve: bool, owner: str) -> None:
        """Raises NotFoundError when the turn or the question is unknown (or already answered)."""
        approval = self._get(run_id, owner).approvals.get(call_id)
        if approval is None or approval.decided.is_set():
            raise NotFoundError(f"turn {run_id!r} is not waiting for an approval of {call_id!r}")
        approval.approved = approve
        approval.decided.set()
