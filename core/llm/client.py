"""The calling MCP client's own model (sampling), from inside a tool call.

On a 2025-11-25 connection the provider sends `sampling/createMessage` over the
session's back channel and waits. On a 2026-07-28 connection there is no back
channel: the provider raises `InputRequired` carrying the request, the tool
returns `need.result(request_state)` (an `InputRequiredResult`), the client asks
its model and calls the tool again with `inputResponses`, and the provider then
answers the same request from those responses.

    provider = ClientProvider(ctx)
    try:
        reply = await provider.chat(messages)
    except InputRequired as need:
        return need.result()                       # the client calls again with the answer

Each request gets a key derived from its content and how many identical
requests came before it, so a tool that replays its work on the next round
(deterministically) meets the same keys. A tool that needs several rounds keeps
`provider.answers` in its own store and passes them back as `answered=`.
"""

from __future__ import annotations

import hashlib
import time
from collections import Counter
from collections.abc import AsyncIterator, Mapping
from typing import Any

import anyio
import mcp_types as t
from fastmcp import Context
from mcp.shared.exceptions import MCPError
from mcp_types.version import MODERN_PROTOCOL_VERSIONS
from pygent.core.errors import CallTimeoutError, UnavailableError, UpstreamError
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
from pygent.core.llm.usage import UsageMeter, estimate_tokens

DEFAULT_MAX_TOKENS = 1024


class InputRequired(Exception):
    """The client's model must answer these sampling requests before the tool can go on."""

    def __init__(self, requests: Mapping[str, t.CreateMessageRequest]) -> None:
        super().__init__(f"waiting for the client's model to answer {len(requests)} request(s)")
        self.requests = dict(requests)

    def result(self, request_state: str | None = None) -> t.InputRequiredResult:
        """The `InputRequiredResult` a tool returns on a 2026-07-28 connection."""
        requests: dict[str, Any] = dict(self.requests)
        return t.InputRequiredResult(input_requests=requests, request_state=request_state)


def is_modern(ctx: Context) -> bool:
    """Whether this tool call arrived on a 2026-07-28 (stateless) connection."""
    rc = ctx.request_context
    return rc is not None and rc.protocol_version in MODERN_PROTOCOL_VERSIONS


def offers_sampling(ctx: Context | None) -> bool:
    """Whether the client behind this tool call declared the sampling capability."""
    if ctx is None or ctx.request_context is None:
        return False
    capabilities = ctx.session.client_capabilities
    return capabilities is not None and capabilities.sampling is not None


class ClientProvider:
    """Ask the calling MCP client's model, in either protocol era."""

    name = "client"

    def __init__(
        self,
        ctx: Context,
        *,
        answered: Mapping[str, ChatResponse] | None = None,
        timeout: float = 120.0,
        default_max_tokens: int = DEFAULT_MAX_TOKENS,
    ) -> None:
        self.ctx = ctx
        self.model = ""
        self.timeout = timeout
        self.default_max_tokens = default_max_tokens
        self.answers: dict[str, ChatResponse] = dict(answered or {})
        self.meter = UsageMeter()
        self._seen: Counter[str] = Counter()

    def key_for(self, params: t.CreateMessageRequestParams) -> str:
        """The next key for this request; identical requests get consecutive keys."""
        digest = hashlib.sha256(params.model_dump_json(exclude_none=True).encode()).hexdigest()[:16]
        index = self._seen[digest]
        self._seen[digest] += 1
        return f"llm-{digest}-{index}"

    async def chat(
        self, messages: list[ChatMessage], tools: list[ToolSpec] | None = None, options: ChatOptions | None = None
    ) -> ChatResponse:
        """One reply from the client's model.

        Raises:
            InputRequired: on a 2026-07-28 connection, until the client has answered.
            UnavailableError: the client offers no sampling (or no tool use, when tools are given).
            NoModelError: the client answered that it cannot sample (METHOD_NOT_FOUND).
            UpstreamError: the client (or its user) declined or failed the request.
            CallTimeoutError: no answer within the timeout (2025-11-25 connections).
        """
        params = to_sampling_params(messages, tools, options, self.default_max_tokens)
        key = self.key_for(params)  # before any await: concurrent callers get keys in call order
        if key in self.answers:
            return self.answers[key]
        if tools and not _offers_tool_use(self.ctx):
            raise UnavailableError("the MCP client's model cannot call tools (it does not declare sampling.tools)")
        started = time.monotonic()
        if is_modern(self.ctx):
            responses = self.ctx.input_responses or {}
            answer = responses.get(key)
            if not isinstance(answer, t.CreateMessageResult | t.CreateMessageResultWithTools):
                raise InputRequired({key: t.CreateMessageRequest(params=params)})
            result: t.CreateMessageResult | t.CreateMessageResultWithTools = answer
        else:
            result = await self._ask(params)
        reply = from_sampling_result(result, messages)
        self.model = reply.model
        self.meter.record(self.name, reply.model, reply.usage, time.monotonic() - started)
        self.answers[key] = reply
        return reply

    async def _ask(
        self, params: t.CreateMessageRequestParams
    ) -> t.CreateMessageResult | t.CreateMessageResultWithTools:
        if not offers_sampling(self.ctx):
            raise UnavailableError("the MCP client does not offer sampling (its model cannot be asked)")
        try:
            with anyio.fail_after(self.timeout):
                return await self.ctx.session.create_message(
                    params.messages,
                    max_tokens=params.max_tokens,
                    system_prompt=params.system_prompt,
                    temperature=params.temperature,
                    stop_sequences=params.stop_sequences,
                    tools=params.tools,
                    related_request_id=self.ctx.request_id,
                )
        except TimeoutError:
            raise CallTimeoutError(f"the MCP client's model did not answer within {self.timeout:g}s") from None
        except MCPError as exc:
            if exc.error.code == t.METHOD_NOT_FOUND:  # e.g. a gateway whose own caller cannot sample
                raise NoModelError(f"the MCP client cannot sample: {exc.error.message}") from None
            raise UpstreamError(f"the MCP client did not answer the sampling request: {exc.error.message}") from None

    async def stream(
        self, messages: list[ChatMessage], tools: list[ToolSpec] | None = None, options: ChatOptions | None = None
    ) -> AsyncIterator[ChatChunk]:
        """Sampling does not stream: the whole reply comes as one chunk, then `done`."""
        reply = await self.chat(messages, tools, options)
        if reply.message.content or reply.message.tool_calls:
            yield ChatChunk(text=reply.message.content, tool_calls=reply.message.tool_calls)
        yield ChatChunk(done=True, usage=reply.usage)

    async def list_models(self) -> list[str]:
        """The client chooses its model; its name is known after the first reply."""
        return [self.model] if self.model else []

    async def reachable(self) -> bool:
        return offers_sampling(self.ctx)


def _offers_tool_use(ctx: Context) -> bool:
    capabilities = ctx.session.client_capabilities if ctx.request_context is not None else None
    sampling = capabilities.sampling if capabilities is not None else None
    return sampling is not None and sampling.tools is not None


def to_sampling_params(
    messages: list[ChatMessage], tools: list[ToolSpec] | None, options: ChatOptions | None, default_max_tokens: int
) -> t.CreateMessageRequestParams:
    """Our chat request as MCP `sampling/createMessage` parameters (system messages become the system prompt)."""
    system = "\n\n".join(m.content for m in messages if m.role == "system" and m.content)
    sampled = [_to_sampling(m) for m in messages if m.role != "system"]
    options = options or ChatOptions()
    mcp_tools = [t.Tool(name=s.name, description=s.description, input_schema=s.parameters) for s in tools or []]
    return t.CreateMessageRequestParams(
        messages=sampled,
        system_prompt=system or None,
        max_tokens=options.max_tokens or default_max_tokens,
        temperature=options.temperature,
        stop_sequences=options.stop,
        tools=mcp_tools or None,
    )


def _to_sampling(message: ChatMessage) -> t.SamplingMessage:
    if message.role == "tool":
        block = t.ToolResultContent(
            type="tool_result",
            tool_use_id=message.tool_call_id or "",
            content=[t.TextContent(type="text", text=message.content)],
        )
        return t.SamplingMessage(role="user", content=block)
    role: Any = "assistant" if message.role == "assistant" else "user"
    if message.tool_calls:
        blocks: list[Any] = [t.TextContent(type="text", text=message.content)] if message.content else []
        blocks += [
            t.ToolUseContent(type="tool_use", id=c.id, name=c.name, input=c.arguments) for c in message.tool_calls
        ]
        return t.SamplingMessage(role=role, content=blocks)
    return t.SamplingMessage(role=role, content=t.TextContent(type="text", text=message.content))


def from_sampling_result(
    result: t.CreateMessageResult | t.CreateMessageResultWithTools, prompt: list[ChatMessage]
) -> ChatResponse:
    """The client's answer as our `ChatResponse`; token counts are estimated (sampling reports none)."""
    blocks = result.content if isinstance(result.content, list) else [result.content]
    text = "".join(b.text for b in blocks if isinstance(b, t.TextContent))
    calls = [ToolCall(id=b.id, name=b.name, arguments=dict(b.input)) for b in blocks if isinstance(b, t.ToolUseContent)]
    usage = Usage(
        prompt_tokens=sum(estimate_tokens(m.content) for m in prompt), completion_tokens=estimate_tokens(text)
    )
    return ChatResponse(
        message=ChatMessage(role="assistant", content=text, tool_calls=calls),
        usage=usage,
        model=result.model,
        provider="client",
        finish_reason=result.stop_reason,
    )
