"""The Ollama provider against a local server speaking Ollama's HTTP API."""

from __future__ import annotations

import anyio
import pytest
from pygent.core.errors import CallTimeoutError, UnavailableError, UpstreamError
from pygent.core.llm import ChatMessage, ChatOptions, NoModelError, ToolCall, ToolSpec
from pygent.core.llm.ollama import OllamaProvider
from pygent.core.llm.retry import RetryPolicy

from tests.fixtures.fake_llm import FakeReply, fake_ollama

pytestmark = pytest.mark.anyio
FAST = RetryPolicy(attempts=3, initial_delay=0.01, max_delay=0.05)
ADD = ToolSpec(name="add", description="Add two numbers", parameters={"type": "object", "properties": {}})


def user(text: str) -> list[ChatMessage]:
    return [ChatMessage(role="user", content=text)]


async def test_chat_returns_the_reply_with_its_token_usage() -> None:
    async with fake_ollama({"hi": FakeReply("hello there", prompt_tokens=11, completion_tokens=2)}) as fake:
        provider = OllamaProvider("llama3.2", host=fake.url, retry=FAST)
        reply = await provider.chat(
            [ChatMessage(role="system", content="be kind"), *user("hi")],
            options=ChatOptions(temperature=0.3, max_tokens=20, stop=["\n"], seed=7),
        )
    assert reply.message.content == "hello there"
    assert (reply.usage.prompt_tokens, reply.usage.completion_tokens) == (11, 2)
    assert reply.provider == "ollama" and reply.model == "llama3.2"
    body = fake.chat_requests[0].body
    assert body["stream"] is False
    assert body["options"] == {"temperature": 0.3, "num_predict": 20, "stop": ["\n"], "seed": 7}
    assert body["messages"][0] == {"role": "system", "content": "be kind"}
    assert provider.meter.count == 1 and provider.meter.total.total_tokens == 13


async def test_streaming_yields_the_text_in_pieces_then_usage() -> None:
    async with fake_ollama({"count": "one two three"}) as fake:
        provider = OllamaProvider("llama3.2", host=fake.url, retry=FAST)
        chunks = [chunk async for chunk in provider.stream(user("count"))]
    assert "".join(c.text for c in chunks) == "one two three"
    assert len([c for c in chunks if c.text]) == 3
    assert chunks[-1].done and chunks[-1].usage is not None and chunks[-1].usage.completion_tokens == 3
    assert fake.chat_requests[0].stream


async def test_tool_calls_come_back_parsed_and_tool_results_go_out_by_name() -> None:
    async with fake_ollama({"sum": FakeReply(tool_calls=[("add", {"a": 1, "b": 2})])}) as fake:
        provider = OllamaProvider("llama3.2", host=fake.url, retry=FAST)
        reply = await provider.chat(user("sum"), tools=[ADD])
        streamed = [c async for c in provider.stream(user("sum"), tools=[ADD])]
        history = [
            *user("sum"),
            reply.message,
            ChatMessage(role="tool", content="3", name="add", tool_call_id=reply.message.tool_calls[0].id),
        ]
        await provider.chat(history, tools=[ADD])
    assert reply.message.tool_calls == [ToolCall(id="call_0", name="add", arguments={"a": 1, "b": 2})]
    assert [c.tool_calls for c in streamed if c.tool_calls] == [reply.message.tool_calls]
    assert fake.chat_requests[0].tools[0]["function"]["name"] == "add"
    sent = fake.chat_requests[2].messages
    assert sent[1]["tool_calls"] == [{"function": {"name": "add", "arguments": {"a": 1, "b": 2}}}]
    assert sent[2] == {"role": "tool", "content": "3", "tool_name": "add"}


async def test_models_are_listed_and_an_empty_model_name_takes_the_first() -> None:
    async with fake_ollama({"hi": "yo"}, models=["qwen2.5", "llama3.2"]) as fake:
        provider = OllamaProvider(host=fake.url, retry=FAST)
        assert await provider.list_models() == ["qwen2.5:latest", "llama3.2:latest"]
        assert await provider.reachable()
        await provider.chat(user("hi"))
    assert provider.model == "qwen2.5:latest"
    assert fake.chat_requests[0].model == "qwen2.5:latest"


async def test_an_ollama_without_models_says_to_pull_one() -> None:
    async with fake_ollama(models=[]) as fake:
        fake.models.clear()
        with pytest.raises(NoModelError, match="ollama pull"):
            await OllamaProvider(host=fake.url, retry=FAST).chat(user("hi"))


async def test_an_unknown_model_names_the_pull_command() -> None:
    async with fake_ollama({"hi": "yo"}, models=["llama3.2"]) as fake:
        with pytest.raises(UpstreamError, match=r"no model 'mistral': run `ollama pull mistral`"):
            await OllamaProvider("mistral", host=fake.url, retry=FAST).chat(user("hi"))
    assert len(fake.chat_requests) == 1


@pytest.mark.parametrize("status", [503, 500, 429])
async def test_transient_failures_are_retried(status: int) -> None:
    async with fake_ollama({"hi": "finally"}) as fake:
        fake.fail_next(status, times=2)
        reply = await OllamaProvider("llama3.2", host=fake.url, retry=FAST).chat(user("hi"))
    assert reply.message.content == "finally"
    assert len(fake.chat_requests) == 3


async def test_retries_give_up_with_the_servers_message() -> None:
    async with fake_ollama({"hi": "never"}) as fake:
        fake.fail_next(503, times=5, error="model is loading")
        with pytest.raises(UpstreamError, match="HTTP 503: model is loading"):
            await OllamaProvider("llama3.2", host=fake.url, retry=FAST).chat(user("hi"))
    assert len(fake.chat_requests) == 3


async def test_a_bad_request_is_not_retried() -> None:
    async with fake_ollama({"hi": "no"}) as fake:
        fake.fail_next(400, error="invalid options")
        with pytest.raises(UpstreamError, match="HTTP 400: invalid options"):
            await OllamaProvider("llama3.2", host=fake.url, retry=FAST).chat(user("hi"))
    assert len(fake.chat_requests) == 1


async def test_a_stream_is_retried_before_its_first_piece() -> None:
    async with fake_ollama({"hi": "a b"}) as fake:
        fake.fail_next(502)
        chunks = [c async for c in OllamaProvider("llama3.2", host=fake.url, retry=FAST).stream(user("hi"))]
    assert "".join(c.text for c in chunks) == "a b"
    assert len(fake.chat_requests) == 2


async def test_nothing_listening_is_unavailable_with_setup_advice(closed_port: int) -> None:
    provider = OllamaProvider("llama3.2", host=f"http://127.0.0.1:{closed_port}", retry=FAST)
    assert not await provider.reachable()
    with pytest.raises(UnavailableError, match=r"cannot reach Ollama .* `ollama serve`.*OLLAMA_HOST"):
        await provider.chat(user("hi"))


async def test_a_slow_model_times_out() -> None:
    async with fake_ollama({"hi": FakeReply("late", delay=30)}) as fake:
        provider = OllamaProvider("llama3.2", host=fake.url, timeout=0.3, retry=FAST)
        with anyio.fail_after(5), pytest.raises(CallTimeoutError, match=r"did not answer within 0.3s"):
            await provider.chat(user("hi"))
    assert len(fake.chat_requests) == 1
