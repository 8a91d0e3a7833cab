"""Ollama, through the official `ollama` package.

    provider = OllamaProvider("llama3.2", host="http://127.0.0.1:11434", timeout=120)
    reply = await provider.chat([ChatMessage(role="user", content="hi")])

An empty model name means "the first model Ollama has pulled". A client is
opened per call, so a provider may be shared by tasks and event loops.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, TypeVar

import anyio
import httpx
import ollama
from pygent.core.errors import CallTimeoutError, PygentError, UnavailableError, UpstreamError
from pygent.core.llm.base import (
    ChatChunk,
    ChatMessage,
    ChatOptions,
    ChatResponse,
    NoModelError,
    ToolCall,
    ToolSpec,
    Usage,
)
from pygent.core.llm.retry import RetryPolicy, TransientError, next_item, with_retries
from pygent.core.llm.usage import UsageMeter

DEFAULT_HOST = "http://127.0.0.1:11434"
T = TypeVar("T")


class OllamaProvider:
    """Chat with a model served by Ollama (`/api/chat`, `/api/tags`)."""

    name = "ollama"

    def __init__(
        self, model: str = "", *, host: str | None = None, timeout: float = 120.0, retry: RetryPolicy | None = None
    ) -> None:
        self.model = model
        self.host = host or DEFAULT_HOST
        self.timeout = timeout
        self.retry = retry or RetryPolicy()
        self.meter = UsageMeter()

    def _client(self) -> ollama.AsyncClient:
        return ollama.AsyncClient(host=self.host, timeout=self.timeout)

    async def _guard(self, call: Callable[[], Awaitable[T]]) -> T:
        """Run one attempt, turning the client's exceptions into ours (transient ones marked)."""
        try:
            return await call()
        except ollama.ResponseError as exc:
            raise self._status_error(exc.status_code, exc.error) from None
        except (ConnectionError, httpx.ConnectError, httpx.ConnectTimeout) as exc:
            raise TransientError(UnavailableError(self._unreachable(exc))) from None
        except (TimeoutError, httpx.TimeoutException):
            raise CallTimeoutError(
                f"Ollama model {self.model or '?'} at {self.host} did not answer within {self.timeout:g}s "
                "(raise PYGENT_LLM_TIMEOUT or use a smaller model)"
            ) from None
        except httpx.TransportError as exc:
            raise TransientError(UpstreamError(f"the connection to Ollama at {self.host} failed: {exc}")) from None

    def _unreachable(self, exc: Exception) -> str:
        return (
            f"cannot reach Ollama at {self.host} ({type(exc).__name__}); start it with `ollama serve`, "
            "point OLLAMA_HOST (or PYGENT_OLLAMA_HOST) at a running server, or choose another model with PYGENT_LLM"
        )

    def _status_error(self, status: int, error: str) -> PygentError | TransientError:
        if status == 404 and "not found" in error:
            return UpstreamError(f"Ollama at {self.host} has no model {self.model!r}: run `ollama pull {self.model}`")
        failure = UpstreamError(f"Ollama at {self.host} answered HTTP {status}: {error}")
        if status == 429 or status >= 500:
            return TransientError(failure)
        return failure

    async def _resolve_model(self) -> str:
        if not self.model:
            models = await self.list_models()
            if not models:
                raise NoModelError(f"Ollama at {self.host} has no models; pull one with `ollama pull llama3.2`")
            self.model = models[0]
        return self.model

    async def _request(
        self, messages: list[ChatMessage], tools: list[ToolSpec] | None, options: ChatOptions | None
    ) -> dict[str, Any]:
        request: dict[str, Any] = {
            "model": await self._resolve_model(),
            "messages": [_to_ollama(m) for m in messages],
            "options": _options(options),
        }
        if tools:
            request["tools"] = [
                {
                    "type": "function",
                    "function": {"name": t.name, "description": t.description, "parameters": t.parameters},
                }
                for t in tools
            ]
        return request

    async def chat(
        self, messages: list[ChatMessage], tools: list[ToolSpec] | None = None, options: ChatOptions | None = None
    ) -> ChatResponse:
        """One complete reply.

        Raises:
            UnavailableError: Ollama cannot be reached (after retries).
            CallTimeoutError: no answer within the timeout.
            UpstreamError: Ollama answered with an error (unknown model, bad request, 5xx after retries).
        """
        request = await self._request(messages, tools, options)
        started = time.monotonic()

        async def attempt() -> ollama.ChatResponse:
            async with self._client() as client:
                with anyio.fail_after(self.timeout):
                    reply: ollama.ChatResponse = await client.chat(**request, stream=False)
                    return reply

        raw = await with_retries(lambda: self._guard(attempt), self.retry)
        usage = Usage(prompt_tokens=raw.prompt_eval_count or 0, completion_tokens=raw.eval_count or 0)
        self.meter.record(self.name, self.model, usage, time.monotonic() - started)
        message = ChatMessage(
            role="assistant", content=raw.message.content or "", tool_calls=_tool_calls(raw.message.tool_calls, 0)
        )
        return ChatResponse(
            message=message,
            usage=usage,
            model=raw.model or self.model,
            provider=self.name,
            finish_reason=raw.done_reason,
        )

    async def stream(
        self, messages: list[ChatMessage], tools: list[ToolSpec] | None = None, options: ChatOptions | None = None
    ) -> AsyncIterator[ChatChunk]:
        """Reply piece by piece; the last chunk has `done=True` and the usage.

        Retries happen only before the first piece arrives.
        """
        request = await self._request(messages, tools, options)
        started = time.monotonic()
        async with self._client() as client:

            async def open_stream() -> tuple[AsyncIterator[ollama.ChatResponse], ollama.ChatResponse]:
                parts = await client.chat(**request, stream=True)
                return parts, await anext(parts)

            parts, first = await with_retries(lambda: self._guard(open_stream), self.retry)
            part: ollama.ChatResponse | None = first
            calls = 0
            while part is not None:
                if part.message.content:
                    yield ChatChunk(text=part.message.content)
                if part.message.tool_calls:
                    found = _tool_calls(part.message.tool_calls, calls)
                    calls += len(found)
                    yield ChatChunk(tool_calls=found)
                if part.done:
                    usage = Usage(prompt_tokens=part.prompt_eval_count or 0, completion_tokens=part.eval_count or 0)
                    self.meter.record(self.name, self.model, usage, time.monotonic() - started)
                    yield ChatChunk(done=True, usage=usage)
                    return
                part = await next_item(parts, self._guard)

    async def list_models(self) -> list[str]:
        """Names of the models Ollama has pulled (`/api/tags`)."""

        async def attempt() -> list[str]:
            async with self._client() as client:
                listed = await client.list()
            return [m.model for m in listed.models if m.model]

        models: list[str] = await with_retries(lambda: self._guard(attempt), self.retry)
        return models

    async def reachable(self) -> bool:
        """Whether Ollama answers at all (one quick try, no retries)."""
        try:
            with anyio.fail_after(min(self.timeout, 3.0)):
                async with self._client() as client:
                    await client.list()
        except Exception:
            return False
        return True


def _options(options: ChatOptions | None) -> dict[str, Any]:
    if options is None:
        return {}
    values = {
        "temperature": options.temperature,
        "num_predict": options.max_tokens,
        "stop": options.stop,
        "seed": options.seed,
    }
    return {key: value for key, value in values.items() if value is not None}


def _to_ollama(message: ChatMessage) -> dict[str, Any]:
    out: dict[str, Any] = {"role": message.role, "content": message.content}
    if message.tool_calls:
        out["tool_calls"] = [{"function": {"name": c.name, "arguments": c.arguments}} for c in message.tool_calls]
    if message.role == "tool" and message.name:
        out["tool_name"] = message.name
    return out


def _tool_calls(calls: Any, start: int) -> list[ToolCall]:
    # Ollama's tool calls carry no id; number them so replies can refer to them.
    return [
        ToolCall(id=f"call_{start + i}", name=call.function.name, arguments=dict(call.function.arguments))
        for i, call in enumerate(calls or [])
    ]
