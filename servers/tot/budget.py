"""Budgets on model calls and tokens, enforced in front of the provider.

    meter = Meter(max_calls=50, max_tokens=20_000)
    provider = BudgetedProvider(inner, meter)     # raises BudgetExhausted before a call over budget

A call is counted when it starts (so concurrent calls never overshoot the call
budget); tokens are counted when it ends, so the token budget is checked
before each call and may be passed by the calls already in flight.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

from pygent.core.llm import ChatChunk, ChatMessage, ChatOptions, ChatResponse, LLMProvider, ToolSpec


class BudgetExhausted(Exception):
    """A budget ran out; `reason` names it (max_nodes, max_model_calls, max_tokens)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class Meter:
    max_calls: int
    max_tokens: int | None = None
    calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0

    @property
    def tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens

    def reserve(self) -> None:
        if self.calls >= self.max_calls:
            raise BudgetExhausted("max_model_calls")
        if self.max_tokens is not None and self.tokens >= self.max_tokens:
            raise BudgetExhausted("max_tokens")
        self.calls += 1


class BudgetedProvider:
    """Counts and caps the calls made through it."""

    def __init__(self, inner: LLMProvider, meter: Meter) -> None:
        self.inner = inner
        self.meter = meter

    @property
    def name(self) -> str:
        return self.inner.name

    @property
    def model(self) -> str:
        return self.inner.model

    async def chat(
        self, messages: list[ChatMessage], tools: list[ToolSpec] | None = None, options: ChatOptions | None = None
    ) -> ChatResponse:
        self.meter.reserve()
        reply: ChatResponse = await self.inner.chat(messages, tools, options)
        self.meter.prompt_tokens += reply.usage.prompt_tokens
        self.meter.completion_tokens += reply.usage.completion_tokens
        return reply

    async def stream(
        self, messages: list[ChatMessage], tools: list[ToolSpec] | None = None, options: ChatOptions | None = None
    ) -> AsyncIterator[ChatChunk]:
        reply = await self.chat(messages, tools, options)
        yield ChatChunk(text=reply.message.content, tool_calls=reply.message.tool_calls, done=True, usage=reply.usage)

    async def list_models(self) -> list[str]:
        models: list[str] = await self.inner.list_models()
        return models

    async def reachable(self) -> bool:
        ok: bool = await self.inner.reachable()
        return ok
