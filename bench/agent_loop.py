"""Agent-loop overhead per step: a scripted model that answers at once, vs the same tool calls made directly.

    python bench/agent_loop.py [--steps 20] [--repeats 7] [--quick] [--json bench/results/agent_loop.json]

The full default mesh (mcp.json) runs through the host's own runtime. An agent
of the coding template (its view as the host builds it, called through the
host's `MeshCaller`, so the view check and the untrusted-content guard run as
in a real turn) does `--steps` steps: each model request answers with one call
of `database_list_connections` (a real tool of a real server that touches no
database), and the last with text. The baseline, in the same run and
interleaved with the agent runs, makes the same number of calls of the same
tool straight through the mesh (`route.backend.call_tool`). Per-step overhead
is (agent time - direct time) / steps, median over `--repeats`; CPU is this
process's (time.process_time: the loop, the model bridge, the mesh client),
not the server's, which is the same work on both sides.

Two models, both scripted and answering at once:
- in-process: an `LLMProvider` whose stream yields the scripted chunk, behind
  our PydanticAI bridge (agents/llm_bridge.py): the runtime's own cost, with no
  wire in between. This is the figure the target is about.
- openai-http: our OpenAI-compatible client against the fake OpenAI server of
  tests/fixtures/fake_llm.py over 127.0.0.1 (SSE streaming). The fake runs in
  this process, so its own cost (uvicorn, Starlette) is in the figure too: an
  upper bound of what a local model server's protocol costs us per step.
- loop only: the in-process model with the view's tools answering at once in
  this process (no mesh, no baseline to subtract): PydanticAI's loop, our
  bridge, toolset and events alone, to tell the loop's cost from the mesh's.

Target (issue 11): <= 2 ms per step for the in-process model.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any

import anyio
from default_mesh import default_mesh
from pygent.agents.events import Event, ToolCallCompleted
from pygent.agents.llm_bridge import provider_model
from pygent.agents.runtime import AgentRuntime, Turn
from pygent.agents.tools import ToolEntry
from pygent.core.agent_spec import from_template
from pygent.core.llm.base import (
    ChatChunk,
    ChatMessage,
    ChatOptions,
    ChatResponse,
    LLMProvider,
    ToolCall,
    ToolSpec,
    Usage,
)
from pygent.core.llm.openai_compat import OpenAICompatProvider
from pygent.host.agents.caller import MeshCaller
from pygent.host.mesh.interactions import NoInteractions
from pygent.host.runtime import HostRuntime

from tests.fixtures.fake_llm import FakeReply, RecordedRequest, fake_openai

HERE = Path(__file__).resolve().parent
TOOL = "database_list_connections"
TARGET_MS = 2.0


class Plan:
    """How many steps the scripted models take in the next turn."""

    steps = 0


class ScriptedProvider:
    """An in-process LLMProvider: calls TOOL until the conversation has `steps` tool results, then answers."""

    name = "scripted"
    model = "instant"

    def __init__(self, plan: Plan) -> None:
        self.plan = plan

    def _reply(self, messages: list[ChatMessage]) -> ChatChunk:
        done = sum(1 for m in messages if m.role == "tool")
        usage = Usage(prompt_tokens=1, completion_tokens=1)
        if done < self.plan.steps:
            return ChatChunk(tool_calls=[ToolCall(id=f"call-{done}", name=TOOL, arguments={})], done=True, usage=usage)
        return ChatChunk(text="done", done=True, usage=usage)

    async def chat(
        self, messages: list[ChatMessage], tools: list[ToolSpec] | None = None, options: ChatOptions | None = None
    ) -> ChatResponse:
        chunk = self._reply(messages)
        return ChatResponse(message=ChatMessage(role="assistant", content=chunk.text, tool_calls=chunk.tool_calls))

    async def stream(
        self, messages: list[ChatMessage], tools: list[ToolSpec] | None = None, options: ChatOptions | None = None
    ) -> AsyncIterator[ChatChunk]:
        yield self._reply(messages)

    async def list_models(self) -> list[str]:
        return [self.model]

    async def reachable(self) -> bool:
        return True


def openai_script(plan: Plan) -> Any:
    def script(request: RecordedRequest) -> FakeReply:
        done = sum(1 for m in request.messages if m.get("role") == "tool")
        return FakeReply(tool_calls=[(TOOL, {})]) if done < plan.steps else FakeReply(text="done")

    return script


async def _never(*args: Any) -> bool:
    raise AssertionError("no approval expected: the tool is read-only")


class StubCaller:
    """The coding view's tools, each answering at once with a fixed result: the loop without the mesh."""

    def __init__(self, runtime: HostRuntime) -> None:
        self.entries = mesh_caller(runtime).tools()
        self.result = {"content": [{"type": "text", "text": "main: sqlite"}], "structuredContent": {"result": "ok"}}

    def tools(self) -> list[ToolEntry]:
        return self.entries

    async def call(self, name: str, arguments: dict[str, Any], *, call_id: str, approve: Any) -> dict[str, Any]:
        assert name == TOOL
        return self.result


def mesh_caller(runtime: HostRuntime) -> MeshCaller:
    """What the host hands an agent of the coding template: its view, under the gateway's rules."""
    spec = from_template("coding", "bench-loop")
    return MeshCaller(runtime.mesh, runtime.agents.toolbox_for(spec), runtime.guard, context="bench-loop")


async def agent_run(
    runtime: HostRuntime, provider: LLMProvider, plan: Plan, steps: int, *, stub: bool = False
) -> tuple[float, float]:
    """Wall and CPU seconds of one agent turn of `steps` tool-calling steps (from building its caller on)."""
    plan.steps = steps
    wall, cpu = time.perf_counter(), time.process_time()
    caller: StubCaller | MeshCaller = StubCaller(runtime) if stub else mesh_caller(runtime)
    events: list[Event] = []

    async def emit(event: Event) -> None:
        events.append(event)

    turn = Turn(
        agent="bench-loop",
        message="list the database connections, again and again",
        conversation_id="c-bench",
        instructions="You are a benchmark.",
        model=provider_model(provider),
        provider=f"{provider.name}:{provider.model}",
        caller=caller,
        approve=_never,
        max_steps=steps + 1,
        max_tool_calls=steps,
    )
    outcome = await AgentRuntime().run(turn, emit)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    completed = [e for e in events if isinstance(e, ToolCallCompleted) and not e.is_error]
    assert outcome.stop_reason == "answer" and outcome.output == "done", outcome
    assert len(completed) == steps, f"{len(completed)} successful calls of {steps}"
    return wall, cpu


async def direct_run(runtime: HostRuntime, steps: int) -> tuple[float, float]:
    """Wall and CPU seconds of `steps` calls of TOOL straight through the mesh."""
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(steps):
        route = runtime.mesh.route_tool(TOOL)
        result = await route.backend.call_tool(route.tool.name, {}, interactions=NoInteractions())
        assert isinstance(result, dict) and not result.get("isError"), result
    return time.perf_counter() - wall, time.process_time() - cpu


async def measure(steps: int, repeats: int, http: bool) -> dict[str, Any]:
    rows = []
    async with default_mesh() as runtime, AsyncExitStack() as stack:
        plan = Plan()
        models: dict[str, LLMProvider] = {"in-process": ScriptedProvider(plan)}
        if http:
            fake = await stack.enter_async_context(fake_openai(openai_script(plan), models=["scripted"]))
            models["openai-http"] = OpenAICompatProvider("scripted", base_url=fake.base_url, api_key=None, timeout=30)
        for provider in models.values():  # warm up: imports, first connections, caches
            await agent_run(runtime, provider, plan, 2)
        await direct_run(runtime, 2)
        runs = [(label, provider, False) for label, provider in models.items()]
        runs.append(("loop only", models["in-process"], True))
        for label, provider, stub in runs:
            samples = []
            for _ in range(repeats):
                direct = (0.0, 0.0) if stub else await direct_run(runtime, steps)
                agent = await agent_run(runtime, provider, plan, steps, stub=stub)
                samples.append({"agent": agent, "direct": direct})
            per_step = [(s["agent"][0] - s["direct"][0]) / steps * 1000 for s in samples]
            cpu_step = [(s["agent"][1] - s["direct"][1]) / steps * 1000 for s in samples]
            rows.append(
                {
                    "model": label,
                    "steps": steps,
                    "repeats": repeats,
                    "direct_ms_per_call": statistics.median(s["direct"][0] for s in samples) / steps * 1000,
                    "agent_ms_per_step": statistics.median(s["agent"][0] for s in samples) / steps * 1000,
                    "overhead_ms_per_step": statistics.median(per_step),
                    "overhead_min_ms": min(per_step),
                    "overhead_max_ms": max(per_step),
                    "cpu_overhead_ms_per_step": statistics.median(cpu_step),
                    "samples": samples,
                }
            )
    return {"tool": TOOL, "target_ms_per_step": TARGET_MS, "loadavg": os.getloadavg()[0], "rows": rows}


def report(result: dict[str, Any], out: Path) -> None:
    print(
        f"tool: {result['tool']}; overhead = (agent - direct) / steps, median of repeats;"
        f" load average {result['loadavg']:.1f} on {os.cpu_count()} CPUs"
    )
    print(
        f"{'model':<13}{'steps':>6}{'direct ms':>11}{'agent ms':>10}{'overhead ms':>13}"
        f"{'min..max':>15}{'cpu ms':>9}{'target':>8}  ok"
    )
    for row in result["rows"]:
        spread = f"{row['overhead_min_ms']:.2f}..{row['overhead_max_ms']:.2f}"
        ok = "yes" if row["overhead_ms_per_step"] <= TARGET_MS else "NO"
        if row["model"] == "openai-http":
            ok += " (info)"
        print(
            f"{row['model']:<13}{row['steps']:>6}{row['direct_ms_per_call']:>11.2f}{row['agent_ms_per_step']:>10.2f}"
            f"{row['overhead_ms_per_step']:>13.2f}{spread:>15}{row['cpu_overhead_ms_per_step']:>9.2f}"
            f"{TARGET_MS:>8.1f}  {ok}"
        )
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2), encoding="utf-8")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--no-http", action="store_true", help="only the in-process model")
    parser.add_argument("--quick", action="store_true", help="5 steps, 2 repeats")
    parser.add_argument("--json", type=Path, default=HERE / "results" / "agent_loop.json")
    arguments = parser.parse_args()
    steps, repeats = (5, 2) if arguments.quick else (arguments.steps, arguments.repeats)
    report(anyio.run(measure, steps, repeats, not arguments.no_http), arguments.json)
