"""Our LLM providers (core/llm) as a PydanticAI model: one provider layer for servers and agents.

    model = provider_model(select_provider(settings), options=ChatOptions(temperature=0))
    Agent(model, toolsets=[...])

PydanticAI drives the loop (tool calls, retries, usage limits, events); every
model request goes through the same provider the rag and tot servers use, so
`PYGENT_LLM` configures both and there is one wire client per vendor. The
bridge is a `FunctionModel` (PydanticAI's public extension point): it turns
the run's messages into our `ChatMessage`s and streams the provider's chunks
back as text and tool-call deltas.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from pydantic_ai.messages import (
    ModelMessage,
    ModelRequest,
    ModelResponse,
    RetryPromptPart,
    SystemPromptPart,
    TextPart,
    ToolCallPart,
    ToolReturnPart,
    UserPromptPart,
)
from pydantic_ai.models.function import AgentInfo, DeltaToolCall, DeltaToolCalls, FunctionModel
from pygent.core.llm.base import ChatMessage, ChatOptions, LLMProvider, ToolCall, ToolSpec


@dataclass
class TokenCount:
    """Tokens the provider reported for the requests of one run."""

    input_tokens: int = 0
    output_tokens: int = 0
    requests: int = 0


def _content(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, default=str)


def to_chat_messages(messages: list[ModelMessage], instructions: str | None) -> list[ChatMessage]:
    """PydanticAI's message history as the provider-neutral messages of core/llm."""
    chat: list[ChatMessage] = [ChatMessage(role="system", content=instructions)] if instructions else []
    for message in messages:
        if isinstance(message, ModelRequest):
            for part in message.parts:
                if isinstance(part, SystemPromptPart):
                    chat.append(ChatMessage(role="system", content=part.content))
                elif isinstance(part, UserPromptPart):
                    chat.append(ChatMessage(role="user", content=_content(part.content)))
                elif isinstance(part, ToolReturnPart):
                    chat.append(
                        ChatMessage(
                            role="tool",
                            content=part.model_response_str(),
                            tool_call_id=part.tool_call_id,
                            name=part.tool_name,
                        )
                    )
                elif isinstance(part, RetryPromptPart):
                    if part.tool_name and part.tool_call_id:
                        chat.append(
                            ChatMessage(
                                role="tool",
                                content=part.model_response(),
                                tool_call_id=part.tool_call_id,
                                name=part.tool_name,
                            )
                        )
                    else:
                        chat.append(ChatMessage(role="user", content=part.model_response()))
        elif isinstance(message, ModelResponse):
            text = "".join(part.content for part in message.parts if isinstance(part, TextPart))
            calls = [
                ToolCall(id=part.tool_call_id, name=part.tool_name, arguments=part.args_as_dict())
                for part in message.parts
                if isinstance(part, ToolCallPart)
            ]
            chat.append(ChatMessage(role="assistant", content=text, tool_calls=calls))
    return chat


def provider_model(
    provider: LLMProvider, options: ChatOptions | None = None, tokens: TokenCount | None = None
) -> FunctionModel:
    """A PydanticAI model answering through `provider` (streamed)."""
    counted = tokens if tokens is not None else TokenCount()

    async def stream(messages: list[ModelMessage], info: AgentInfo) -> AsyncIterator[str | DeltaToolCalls]:
        tools = [
            ToolSpec(name=tool.name, description=tool.description or "", parameters=tool.parameters_json_schema)
            for tool in info.function_tools
        ]
        counted.requests += 1
        index = 0
        async for chunk in provider.stream(to_chat_messages(messages, info.instructions), tools or None, options):
            if chunk.text:
                yield chunk.text
            for call in chunk.tool_calls:
                yield {index: DeltaToolCall(name=call.name, json_args=json.dumps(call.arguments), tool_call_id=call.id)}
                index += 1
            if chunk.usage is not None:
                counted.input_tokens += chunk.usage.prompt_tokens
                counted.output_tokens += chunk.usage.completion_tokens

    return FunctionModel(stream_function=stream, model_name=f"{provider.name}:{provider.model}")
