"""The client provider: a real fastmcp Client with a sampling handler, in both protocol eras.

In memory, over a real stdio child process and over streamable HTTP on
127.0.0.1. On 2025-11-25 the server asks over the back channel; on 2026-07-28
the tool returns an InputRequiredResult and the client calls again.
"""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import mcp_types as t
import pytest
from fastmcp import Client
from fastmcp.client.transports import StdioTransport
from fastmcp.exceptions import ToolError
from fastmcp.utilities.tests import run_server_async

from tests.core.llm.asker_server import build

pytestmark = pytest.mark.anyio
ASKER = str(Path(__file__).with_name("asker_server.py"))
ERAS = {"auto": "2026-07-28", "legacy": "2025-11-25"}


class Sampler:
    """A client-side model: answers from the last user message and records every request."""

    def __init__(self) -> None:
        self.requests: list[t.CreateMessageRequestParams] = []

    async def __call__(self, messages: list[t.SamplingMessage], params: t.CreateMessageRequestParams, rc: Any) -> str:
        self.requests.append(params)
        last = messages[-1].content
        text = last.text if isinstance(last, t.TextContent) else "?"
        return f"<{text}>"


@pytest.fixture(autouse=True)
def client_llm(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYGENT_LLM", "client")


@asynccontextmanager
async def connect(where: str, mode: str, sampler: Sampler | None, home: Path) -> AsyncIterator[Client[Any]]:
    handler = sampler if sampler is not None else None
    if where == "memory":
        async with Client(build(), mode=mode, sampling_handler=handler) as client:
            yield client
    elif where == "stdio":
        env = {"PYGENT_LLM": "client", "PYGENT_HOME": str(home), "PATH": "/usr/bin:/bin"}
        transport = StdioTransport(sys.executable, [ASKER], env=env, cwd=str(Path(__file__).parents[3]))
        async with Client(transport, mode=mode, sampling_handler=handler) as client:
            yield client
    else:
        async with run_server_async(build()) as url:
            async with Client(url, mode=mode, sampling_handler=handler) as client:
                yield client


@pytest.mark.parametrize("where", ["memory", "stdio", "http"])
@pytest.mark.parametrize("mode", ["auto", "legacy"])
async def test_a_tool_gets_its_answer_from_the_clients_model_in_both_eras(
    where: str, mode: str, clean_environ: Path
) -> None:
    sampler = Sampler()
    async with connect(where, mode, sampler, clean_environ) as client:
        assert client.protocol_version == ERAS[mode]
        result = await client.call_tool("ask", {"question": "What is 2+2?"})
    assert result.data == "client: <What is 2+2?>"
    assert len(sampler.requests) == 1
    request = sampler.requests[0]
    assert request.system_prompt == "Answer briefly."
    assert request.max_tokens == 64
    assert request.temperature == 0.2


@pytest.mark.parametrize("mode", ["auto", "legacy"])
async def test_a_multi_round_tool_resumes_from_its_store(mode: str, clean_environ: Path) -> None:
    sampler = Sampler()
    async with connect("memory", mode, sampler, clean_environ) as client:
        result = await client.call_tool("ask_twice", {"question": "sky colour"})
    assert result.data == "<sky colour> / <Are you sure that <sky colour>?>"
    assert [r.messages[-1].content.text for r in sampler.requests] == [  # type: ignore[union-attr]
        "sky colour",
        "Are you sure that <sky colour>?",
    ]


@pytest.mark.parametrize("mode", ["auto", "legacy"])
async def test_a_batch_is_answered_in_one_round(mode: str) -> None:
    sampler = Sampler()
    # One input round at most: a batch that needed a round per question would fail here.
    async with Client(build(), mode=mode, sampling_handler=sampler, input_required_max_rounds=1) as client:
        result = await client.call_tool("ask_many", {"questions": ["a", "b", "a"]})
    assert result.data == ["<a>", "<b>", "<a>"]
    assert len(sampler.requests) == 3


async def test_without_a_sampling_client_the_error_says_how_to_configure_a_model() -> None:
    async with Client(build()) as client:
        with pytest.raises(ToolError, match="PYGENT_LLM=client, but the MCP client does not declare sampling") as info:
            await client.call_tool("ask", {"question": "hi"})
    assert "set PYGENT_LLM=ollama:MODEL" in str(info.value) and "PYGENT_OPENAI_BASE_URL" in str(info.value)


@pytest.mark.parametrize("mode", ["auto", "legacy"])
async def test_a_client_without_sampling_is_never_sent_an_input_round(mode: str) -> None:
    # ClientProvider built directly (as a multi-round tool does): asking would cost the client a
    # -32021 error on 2026-07-28 and leave the tool waiting for an answer that never comes.
    async with Client(build(), mode=mode, input_required_max_rounds=1) as client:
        with pytest.raises(ToolError, match=r"^the MCP client does not declare sampling; no language model"):
            await client.call_tool("ask_twice", {"question": "hi"})


@pytest.mark.parametrize("code", [t.METHOD_NOT_FOUND, t.MISSING_REQUIRED_CLIENT_CAPABILITY])
async def test_a_client_that_declares_sampling_but_cannot_sample_means_no_model(code: int) -> None:
    async def cannot(messages: list[t.SamplingMessage], params: t.CreateMessageRequestParams, rc: Any) -> Any:
        return t.ErrorData(code=code, message="the calling client does not support sampling")

    async with Client(build(), mode="legacy", sampling_handler=cannot) as client:
        with pytest.raises(ToolError) as info:
            await client.call_tool("ask", {"question": "hi"})
    assert str(info.value).startswith(
        "the MCP client cannot sample (the calling client does not support sampling); no language model is available"
    )


async def test_a_client_that_refuses_is_a_clear_tool_error() -> None:
    async def refuse(messages: list[t.SamplingMessage], params: t.CreateMessageRequestParams, rc: Any) -> str:
        raise RuntimeError("user said no")

    async with Client(build(), mode="legacy", sampling_handler=refuse) as client:
        with pytest.raises(ToolError, match="did not answer the sampling request: user said no"):
            await client.call_tool("ask", {"question": "hi"})


@pytest.mark.parametrize("mode", ["auto", "legacy"])
async def test_auto_falls_back_to_the_client_when_ollama_is_absent(
    mode: str, monkeypatch: pytest.MonkeyPatch, closed_port: int
) -> None:
    monkeypatch.setenv("PYGENT_LLM", "auto")
    monkeypatch.setenv("OLLAMA_HOST", f"http://127.0.0.1:{closed_port}")
    async with Client(build(), mode=mode, sampling_handler=Sampler()) as client:
        assert (await client.call_tool("provider_name", {})).data == "client"
        assert (await client.call_tool("ask", {"question": "x"})).data == "client: <x>"


async def cannot_sample(
    messages: list[t.SamplingMessage], params: t.CreateMessageRequestParams, rc: Any
) -> t.ErrorData:
    return t.ErrorData(code=t.METHOD_NOT_FOUND, message="the calling client does not support sampling")


async def test_a_client_that_answers_method_not_found_has_no_model() -> None:
    async with Client(build(), mode="legacy", sampling_handler=cannot_sample) as client:
        with pytest.raises(
            ToolError,
            match=r"^the MCP client cannot sample \(the calling client does not support sampling\); no language model",
        ):
            await client.call_tool("ask", {"question": "hi"})


@pytest.mark.parametrize(
    ("handler", "reason"),
    [(cannot_sample, "the calling client does not support sampling"), ("refuse", "user said no")],
)
async def test_for_auto_a_client_whose_sampling_fails_means_no_model(
    handler: Any, reason: str, monkeypatch: pytest.MonkeyPatch, closed_port: int
) -> None:
    async def refuse(messages: list[t.SamplingMessage], params: t.CreateMessageRequestParams, rc: Any) -> str:
        raise RuntimeError("user said no")

    monkeypatch.setenv("PYGENT_LLM", "auto")
    monkeypatch.setenv("OLLAMA_HOST", f"http://127.0.0.1:{closed_port}")
    async with Client(build(), mode="legacy", sampling_handler=refuse if handler == "refuse" else handler) as client:
        with pytest.raises(ToolError, match=r"^(no language model is available|the MCP client cannot sample)") as info:
            await client.call_tool("ask", {"question": "hi"})
    assert reason in str(info.value) and "PYGENT_LLM=ollama:MODEL" in str(info.value)
