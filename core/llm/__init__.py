"""LLM providers shared by servers and agents: one small async interface.

    provider = select_provider(settings, ctx)     # ctx: the tool call's Context, for `client`/`auto`
    reply = await provider.chat([ChatMessage(role="user", content="hi")])
    async for chunk in provider.stream(messages): ...

`base` holds the interface and its data types; each provider has its own
module (`ollama`, `openai_compat`, `client` for the MCP client's own model,
`auto`), `select` picks one from `PYGENT_LLM`, `retry` and `usage` are shared by
all, and `batch` runs several chats at once.
"""

from pygent.core.llm.base import (
    ChatChunk,
    ChatMessage,
    ChatOptions,
    ChatResponse,
    LLMProvider,
    NoModelError,
    ToolCall,
    ToolSpec,
    Usage,
)
from pygent.core.llm.batch import ChatCall, chat_many
from pygent.core.llm.client import ClientProvider, InputRequired
from pygent.core.llm.select import select_provider

__all__ = [
    "ChatCall",
    "ChatChunk",
    "ChatMessage",
    "ChatOptions",
    "ChatResponse",
    "ClientProvider",
    "InputRequired",
    "LLMProvider",
    "NoModelError",
    "ToolCall",
    "ToolSpec",
    "Usage",
    "chat_many",
    "select_provider",
]
