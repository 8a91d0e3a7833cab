"""answer: through a model (a scripted Ollama speaking its real wire protocol), and without one."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, Literal

import mcp_types as t
import pytest
from fastmcp import Client
from pygent.servers.rag.answer import NO_MODEL
from pygent.servers.rag.server import create_rag_server
from pygent.servers.rag.settings import RagSettings

from tests.fixtures.fake_llm import RecordedRequest, fake_ollama
from tests.servers.rag.conftest import data

pytestmark = pytest.mark.anyio


@asynccontextmanager
async def fresh_copy(template: Path, home: Path, **client: Any) -> AsyncIterator[Client[Any]]:
    """A server on a private copy of the ingested corpus, for a client built with `client` options."""
    shutil.copytree(template / "servers", home / "servers")
    async with Client(create_rag_server(RagSettings.load()), **client) as connected:
        yield connected


async def test_without_a_model_it_says_so_and_returns_passages_not_invented_text(
    ingested: Client[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PYGENT_LLM", "none")
    result = data(
        await ingested.call_tool("answer", {"question": "How long are snapshots kept?", "collection": "docs"})
    )
    assert result["answered_by_model"] is False and result["model"] is None
    assert result["answer"] == NO_MODEL and "PYGENT_LLM=none" in result["no_model_reason"]
    assert "35 days" not in result["answer"]  # nothing is written from the passages
    assert any("35 days" in hit["text"] for hit in result["citations"])
    assert all(hit["citation"]["source"] for hit in result["citations"])


NOWHERE = "http://127.0.0.1:9"  # nothing listens on the discard port


@pytest.mark.parametrize("mode", ["auto", "legacy"])
async def test_auto_without_ollama_and_a_client_that_cannot_sample_returns_passages(
    ingested_template: Path, clean_environ: Path, monkeypatch: pytest.MonkeyPatch, mode: Literal["auto", "legacy"]
) -> None:
    monkeypatch.setenv("OLLAMA_HOST", NOWHERE)
    async with fresh_copy(ingested_template, clean_environ, mode=mode) as client:
        result = await client.call_tool("answer", {"question": "Where do visitors park?", "collection": "docs"})
    answer = data(result)
    assert not result.is_error and answer["answered_by_model"] is False and answer["answer"] == NO_MODEL
    assert "building C" in answer["citations"][0]["text"] and answer["citations"][0]["citation"]["source"]
    assert f"Ollama is not answering at {NOWHERE}" in answer["no_model_reason"]


async def test_a_client_that_answers_sampling_with_method_not_found_gets_passages(
    ingested_template: Path, clean_environ: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What a gateway answers on behalf of a caller that cannot sample (2025-11-25 back channel)."""
    asked: list[str] = []

    async def cannot_sample(messages: Any, params: Any, context: Any) -> t.ErrorData:
        asked.append(params.system_prompt or "")
        return t.ErrorData(code=t.METHOD_NOT_FOUND, message="the calling client does not support sampling")

    monkeypatch.setenv("OLLAMA_HOST", NOWHERE)
    async with fresh_copy(ingested_template, clean_environ, mode="legacy", sampling_handler=cannot_sample) as client:
        result = await client.call_tool("answer", {"question": "How long are snapshots kept?", "collection": "docs"})
    answer = data(result)
    assert asked and "only the numbered passages" in asked[0]  # the server did ask
    assert not result.is_error and answer["answered_by_model"] is False and answer["answer"] == NO_MODEL
    assert "the calling client does not support sampling" in answer["no_model_reason"]
    assert any("35 days" in hit["text"] for hit in answer["citations"])


@pytest.mark.parametrize("mode", ["auto", "legacy"])
async def test_the_clients_own_model_answers_in_either_era(
    ingested_template: Path, clean_environ: Path, monkeypatch: pytest.MonkeyPatch, mode: Literal["auto", "legacy"]
) -> None:
    async def model(messages: Any, params: Any, context: Any) -> t.CreateMessageResult:
        return t.CreateMessageResult(
            role="assistant", model="desk-model", content=t.TextContent(type="text", text="Level -2 of building C [1].")
        )

    monkeypatch.setenv("OLLAMA_HOST", NOWHERE)
    async with fresh_copy(ingested_template, clean_environ, mode=mode, sampling_handler=model) as client:
        answer = data(await client.call_tool("answer", {"question": "Where do visitors park?", "collection": "docs"}))
    assert answer["answered_by_model"] is True and answer["model"] == "client:desk-model"
    assert answer["answer"] == f"Level -2 of building C [{answer['citations'][0]['chunk_id']}]."


async def test_with_a_model_the_answer_cites_chunk_ids(ingested: Client[Any], monkeypatch: pytest.MonkeyPatch) -> None:
    def reply(request: RecordedRequest) -> str:
        prompt = request.last_user
        assert "Question: How long are snapshots kept?" in prompt
        number = next(i for i in range(1, 7) if f"[{i}]" in prompt and "35 days" in prompt.split(f"[{i}]")[1][:400])
        return f"Snapshots are kept for 35 days [{number}]."

    async with fake_ollama(reply, models=["llama3.2"]) as fake:
        monkeypatch.setenv("PYGENT_LLM", "ollama:llama3.2")
        monkeypatch.setenv("OLLAMA_HOST", fake.url)
        result = data(
            await ingested.call_tool("answer", {"question": "How long are snapshots kept?", "collection": "docs"})
        )
        system = fake.chat_requests[0].messages[0]
    assert result["answered_by_model"] is True and result["model"] == "ollama:llama3.2"
    cited = result["citations"]
    assert len(cited) == 1 and "35 days" in cited[0]["text"]
    assert result["answer"] == f"Snapshots are kept for 35 days [{cited[0]['chunk_id']}]."
    assert system["role"] == "system" and "only the numbered passages" in system["content"]


async def test_an_empty_collection_has_nothing_to_answer_from(clean_environ: Any) -> None:
    async with Client(create_rag_server(RagSettings.load())) as client:
        await client.call_tool("create_collection", {"name": "empty"})
        result = data(await client.call_tool("answer", {"question": "anything?", "collection": "empty"}))
    assert result["answered_by_model"] is False and result["citations"] == []
