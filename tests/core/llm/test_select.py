"""Choosing a provider from PYGENT_LLM, and `auto` probing what is really there."""

from __future__ import annotations

from typing import Any

import pytest
from pygent.core.errors import ConfigError, UpstreamError
from pygent.core.llm import ChatCall, ChatMessage, ChatResponse, NoModelError, chat_many, select_provider
from pygent.core.llm.auto import AutoProvider
from pygent.core.llm.ollama import OllamaProvider
from pygent.core.llm.openai_compat import OpenAICompatProvider
from pygent.core.llm.retry import RetryPolicy
from pygent.core.settings import Settings

from tests.fixtures.fake_llm import FakeReply, RecordedRequest, fake_ollama, fake_openai

pytestmark = pytest.mark.anyio


def settings(**values: Any) -> Settings:
    return Settings.load(values)


def test_ollama_with_a_model_uses_the_configured_host_and_timeout() -> None:
    provider = select_provider(settings(llm="ollama:llama3.2", ollama_host="http://10.0.0.5:11434", llm_timeout=9))
    assert isinstance(provider, OllamaProvider)
    assert (provider.model, provider.host, provider.timeout) == ("llama3.2", "http://10.0.0.5:11434", 9)


def test_ollama_host_comes_from_the_standard_environment_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OLLAMA_HOST", "http://gpu-box:11434")
    monkeypatch.setenv("PYGENT_LLM", "ollama:qwen2.5")
    provider = select_provider(Settings.load())
    assert isinstance(provider, OllamaProvider) and provider.host == "http://gpu-box:11434"


def test_openai_compatible_takes_base_url_and_key() -> None:
    chosen = settings(llm="openai:llama-3.1-8b", openai_base_url="http://127.0.0.1:8080/v1", openai_api_key="k")
    provider = select_provider(chosen)
    assert isinstance(provider, OpenAICompatProvider)
    assert (provider.model, provider.base_url, provider.api_key) == ("llama-3.1-8b", "http://127.0.0.1:8080/v1", "k")


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("openai", "needs a model name"),
        ("openai:gpt-4o-mini", "needs PYGENT_OPENAI_API_KEY"),
        ("gemini:pro", "is not understood; use ollama:MODEL"),
        ("auto:x", "is not understood"),
    ],
)
def test_bad_settings_are_config_errors_saying_what_to_write(spec: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        select_provider(settings(llm=spec))


def test_none_and_client_without_a_client_say_how_to_configure_a_model() -> None:
    for spec in ("none", "client"):
        with pytest.raises(NoModelError, match=r"; no language model is available; set PYGENT_LLM=ollama:MODEL"):
            select_provider(settings(llm=spec))


async def test_auto_picks_a_reachable_ollama_and_its_first_model() -> None:
    async with fake_ollama({"hi": "from ollama"}, models=["llama3.2", "phi3"]) as fake:
        provider = select_provider(settings(llm="auto", ollama_host=fake.url))
        assert isinstance(provider, AutoProvider) and provider.name == "auto"
        reply = await provider.chat([ChatMessage(role="user", content="hi")])
        assert (provider.name, provider.model) == ("ollama", "llama3.2:latest")
        assert await provider.list_models() == ["llama3.2:latest", "phi3:latest"]
    assert reply.message.content == "from ollama"


async def test_auto_with_nothing_available_raises_one_clear_error(closed_port: int) -> None:
    provider = select_provider(settings(ollama_host=f"http://127.0.0.1:{closed_port}"))
    assert not await provider.reachable()
    with pytest.raises(NoModelError, match=r"no language model is available.*Ollama is not answering"):
        await provider.chat([ChatMessage(role="user", content="hi")])


async def test_auto_prefers_the_configured_openai_compatible_endpoint_and_its_first_model() -> None:
    vllm = fake_openai({"hi": "from vllm"}, models=["qwen", "phi"])
    async with fake_ollama({"hi": "from ollama"}) as ollama, vllm as fake:
        provider = select_provider(settings(ollama_host=ollama.url, openai_base_url=fake.base_url))
        reply = await provider.chat([ChatMessage(role="user", content="hi")])
    assert (provider.name, provider.model, reply.message.content) == ("openai", "qwen", "from vllm")
    assert ollama.chat_requests == []


async def test_auto_passes_over_an_endpoint_that_is_down_and_says_so(closed_port: int) -> None:
    async with fake_ollama({"hi": "from ollama"}) as ollama:
        provider = select_provider(
            settings(ollama_host=ollama.url, openai_base_url=f"http://127.0.0.1:{closed_port}/v1")
        )
        assert (await provider.chat([ChatMessage(role="user", content="hi")])).message.content == "from ollama"
    nowhere = select_provider(settings(ollama_host=ollama.url, openai_base_url=f"http://127.0.0.1:{closed_port}/v1"))
    with pytest.raises(NoModelError) as info:
        await nowhere.chat([ChatMessage(role="user", content="hi")])
    assert str(info.value).endswith(
        f"(http://127.0.0.1:{closed_port}/v1 is not answering; Ollama is not answering at {ollama.url}; "
        "the MCP client does not declare sampling)"
    )


async def test_auto_says_when_ollama_runs_without_models() -> None:
    async with fake_ollama(models=[]) as fake:
        fake.models.clear()
        provider = select_provider(settings(ollama_host=fake.url))
        with pytest.raises(NoModelError, match="has no models pulled"):
            await provider.chat([ChatMessage(role="user", content="hi")])


async def test_chat_many_keeps_request_order_and_raises_failures_unwrapped() -> None:
    def echo(request: RecordedRequest) -> str | FakeReply:
        if request.last_user == "bad":
            return FakeReply(status=400, error="nope")
        return request.last_user.upper()

    async with fake_ollama(echo) as fake:
        provider = OllamaProvider("llama3.2", host=fake.url, retry=RetryPolicy(attempts=1))
        calls = [ChatCall([ChatMessage(role="user", content=word)]) for word in ("a", "b", "c", "d", "e")]
        replies: list[ChatResponse] = await chat_many(provider, calls, limit=2)
        assert [r.message.content for r in replies] == ["A", "B", "C", "D", "E"]
        with pytest.raises(UpstreamError, match="HTTP 400: nope"):
            await chat_many(provider, [*calls, ChatCall([ChatMessage(role="user", content="bad")])], limit=3)
