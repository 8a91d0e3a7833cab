"""The OpenAI-compatible provider against a local server speaking the Chat Completions API."""

from __future__ import annotations

import json

import anyio
import pytest
from pygent.core.errors import CallTimeoutError, UnavailableError, UpstreamError
from pygent.core.llm import ChatMessage, ChatOptions, ToolCall, ToolSpec
from pygent.core.llm.openai_compat import OpenAICompatProvider
from pygent.core.llm.retry import RetryPolicy
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from tests.fixtures.fake_llm import FakeOpenAI, FakeReply, fake_openai

pytestmark = pytest.mark.anyio
FAST = RetryPolicy(attempts=3, initial_delay=0.01, max_delay=0.05)
WEATHER = ToolSpec(name="weather", description="Weather in a city", parameters={"type": "object"})


def user(text: str) -> list[ChatMessage]:
    return [ChatMessage(role="user", content=text)]


async def test_chat_sends_the_key_and_options_and_returns_usage() -> None:
    async with fake_openai({"hi": FakeReply("hello", prompt_tokens=9, completion_tokens=1)}, api_key="sk-test") as fake:
        provider = OpenAICompatProvider("gpt-4o-mini", base_url=fake.base_url, api_key="sk-test", retry=FAST)
        reply = await provider.chat(user("hi"), options=ChatOptions(temperature=0, max_tokens=5, seed=1))
    assert reply.message.content == "hello"
    assert (reply.usage.prompt_tokens, reply.usage.completion_tokens) == (9, 1)
    assert reply.finish_reason == "stop" and reply.provider == "openai"
    request = fake.chat_requests[0]
    assert request.headers["authorization"] == "Bearer sk-test"
    assert request.body["temperature"] == 0 and request.body["max_tokens"] == 5 and request.body["seed"] == 1
    assert provider.meter.total.total_tokens == 10


async def test_a_wrong_key_is_a_clear_error_and_not_retried() -> None:
    async with fake_openai({"hi": "x"}, api_key="right") as fake:
        provider = OpenAICompatProvider("gpt-4o-mini", base_url=fake.base_url, api_key="wrong", retry=FAST)
        with pytest.raises(UpstreamError, match=r"rejected the API key .*PYGENT_OPENAI_API_KEY"):
            await provider.chat(user("hi"))
        assert not await provider.reachable()
    assert len(fake.chat_requests) == 1


async def test_streaming_uses_sse_and_reports_usage_at_the_end() -> None:
    async with fake_openai({"hi": "one two three"}) as fake:
        provider = OpenAICompatProvider("gpt-4o-mini", base_url=fake.base_url, retry=FAST)
        chunks = [c async for c in provider.stream(user("hi"))]
    assert [c.text for c in chunks if c.text] == ["one ", "two ", "three"]
    assert chunks[-1].done and chunks[-1].usage is not None and chunks[-1].usage.completion_tokens == 3
    assert fake.chat_requests[0].body["stream_options"] == {"include_usage": True}


async def test_events_whose_data_spans_several_lines_are_joined_as_the_sse_spec_says() -> None:
    call = ("weather", {"city": "Paris"})
    script = {"hi": FakeReply("one two three", tool_calls=[call], completion_tokens=3)}
    async with fake_openai(script, multiline_data=True) as fake:
        provider = OpenAICompatProvider("gpt-4o-mini", base_url=fake.base_url, retry=FAST)
        chunks = [c async for c in provider.stream(user("hi"), tools=[WEATHER])]
    assert [c.text for c in chunks if c.text] == ["one ", "two ", "three"]
    final = chunks[-1]
    assert final.done and [(c.name, c.arguments) for c in final.tool_calls] == [call]
    assert final.usage is not None and final.usage.completion_tokens == 3


class JSONInsteadOfEvents(FakeOpenAI):
    """A server (or a proxy in front of one) that answers a streamed request with plain JSON."""

    async def chat(self, request: Request) -> Response:
        await self._record(request)
        return JSONResponse({"choices": []})


async def test_a_reply_that_is_not_an_event_stream_is_one_clear_error() -> None:
    fake = JSONInsteadOfEvents({}, ["gpt-4o-mini"], None, None)
    async with fake.serving():
        provider = OpenAICompatProvider("gpt-4o-mini", base_url=fake.base_url, retry=FAST)
        with pytest.raises(UpstreamError) as info:
            [c async for c in provider.stream(user("hi"))]
    assert str(info.value) == (
        f"{fake.base_url} did not stream server-sent events: "
        "Expected response with content type 'text/event-stream', got 'application/json'."
    )
    assert len(fake.chat_requests) == 1


async def test_tool_calls_in_full_and_streamed_replies_and_tool_results_going_back() -> None:
    call = ("weather", {"city": "Paris", "unit": "celsius"})
    async with fake_openai({"weather?": FakeReply(tool_calls=[call])}) as fake:
        provider = OpenAICompatProvider("gpt-4o-mini", base_url=fake.base_url, retry=FAST)
        reply = await provider.chat(user("weather?"), tools=[WEATHER])
        streamed = [c async for c in provider.stream(user("weather?"), tools=[WEATHER])]
        result = ChatMessage(role="tool", content="18C", tool_call_id=reply.message.tool_calls[0].id)
        await provider.chat([*user("weather?"), reply.message, result])
    assert reply.finish_reason == "tool_calls"
    assert [(c.name, c.arguments) for c in reply.message.tool_calls] == [call]
    final = streamed[-1]
    assert final.done and [(c.name, c.arguments) for c in final.tool_calls] == [call]
    assert isinstance(final.tool_calls[0], ToolCall) and final.tool_calls[0].id.startswith("call_")
    assert fake.chat_requests[0].tools == [{"type": "function", "function": WEATHER.model_dump()}]
    sent = fake.chat_requests[2].messages
    assert json.loads(sent[1]["tool_calls"][0]["function"]["arguments"]) == call[1]
    assert sent[2] == {"role": "tool", "content": "18C", "tool_call_id": reply.message.tool_calls[0].id}


async def test_models_are_listed() -> None:
    async with fake_openai(models=["qwen2.5-7b-instruct", "llama-3.1-8b"]) as fake:
        provider = OpenAICompatProvider("x", base_url=fake.base_url, retry=FAST)
        assert await provider.list_models() == ["qwen2.5-7b-instruct", "llama-3.1-8b"]
        assert await provider.reachable()


async def test_an_unknown_model_is_named() -> None:
    async with fake_openai({"hi": "x"}, models=["gpt-4o-mini"]) as fake:
        provider = OpenAICompatProvider("gpt-9", base_url=fake.base_url, retry=FAST)
        with pytest.raises(UpstreamError, match="no model 'gpt-9'"):
            await provider.chat(user("hi"))


async def test_rate_limits_wait_for_retry_after_then_succeed() -> None:
    async with fake_openai({"hi": "ok"}) as fake:
        fake.fail_next(429, times=2, error="Rate limit reached", headers={"Retry-After": "0.01"})
        reply = await OpenAICompatProvider("gpt-4o-mini", base_url=fake.base_url, retry=FAST).chat(user("hi"))
    assert reply.message.content == "ok"
    assert len(fake.chat_requests) == 3


async def test_server_errors_give_up_after_the_attempts() -> None:
    async with fake_openai({"hi": "ok"}) as fake:
        fake.fail_next(500, times=3, error="overloaded")
        with pytest.raises(UpstreamError, match="HTTP 500: overloaded"):
            await OpenAICompatProvider("gpt-4o-mini", base_url=fake.base_url, retry=FAST).chat(user("hi"))


async def test_nothing_listening_is_unavailable(closed_port: int) -> None:
    provider = OpenAICompatProvider("m", base_url=f"http://127.0.0.1:{closed_port}/v1", retry=FAST)
    assert not await provider.reachable()
    with pytest.raises(UnavailableError, match=r"cannot reach .*PYGENT_OPENAI_BASE_URL"):
        await provider.chat(user("hi"))


async def test_a_slow_endpoint_times_out() -> None:
    async with fake_openai({"hi": FakeReply("late", delay=30)}) as fake:
        provider = OpenAICompatProvider("gpt-4o-mini", base_url=fake.base_url, timeout=0.3, retry=FAST)
        with anyio.fail_after(5), pytest.raises(CallTimeoutError, match=r"within 0\.3s"):
            await provider.chat(user("hi"))
