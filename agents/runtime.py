"""One agent turn: the tool-calling loop over the mesh, streamed as events.

    outcome = await AgentRuntime().run(turn, emit)   # emit(event) for run.started, text.delta, tool.call.*,
                                                     # approval.requested, error, run.completed

The loop is PydanticAI's (tool calls, independent calls run concurrently,
retries of bad arguments, usage limits); this module wires it to our parts:
the model (`llm_bridge` over core/llm, or the `offline` router), the agent's
view (`tools.MeshToolset` over the host's `ToolCaller`), and its limits. The
faces (REST, WebSocket, MCP, SDK) only see our events, never PydanticAI's
types. A turn ends with exactly one `run.completed`: with the answer, or with
`stop_reason` "limit" (steps, tool calls, tokens, wall time), "cancelled" or
"error".
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import AsyncIterable, Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import anyio
from pydantic_ai import Agent, RunContext
from pydantic_ai.exceptions import UsageLimitExceeded
from pydantic_ai.messages import AgentStreamEvent, ModelMessage, PartDeltaEvent, PartStartEvent, TextPart, TextPartDelta
from pydantic_ai.models import Model
from pydantic_ai.usage import UsageLimits
from pygent.agents.events import Event, RunCompleted, RunError, RunStarted, TextDelta, Usage
from pygent.agents.llm_bridge import TokenCount
from pygent.agents.tools import Approver, MeshToolset, ToolCaller
from pygent.core.errors import PygentError

log = logging.getLogger("pygent.agents")


@dataclass
class Turn:
    """Everything one turn needs: who answers, with which tools, under which limits."""

    agent: str
    message: str
    conversation_id: str
    instructions: str
    model: Model
    provider: str  # shown to the user: "ollama:llama3.2", "offline", ...
    caller: ToolCaller
    approve: Approver
    history: Sequence[ModelMessage] = ()
    max_steps: int = 20
    max_tool_calls: int | None = 50
    max_tokens: int | None = None
    max_seconds: float = 300.0
    tokens: TokenCount = field(default_factory=TokenCount)
    finish: Callable[[Outcome], Awaitable[None]] | None = None  # awaited before run.completed is sent
    run_id: str = field(default_factory=lambda: "run-" + secrets.token_hex(8))


@dataclass
class Outcome:
    """What a finished turn leaves behind for the conversation store."""

    output: str = ""
    new_messages: list[ModelMessage] = field(default_factory=list)
    stop_reason: str = "answer"
    run_id: str = ""
    conversation_id: str = ""


class AgentRuntime:
    """Runs turns; stateless itself (conversations and specs live in their stores)."""

    async def run(self, turn: Turn, emit: Callable[[Event], Awaitable[None]]) -> Outcome:
        """Run one turn, handing each event to `emit` as it happens; the turn's outcome.

        Cancelling the caller's scope stops the turn (tool calls in flight are
        cancelled on their servers); `run.completed` with "cancelled" is still sent.
        """
        outcome = Outcome(run_id=turn.run_id, conversation_id=turn.conversation_id)
        await emit(
            RunStarted(
                run_id=turn.run_id, agent=turn.agent, conversation_id=turn.conversation_id, provider=turn.provider
            )
        )
        usage = Usage()
        try:
            with anyio.fail_after(turn.max_seconds):
                await self._loop(turn, outcome, emit, usage)
        except TimeoutError:
            await self._stop(turn, outcome, emit, "limit", f"the turn ran past its {turn.max_seconds:g} s limit")
        except UsageLimitExceeded as exc:
            await self._stop(turn, outcome, emit, "limit", f"the turn hit a limit: {exc}")
        except anyio.get_cancelled_exc_class():
            with anyio.CancelScope(shield=True):
                outcome.stop_reason = "cancelled"
                await self._finish(turn, outcome)
                await emit(RunCompleted(run_id=turn.run_id, output=outcome.output, stop_reason="cancelled"))
            raise
        except PygentError as exc:
            await self._stop(turn, outcome, emit, "error", exc.message)
        except Exception:  # a bug must end the turn, never the host that runs it
            log.exception("agent turn failed", extra={"agent": turn.agent, "run": turn.run_id})
            await self._stop(turn, outcome, emit, "error", "the turn failed with an internal error (see the host log)")
        else:
            usage.input_tokens = turn.tokens.input_tokens
            usage.output_tokens = turn.tokens.output_tokens
            await self._finish(turn, outcome)
            await emit(RunCompleted(run_id=turn.run_id, output=outcome.output, usage=usage))
        return outcome

    async def _stop(
        self, turn: Turn, outcome: Outcome, emit: Callable[[Event], Awaitable[None]], reason: str, message: str
    ) -> None:
        outcome.stop_reason = reason
        await emit(RunError(run_id=turn.run_id, message=message))
        await self._finish(turn, outcome)
        await emit(RunCompleted(run_id=turn.run_id, output=outcome.output, stop_reason=reason))  # type: ignore[arg-type]

    async def _finish(self, turn: Turn, outcome: Outcome) -> None:
        """Let the caller record the turn before anyone hears it is over."""
        if turn.finish is not None:
            with anyio.CancelScope(shield=True):
                await turn.finish(outcome)

    async def _loop(self, turn: Turn, outcome: Outcome, emit: Callable[[Event], Awaitable[None]], usage: Usage) -> None:
        toolset = MeshToolset(turn.caller, emit, turn.approve, run_id=turn.run_id)
        agent: Agent[None, str] = Agent(turn.model, toolsets=[toolset], instructions=turn.instructions or None)
        limits = UsageLimits(
            request_limit=turn.max_steps,
            tool_calls_limit=turn.max_tool_calls,
            total_tokens_limit=turn.max_tokens,
        )
        text: list[str] = []

        async def stream(ctx: RunContext[None], events: AsyncIterable[AgentStreamEvent]) -> None:
            async for event in events:
                delta = _text_of(event)
                if delta:
                    text.append(delta)
                    await emit(TextDelta(run_id=turn.run_id, text=delta))

        # run() with a stream handler rather than run_stream_events(): the same events for less work,
        # 1.3-1.4 ms less CPU per step of a bare PydanticAI loop here (4.4 -> 3.0 ms; bench/agent_loop.py)
        result = await agent.run(
            turn.message, message_history=list(turn.history), usage_limits=limits, event_stream_handler=stream
        )
        outcome.output = str(result.output)
        outcome.new_messages = list(result.new_messages())
        usage.requests = result.usage.requests
        usage.tool_calls = result.usage.tool_calls
        if not outcome.output:
            outcome.output = "".join(text)


def _text_of(event: Any) -> str:
    if isinstance(event, PartStartEvent) and isinstance(event.part, TextPart):
        return event.part.content
    if isinstance(event, PartDeltaEvent) and isinstance(event.delta, TextPartDelta):
        return event.delta.content_delta
    return ""
