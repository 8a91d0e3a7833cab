"""OpenAI-compatible Chat Completions endpoints: OpenAI, vLLM, llama.cpp server, LM Studio.

    provider = OpenAICompatProvider("gpt-4o-mini", base_url="https://api.openai.com/v1", api_key=key)
    reply = await provider.chat(messages, tools=[ToolSpec(name="add", parameters={...})])

Speaks `POST {base_url}/chat/completions` (JSON, or SSE with `stream: true`,
read by httpx2's event-stream parser) and `GET {base_url}/models` over httpx2.
"""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, TypeVar

import anyio
import httpx2
from pygent.core.errors import CallTimeoutError, PygentError, UnavailableError, UpstreamError
from pygent.core.llm.base import ChatChunk, ChatMessage, ChatOptions, ChatResponse, ToolCall, ToolSpec, Usage
from pygent.core.llm.retry import RetryPolicy, TransientError, next_item, parse_retry_after, with_retries
from pygent.core.llm.usage import UsageMeter

OPENAI_BASE_URL = "https://api.openai.com/v1"
T = TypeVar("T")


class OpenAICompatProvider:
    """Chat with any server that implements OpenAI's Chat Completions API."""

    name = "openai"

    def __init__(
        self,
        model: str,
        *,
        base_url: str | None = None,
        api_key: str | None = None,
        timeout: float = 120.0,
        retry: RetryPolicy | None = None,
    ) -> None:
        self.model = model
        self.base_url = (base_url or OPENAI_BASE_URL).rstrip("/")
        self.api_key = api_key
        self.timeout = timeout
        self.retry = retry or RetryPolicy()
        self.meter = UsageMeter()

    def _client(self) -> httpx2.AsyncClient:
        headers = {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}
        return httpx2.AsyncClient(base_url=self.base_url, headers=headers, timeout=self.timeout)

    async def _guard(self, call: Callable[[], Awaitable[T]]) -> T:
        try:
            return await call()
        except (httpx2.ConnectError, httpx2.ConnectTimeout) as exc:
            message = f"cannot reach the OpenAI-compatible endpoint {self.base_url} ({type(exc).__name__}); "
            message += "check PYGENT_OPENAI_BASE_URL and that the server is running"
            raise TransientError(UnavailableError(message)) from None
        except (TimeoutError, httpx2.TimeoutException):
            raise CallTimeoutError(
                f"model {self.model} at {self.base_url} did not answer within {self.timeout:g}s "
                "(raise PYGENT_LLM_TIMEOUT)"
            ) from None
        except httpx2.SSEError as exc:  # not an event stream at all (or an event past the size cap)
            raise UpstreamError(f"{self.base_url} did not stream server-sent events: {exc}") from None
        except httpx2.TransportError as exc:
            message = f"the connection to {self.base_url} failed: {exc}"
            raise TransientError(UpstreamError(message)) from None

    async def _check(self, response: httpx2.Response) -> None:
        if response.status_code < 400:
            return
        await response.aread()
        raise self._status_error(response)

    def _status_error(self, response: httpx2.Response) -> PygentError | TransientError:
        status = response.status_code
        detail = _error_message(response)
        if status == 401:
            return UpstreamError(
                f"{self.base_url} rejected the API key (HTTP 401: {detail}); set PYGENT_OPENAI_API_KEY"
            )
        if status == 404:
            return UpstreamError(f"{self.base_url} has no model {self.model!r} (HTTP 404: {detail})")
        failure = UpstreamError(f"{self.base_url} answered HTTP {status}: {detail}")
        if status == 429 or status >= 500:
            return TransientError(failure, parse_retry_after(response.headers.get("retry-after")))
        return failure

    def _body(
        self, messages: list[ChatMessage], tools: list[ToolSpec] | None, options: ChatOptions | None, stream: bool
    ) -> dict[str, Any]:
        body: dict[str, Any] = {"model": self.model, "messages": [_to_openai(m) for m in messages]}
        if tools:
            body["tools"] = [
                {
                    "type": "function",
                    "function": {"name": t.name, "description": t.description, "parameters": t.parameters},
                }
                for t in tools
            ]
        if options is not None:
            values = {
                "temperature": options.temperature,
                "max_tokens": options.max_tokens,
                "stop": options.stop,
                "seed": options.seed,
            }
            body.update({key: value for key, value in values.items() if value is not None})
        if stream:
            body["stream"] = True
            body["stream_options"] = {"include_usage": True}
        return body

    async def chat(
        self, messages: list[ChatMessage], tools: list[ToolSpec] | None = None, options: ChatOptions | None = None
    ) -> ChatResponse:
        """One complete reply.

        Raises:
            UnavailableError: the endpoint cannot be reached (after retries).
            CallTimeoutError: no answer within the timeout.
            UpstreamError: the endpoint answered with an error (bad key, unknown model, 5xx after retries).
        """
        body = self._body(messages, tools, options, stream=False)
        started = time.monotonic()

        async def attempt() -> dict[str, Any]:
            async with self._client() as client:
                with anyio.fail_after(self.timeout):
                    response = await client.post("/chat/completions", json=body)
                    await self._check(response)
                    return dict(response.json())

        raw = await with_retries(lambda: self._guard(attempt), self.retry)
        try:
            choice = raw["choices"][0]
            message = choice["message"]
        except (KeyError, IndexError, TypeError):
            raise UpstreamError(f"{self.base_url} sent a reply without choices") from None
        calls = [
            _tool_call(c["id"], c["function"]["name"], c["function"].get("arguments"))
            for c in message.get("tool_calls") or []
        ]
        usage = _usage(raw.get("usage"))
        self.meter.record(self.name, self.model, usage, time.monotonic() - started)
        reply = ChatMessage(role="assistant", content=message.get("content") or "", tool_calls=calls)
        model = str(raw.get("model") or self.model)
        return ChatResponse(
            message=reply, usage=usage, model=model, provider=self.name, finish_reason=choice.get("finish_reason")
        )

    async def stream(
        self, messages: list[ChatMessage], tools: list[ToolSpec] | None = None, options: ChatOptions | None = None
    ) -> AsyncIterator[ChatChunk]:
        """Reply piece by piece (SSE); tool calls and usage come with the final chunk.

        Retries happen only before the response starts.
        """
        body = self._body(messages, tools, options, stream=True)
        started = time.monotonic()
        async with self._client() as client:

            async def open_stream() -> httpx2.Response:
                response = await client.send(client.build_request("POST", "/chat/completions", json=body), stream=True)
                try:
                    await self._check(response)
                except BaseException:
                    await response.aclose()
                    raise
                return response

            response = await with_retries(lambda: self._guard(open_stream), self.retry)
            try:
                pending: dict[int, dict[str, str]] = {}
                usage = Usage()
                async for data in self._events(response):
                    if data.get("usage"):
                        usage = _usage(data["usage"])
                    for choice in data.get("choices") or []:
                        delta = choice.get("delta") or {}
                        if delta.get("content"):
                            yield ChatChunk(text=delta["content"])
                        for call in delta.get("tool_calls") or []:
                            slot = pending.setdefault(
                                int(call.get("index", 0)), {"id": "", "name": "", "arguments": ""}
                            )
                            function = call.get("function") or {}
                            slot["id"] = call.get("id") or slot["id"]
                            slot["name"] = function.get("name") or slot["name"]
                            slot["arguments"] += function.get("arguments") or ""
                calls = [_tool_call(s["id"], s["name"], s["arguments"]) for _, s in sorted(pending.items())]
                self.meter.record(self.name, self.model, usage, time.monotonic() - started)
                yield ChatChunk(tool_calls=calls, done=True, usage=usage)
            finally:
                await response.aclose()

    async def _events(self, response: httpx2.Response) -> AsyncIterator[dict[str, Any]]:
        # httpx2's SSE parser follows the spec: comments skipped, an event's `data:` lines joined.
        events = aiter(httpx2.EventSource(response))
        while True:
            event = await next_item(events, self._guard)
            if event is None:
                return
            data = event.data.strip()
            if not data:
                continue
            if data == "[DONE]":
                return
            try:
                yield json.loads(data)
            except json.JSONDecodeError:
                raise UpstreamError(f"{self.base_url} sent an unreadable stream event: {data[:200]}") from None

    async def list_models(self) -> list[str]:
        """Model ids the endpoint offers (`GET /models`)."""

        async def attempt() -> list[str]:
            async with self._client() as client:
                response = await client.get("/models")
                await self._check(response)
                return [str(m["id"]) for m in response.json().get("data", [])]

        models: list[str] = await with_retries(lambda: self._guard(attempt), self.retry)
        return models

    async def reachable(self) -> bool:
        """Whether the endpoint answers `GET /models` (one quick try)."""
        try:
            with anyio.fail_after(min(self.timeout, 3.0)):
                async with self._client() as client:
                    response = await client.get("/models")
        except Exception:
            return False
        return response.status_code < 400


def _to_openai(message: ChatMessage) -> dict[str, Any]:
    out: dict[str, Any] = {"role": message.role, "content": message.content}
    if message.tool_calls:
        out["content"] = message.content or None
        out["tool_calls"] = [
            {"id": c.id, "type": "function", "function": {"name": c.name, "arguments": json.dumps(c.arguments)}}
            for c in message.tool_calls
        ]
    if message.role == "tool":
        out["tool_call_id"] = message.tool_call_id or ""
    return out


def _tool_call(ident: str, name: str, arguments: Any) -> ToolCall:
    if isinstance(arguments, dict):
        return ToolCall(id=ident, name=name, arguments=arguments)
    try:
        parsed = json.loads(arguments or "{}")
    except json.JSONDecodeError:
        raise UpstreamError(f"the model called tool {name!r} with arguments that are not JSON: {arguments!r}") from None
    if not isinstance(parsed, dict):
        raise UpstreamError(f"the model called tool {name!r} with arguments that are not an object: {arguments!r}")
    return ToolCall(id=ident, name=name, arguments=parsed)


def _usage(raw: Any) -> Usage:
    if not isinstance(raw, dict):
        return Usage()
    return Usage(
        prompt_tokens=int(raw.get("prompt_tokens") or 0), completion_tokens=int(raw.get("completion_tokens") or 0)
    )


def _error_message(response: httpx2.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:300] or response.reason_phrase
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict) and error.get("message"):
        return str(error["message"])
    if isinstance(error, str):
        return error
    return response.text[:300]
