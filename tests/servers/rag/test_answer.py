"""answer: through a model (a scripted Ollama speaking its real wire protocol), and without one."""

from __future__ import annotations

from typing import Any

import pytest
from fastmcp import Client
from pygent.servers.rag.server import create_rag_server
from pygent.servers.rag.settings import RagSettings

from tests.fixtures.fake_llm import RecordedRequest, fake_ollama
from tests.servers.rag.conftest import data

pytestmark = pytest.mark.anyio


async def test_without_a_model_it_says_so_and_returns_passages_not_invented_text(
    ingested: Client[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PYGENT_LLM", "none")
    result = data(
        await ingested.call_tool("answer", {"question": "How long are snapshots kept?", "collection": "docs"})
    )
    assert result["answered_by_model"] is False and result["model"] is None
    assert result["answer"].startswith("No language model is configured")
    assert "35 days" not in result["answer"]  # nothing is written from the passages
    assert any("35 days" in hit["text"] for hit in result["citations"])
    assert all(hit["citation"]["source"] for hit in result["citations"])


async def test_the_default_auto_choice_without_ollama_falls_back_to_passages(
    ingested: Client[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OLLAMA_HOST", "http://127.0.0.1:9")  # nothing listens on the discard port
    result = data(await ingested.call_tool("answer", {"question": "Where do visitors park?", "collection": "docs"}))
    assert result["answered_by_model"] is False and result["citations"]


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
