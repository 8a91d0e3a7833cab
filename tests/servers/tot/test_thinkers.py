"""`thinker: auto`: a model when one answers, else the task's programmatic thinker, else one clear error.

The clients here are the kinds a user connects: one without sampling (the
TypeScript SDK, the Inspector, Claude Desktop), and one that declares sampling
but answers a sampling request with "does not support sampling" (what the
gateway answers for such a client). No Ollama listens (OLLAMA_HOST is a closed
port), so only the fake model servers, when started, can answer.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import mcp_types as t
import pytest
from fastmcp import Client
from fastmcp.exceptions import ToolError

from tests.fixtures.fake_llm import fake_ollama, fake_openai
from tests.servers.tot.conftest import Scripted, make_server
from tests.servers.tot.test_model_search import LABELS

pytestmark = pytest.mark.anyio
GAME = {"problem": "4 9 10 13", "task": "game24"}
PLAN = {"problem": "Name the best plan.", "breadth": 2, "depth": 3, "evaluate_samples": 1}
HOW_TO_SET_A_MODEL = (
    "no language model is available; set PYGENT_LLM=ollama:MODEL (a local Ollama, or OLLAMA_HOST), "
    "PYGENT_LLM=openai:MODEL with PYGENT_OPENAI_BASE_URL and/or PYGENT_OPENAI_API_KEY "
    "(OpenAI, vLLM, llama.cpp, LM Studio), or call from an MCP client that supports sampling"
)


@pytest.fixture(autouse=True)
def no_model_reachable(monkeypatch: pytest.MonkeyPatch, closed_port: int) -> None:
    monkeypatch.setenv("PYGENT_LLM", "auto")
    monkeypatch.setenv("OLLAMA_HOST", f"http://127.0.0.1:{closed_port}")


def refusing(code: int, answers: int = 0, reply: str = "") -> Callable[..., Any]:
    """A sampling handler that answers `answers` requests with `reply`, then says it cannot sample."""
    asked: list[int] = []

    async def sample(messages: list[t.SamplingMessage], params: t.CreateMessageRequestParams, rc: Any) -> Any:
        asked.append(1)
        if len(asked) <= answers:
            return reply
        return t.ErrorData(code=code, message="the calling client does not support sampling")

    return sample


@pytest.mark.parametrize("mode", ["auto", "legacy"])
async def test_a_client_without_sampling_gets_game24_solved_by_the_programmatic_thinker(
    mode: str, closed_port: int
) -> None:
    async with Client(make_server(), mode=mode) as client:
        found = (await client.call_tool("solve", GAME)).structured_content
    assert found is not None
    assert found["solved"] and found["status"] == "done" and found["thinker"] == "programmatic"
    assert found["stats"]["model_calls"] == 0
    assert found["message"].endswith("; no model answered, so the task's programmatic thinker ran")
    assert found["fallback"] == (
        f"{HOW_TO_SET_A_MODEL} (Ollama is not answering at http://127.0.0.1:{closed_port}; "
        "the MCP client does not declare sampling)"
    )


@pytest.mark.parametrize("code", [t.METHOD_NOT_FOUND, t.MISSING_REQUIRED_CLIENT_CAPABILITY])
async def test_a_client_that_declares_sampling_but_cannot_sample_gets_the_same_fallback(code: int) -> None:
    # The back channel exists only on 2025-11-25 sessions: that is where the gateway's refusal arrives.
    async with Client(make_server(), mode="legacy", sampling_handler=refusing(code)) as client:
        found = (await client.call_tool("solve", GAME)).structured_content
        step = (await client.call_tool("expand", {**GAME, "steps": ["13 - 9 = 4"]})).structured_content
    assert found is not None and step is not None
    assert found["solved"] and found["thinker"] == "programmatic" and found["stats"]["model_calls"] == 0
    assert found["fallback"] == (
        f"the MCP client cannot sample (the calling client does not support sampling); {HOW_TO_SET_A_MODEL}"
    )
    assert step["thinker"] == "programmatic" and "10 - 4 = 6 (left: 4 6)" in [c["step"] for c in step["candidates"]]


async def test_once_the_model_has_answered_a_refusal_fails_the_run_instead() -> None:
    # One proposal answered by the client's model, then it cannot sample: no silent switch mid-search.
    handler = refusing(t.METHOD_NOT_FOUND, answers=1, reply="13 - 9 = 4 (left: 4 4 10)")
    async with Client(make_server(), mode="legacy", sampling_handler=handler) as client:
        with pytest.raises(ToolError) as info:
            await client.call_tool("solve", GAME)
        runs = (await client.call_tool("list_runs", {})).structured_content
        assert runs is not None and [r["status"] for r in runs["runs"]] == ["failed"]
        run = (await client.call_tool("get_run", {"run_id": runs["runs"][0]["id"]})).structured_content
    assert str(info.value).startswith("the MCP client cannot sample (the calling client does not support sampling)")
    assert run is not None and run["error"] == str(info.value) and run["result"]["thinker"] == "client"
    assert run["result"]["stop_reason"] == "failed" and run["result"]["stats"]["expanded"] == 1


@pytest.mark.parametrize("mode", ["auto", "legacy"])
async def test_a_task_without_a_programmatic_thinker_fails_in_one_line_naming_the_settings(mode: str) -> None:
    async with Client(make_server(), mode=mode) as client:
        with pytest.raises(ToolError) as info:
            await client.call_tool("solve", PLAN)
        runs = (await client.call_tool("list_runs", {})).structured_content
    message = str(info.value)
    assert message.startswith(f"task 'generic' has no programmatic thinker, and {HOW_TO_SET_A_MODEL} (")
    assert "\n" not in message
    assert runs is not None and [(r["status"], r["task"]) for r in runs["runs"]] == [("failed", "generic")]


async def test_a_refusing_client_fails_a_generic_run_with_the_reason_and_it_is_not_left_waiting() -> None:
    async with Client(make_server(), mode="legacy", sampling_handler=refusing(t.METHOD_NOT_FOUND)) as client:
        with pytest.raises(ToolError, match=r"^the MCP client cannot sample .*; no language model is available; set "):
            await client.call_tool("solve", PLAN)
        runs = (await client.call_tool("list_runs", {})).structured_content
    assert runs is not None and [r["status"] for r in runs["runs"]] == ["failed"]


async def test_a_reachable_ollama_still_drives_the_search() -> None:
    scripted = Scripted(LABELS)
    async with fake_ollama(scripted) as fake:
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("OLLAMA_HOST", fake.url)
            async with Client(make_server()) as client:
                found = (await client.call_tool("solve", PLAN)).structured_content
    assert found is not None and found["thinker"] == "ollama" and found["model"] == "llama3.2:latest"
    assert found["answer"] == "b21" and found["fallback"] is None
    assert found["stats"]["model_calls"] == len(fake.chat_requests) > 0


async def test_an_openai_compatible_endpoint_at_the_configured_base_url_drives_the_search() -> None:
    scripted = Scripted(LABELS)
    async with fake_openai(scripted, models=["qwen2.5-7b-instruct"], api_key="sk-local") as fake:
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("PYGENT_OPENAI_BASE_URL", fake.base_url)
            patch.setenv("PYGENT_OPENAI_API_KEY", "sk-local")
            async with Client(make_server()) as client:
                found = (await client.call_tool("solve", PLAN)).structured_content
    assert found is not None and (found["thinker"], found["model"]) == ("openai", "qwen2.5-7b-instruct")
    assert found["answer"] == "b21" and found["stats"]["model_calls"] == len(fake.chat_requests) > 0
