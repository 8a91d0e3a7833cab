"""The provider interface and its data types.

Every provider speaks these models; callers never see a vendor's wire format.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any, Literal, Protocol, runtime_checkable

from pydantic import BaseModel, Field
from pygent.core.errors import UnavailableError

NO_MODEL_HELP = (
    "no language model is available; set PYGENT_LLM=ollama:MODEL (a local Ollama, or OLLAMA_HOST), "
    "PYGENT_LLM=openai:MODEL with PYGENT_OPENAI_BASE_URL and/or PYGENT_OPENAI_API_KEY "
    "(OpenAI, vLLM, llama.cpp, LM Studio), or call from an MCP client that supports sampling"
)


# mypy run on a path cannot follow the editable `pygent.` mapping and sees Any here.
class NoModelError(UnavailableError):  # type: ignore[misc,unused-ignore]
    """No language model is configured or reachable; the message says how to configure one."""


class ToolSpec(BaseModel):
    """A tool the model may call (JSON Schema parameters)."""

    name: str
    description: str = ""
    parameters: dict[str, Any] = Field(default_factory=lambda: {"type": "object", "properties": {}})


class ToolCall(BaseModel):
    id: str
    name: str
    arguments: dict[str, Any] = Field(default_factory=dict)


class ChatMessage(BaseModel):
    role: Literal["system", "user", "assistant", "tool"]
    content: str = ""
    tool_calls: list[ToolCall] = Field(default_factory=list)
    tool_call_id: str | None = None
    name: str | None = None


class Usage(BaseModel):
    prompt_tokens: int = 0
    completion_tokens: int = 0

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens


class ChatOptions(BaseModel):
    temperature: float | None = None
    max_tokens: int | None = None
    stop: list[str] | None = None
    seed: int | None = None


class ChatResponse(BaseModel):
    message: ChatMessage
    usage: Usage = Field(default_factory=Usage)
    model: str = ""
    provider: str = ""
    finish_reason: str | None = None


class ChatChunk(BaseModel):
    """One streamed piece: text and/or tool calls; the last chunk has `done=True` and usage."""

    text: str = ""
    tool_calls: list[ToolCall] = Field(default_factory=list)
    done: bool = False
    usage: Usage | None = None


@runtime_checkable
class LLMProvider(Protocol):
    """What every provider offers.

    `name` is the provider kind ("ollama", "openai", "client"); `model` the model
    it talks to ("" until known, e.g. before `auto` or `client` has answered).
    """

    @property
    def name(self) -> str: ...

    @property
    def model(self) -> str: ...

    async def chat(
        self, messages: list[ChatMessage], tools: list[ToolSpec] | None = None, options: ChatOptions | None = None
    ) -> ChatResponse: ...

    def stream(
        self, messages: list[ChatMessage], tools: list[ToolSpec] | None = None, options: ChatOptions | None = None
    ) -> AsyncIterator[ChatChunk]: ...

    async def list_models(self) -> list[str]: ...

    async def reachable(self) -> bool: ...
