"""The runtime's loop against a scripted model that speaks OpenAI's wire protocol (tests/fixtures/fake_llm.py)."""

from __future__ import annotations

from typing import Any

import anyio
import pytest
from pygent.agents.events import Event, RunCompleted, RunError, ToolCallCompleted, ToolCallStarted
from pygent.agents.llm_bridge import TokenCount, provider_model
from pygent.agents.runtime import AgentRuntime, Turn
from pygent.agents.tools import ToolEntry
from pygent.core.errors import UnavailableError
from pygent.core.llm.openai_compat import OpenAICompatProvider

from tests.fixtures.fake_llm import FakeReply, RecordedRequest, fake_openai

pytestmark = pytest.mark.anyio

SCHEMA = {"type": "object", "properties": {"a": {"type": "integer"}, "b": {"type": "integer"}}, "required": ["a", "b"]}


class Calculator:
    """A ToolCaller with two tools; `add` records how many calls overlap."""

    def __init__(self) -> None:
        self.running = 0
        self.overlap = 0
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.both_started = anyio.Event()

    def tools(self) -> list[ToolEntry]:
        return [
            ToolEntry("calc_add", "calc", "Add two integers.", SCHEMA, untrusted=False),
            ToolEntry("calc_broken", "calc", "A tool whose server is down.", SCHEMA, untrusted=False),
        ]

    async def call(self, name: str, arguments: dict[str, Any], *, call_id: str, approve: Any) -> dict[str, Any]:
        self.calls.append((name, arguments))
        if name == "calc_broken":
            raise UnavailableError("server 'calc' disconnected during tool 'broken'")
        self.running += 1
        self.overlap = max(self.overlap, self.running)
        if self.running == 2:
            self.both_started.set()
        with anyio.fail_after(5):
            await self.both_started.wait()  # the two calls of one step must run at the same time
        self.running -= 1
        total = arguments["a"] + arguments["b"]
        return {"content": [{"type": "text", "text": str(total)}], "structuredContent": {"result": total}}


async def never_asked(*args: Any) -> bool:
    raise AssertionError("no approval expected")


def script(request: RecordedRequest) -> FakeReply:
    tool_messages = [m for m in request.messages if m.get("role") == "tool"]
    if not tool_messages:
        return FakeReply(tool_calls=[("calc_add", {"a": 2, "b": 3}), ("calc_add", {"a": 10, "b": 20})])
    if len(tool_messages) == 2:
        return FakeReply(tool_calls=[("calc_broken", {"a": 0, "b": 0})])
    return FakeReply(text="2+3 is 5 and 10+20 is 30; the broken tool failed.")


async def test_a_multi_step_turn_runs_independent_calls_together_and_survives_a_dead_server() -> None:
    async with fake_openai(script, models=["scripted"]) as fake:
        tokens = TokenCount()
        provider = OpenAICompatProvider("scripted", base_url=fake.base_url, api_key=None, timeout=10)
        caller = Calculator()
        events: list[Event] = []

        async def emit(event: Event) -> None:
            events.append(event)

        turn = Turn(
            agent="calc",
            message="add 2+3 and 10+20",
            conversation_id="c1",
            instructions="You add numbers.",
            model=provider_model(provider, tokens=tokens),
            provider="openai:scripted",
            caller=caller,
            approve=never_asked,
            tokens=tokens,
        )
        outcome = await AgentRuntime().run(turn, emit)
    assert outcome.output == "2+3 is 5 and 10+20 is 30; the broken tool failed."
    assert caller.calls == [
        ("calc_add", {"a": 2, "b": 3}),
        ("calc_add", {"a": 10, "b": 20}),
        ("calc_broken", {"a": 0, "b": 0}),
    ]
    assert caller.overlap == 2
    kinds = [event.type for event in events]
    assert kinds[0] == "run.started" and kinds[-1] == "run.completed"
    assert [e.tool for e in events if isinstance(e, ToolCallStarted)] == ["calc_add", "calc_add", "calc_broken"]
    completed = [e for e in events if isinstance(e, ToolCallCompleted)]
    assert sorted(e.result["structuredContent"]["result"] for e in completed if not e.is_error) == [5, 30]
    errors = [e for e in events if isinstance(e, RunError)]
    assert [e.message for e in errors] == ["server 'calc' disconnected during tool 'broken'"]
    final = events[-1]
    assert isinstance(final, RunCompleted) and final.stop_reason == "answer"
    assert final.usage.requests == 3 and final.usage.tool_calls == 3 and final.usage.input_tokens > 0
    assert fake.chat_requests[0].messages[0] == {"role": "system", "content": "You add numbers."}


async def test_a_runaway_loop_is_stopped_by_its_step_limit() -> None:
    forever = FakeReply(tool_calls=[("calc_broken", {"a": 1, "b": 1})])
    async with fake_openai(lambda request: forever, models=["scripted"]) as fake:
        provider = OpenAICompatProvider("scripted", base_url=fake.base_url, api_key=None, timeout=10)
        events: list[Event] = []

        async def emit(event: Event) -> None:
            events.append(event)

        turn = Turn(
            agent="calc",
            message="loop",
            conversation_id="c1",
            instructions="",
            model=provider_model(provider),
            provider="openai:scripted",
            caller=Calculator(),
            approve=never_asked,
            max_steps=3,
        )
        outcome = await AgentRuntime().run(turn, emit)
    assert outcome.stop_reason == "limit"
    final = events[-1]
    assert isinstance(final, RunCompleted) and final.stop_reason == "limit"
    assert len(fake.chat_requests) == 3
