"""Several chats at once, with the client provider's input rounds merged.

    replies = await chat_many(provider, [ChatCall(messages_a), ChatCall(messages_b)], limit=4)

Replies come back in request order. When the provider is the MCP client's
model on a 2026-07-28 connection, every request still unanswered is collected
into one `InputRequired`, so the client answers a whole batch per round
instead of one request per round. Any other failure cancels the batch and is
raised as it is (never wrapped in an exception group).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import anyio
import mcp_types as t
from pygent.core.llm.base import ChatMessage, ChatOptions, ChatResponse, LLMProvider, ToolSpec
from pygent.core.llm.client import InputRequired


@dataclass(frozen=True)
class ChatCall:
    messages: list[ChatMessage]
    tools: list[ToolSpec] | None = None
    options: ChatOptions | None = None


async def chat_many(provider: LLMProvider, calls: Sequence[ChatCall], *, limit: int = 4) -> list[ChatResponse]:
    """Run `calls` with at most `limit` in flight.

    Raises:
        InputRequired: the client's model must answer some requests first (all of them listed).
    """
    replies: list[ChatResponse | None] = [None] * len(calls)
    needed: dict[str, t.CreateMessageRequest] = {}
    failures: list[Exception] = []
    limiter = anyio.CapacityLimiter(max(1, limit))

    async def run(index: int, call: ChatCall, group: anyio.abc.TaskGroup) -> None:
        async with limiter:
            try:
                replies[index] = await provider.chat(call.messages, call.tools, call.options)
            except InputRequired as need:
                needed.update(need.requests)
            except Exception as exc:
                failures.append(exc)
                group.cancel_scope.cancel()

    async with anyio.create_task_group() as group:
        for index, call in enumerate(calls):
            group.start_soon(run, index, call, group)
    if failures:
        raise failures[0]
    if needed:
        raise InputRequired(needed)
    return [reply for reply in replies if reply is not None]
