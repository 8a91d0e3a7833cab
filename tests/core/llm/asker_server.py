"""A small real MCP server whose tools ask the calling client's model (run in memory or as a stdio child).

`ask` makes one model call; `ask_twice` makes two in a row (the second needs
the first answer), keeping answered requests in a JSON file under PYGENT_HOME
keyed by the request state, the way a multi-round tool must on 2026-07-28
connections; `ask_many` asks several questions as one batch; `provider_name`
reports what `select_provider` chose.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import mcp_types as t
from fastmcp import Context, FastMCP
from pygent.core.llm import (
    ChatCall,
    ChatMessage,
    ChatOptions,
    ChatResponse,
    ClientProvider,
    InputRequired,
    chat_many,
    select_provider,
)
from pygent.core.server_kit import create_server
from pygent.core.settings import Settings


def _user(text: str) -> list[ChatMessage]:
    return [ChatMessage(role="system", content="Answer briefly."), ChatMessage(role="user", content=text)]


def _store(settings: Settings) -> Path:
    folder = settings.home / "asker"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def build() -> FastMCP[Any]:
    server = create_server("asker")

    @server.tool
    async def ask(question: str, ctx: Context) -> str | t.InputRequiredResult:
        """Ask the client's model one question."""
        provider = select_provider(Settings.load(), ctx)
        try:
            reply = await provider.chat(_user(question), options=ChatOptions(max_tokens=64, temperature=0.2))
        except InputRequired as need:
            return need.result()
        return f"{provider.name}: {reply.message.content}"

    @server.tool
    async def ask_twice(question: str, ctx: Context) -> str | t.InputRequiredResult:
        """Ask, then ask again about the first answer (two rounds on 2026-07-28 connections)."""
        store = _store(Settings.load())
        run = ctx.request_state or uuid.uuid4().hex
        path = store / f"{run}.json"
        answered = {}
        if path.exists():
            saved = json.loads(path.read_text(encoding="utf-8"))
            answered = {key: ChatResponse.model_validate(value) for key, value in saved.items()}
        provider = ClientProvider(ctx, answered=answered)
        try:
            first = await provider.chat(_user(question))
            second = await provider.chat(_user(f"Are you sure that {first.message.content}?"))
        except InputRequired as need:
            return need.result(request_state=run)
        finally:
            dump = {key: reply.model_dump(mode="json") for key, reply in provider.answers.items()}
            path.write_text(json.dumps(dump), encoding="utf-8")
        return f"{first.message.content} / {second.message.content}"

    @server.tool
    async def ask_many(questions: list[str], ctx: Context) -> list[str] | t.InputRequiredResult:
        """Ask several questions at once (one round on 2026-07-28 connections)."""
        provider = select_provider(Settings.load(), ctx)
        try:
            replies = await chat_many(provider, [ChatCall(_user(q)) for q in questions], limit=2)
        except InputRequired as need:
            return need.result()
        return [reply.message.content for reply in replies]

    @server.tool
    async def provider_name(ctx: Context) -> str:
        """Which provider `select_provider` picks here (after `auto` has probed)."""
        provider = select_provider(Settings.load(), ctx)
        await provider.reachable()
        return provider.name

    return server


if __name__ == "__main__":
    build().run(show_banner=False, log_level="warning")
