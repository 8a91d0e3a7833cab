"""Conversations with agents, in the state database (SQLite by default, PostgreSQL by URL).

    store = ConversationStore(open_engine(settings.database_url, settings.data.state_db))
    await store.create()
    conversation = await store.open_conversation("notes", None, owner="anonymous")   # a new one
    await store.add_turn(conversation.id, turn_record)
    history = await store.history(conversation.id)          # PydanticAI messages of the last turns

A conversation belongs to one agent and one owner. Each turn keeps what the
person saw (message, answer, tool calls) and what the model saw (PydanticAI's
messages), so the UI can show a conversation and the next turn continues it.
"""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import anyio.to_thread
from pydantic_ai.messages import ModelMessage, ModelMessagesTypeAdapter
from pygent.core.errors import NotFoundError, UnavailableError
from sqlalchemy import Column, Engine, Float, ForeignKey, Integer, MetaData, String, Table, Text, delete, insert, select
from sqlalchemy import update as sql_update
from sqlalchemy.exc import SQLAlchemyError

HISTORY_TURNS = 20  # turns of a conversation the model sees again

metadata = MetaData()

conversations_table = Table(
    "agent_conversations",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("agent", String(64), nullable=False, index=True),
    Column("owner", String(128), nullable=False, index=True),
    Column("title", Text, nullable=False),
    Column("created_at", Float, nullable=False),
    Column("updated_at", Float, nullable=False),
)

turns_table = Table(
    "agent_turns",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("conversation_id", String(40), ForeignKey("agent_conversations.id", ondelete="CASCADE"), index=True),
    Column("run_id", String(40), nullable=False),
    Column("created_at", Float, nullable=False),
    Column("message", Text, nullable=False),
    Column("output", Text, nullable=False),
    Column("stop_reason", String(16), nullable=False),
    Column("tool_calls", Text, nullable=False),  # JSON: what the person saw of each call
    Column("messages", Text, nullable=False),  # JSON: PydanticAI's messages of the turn
)


@dataclass(frozen=True)
class Conversation:
    id: str
    agent: str
    owner: str
    title: str
    created_at: float
    updated_at: float


@dataclass
class TurnRecord:
    run_id: str
    message: str
    output: str
    stop_reason: str
    tool_calls: list[dict[str, Any]] = field(default_factory=list)
    messages: list[ModelMessage] = field(default_factory=list)
    created_at: float = field(default_factory=time.time)


T = TypeVar("T")


def _title(message: str) -> str:
    line = message.strip().splitlines()[0] if message.strip() else "New conversation"
    return line if len(line) <= 80 else line[:77] + "..."


class ConversationStore:
    """Every method runs its SQL in a worker thread."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    async def _run(self, fn: Callable[[], T]) -> T:
        try:
            return await anyio.to_thread.run_sync(fn)
        except SQLAlchemyError as exc:
            raise UnavailableError(f"state database error: {type(exc).__name__}") from exc

    async def create(self) -> None:
        await self._run(lambda: metadata.create_all(self._engine))

    async def open_conversation(
        self, agent: str, conversation_id: str | None, owner: str, first: str = ""
    ) -> Conversation:
        """The conversation to continue, or a new one when `conversation_id` is None.

        Raises:
            NotFoundError: no such conversation of this agent and owner.
        """
        if conversation_id is not None:
            return await self.get(conversation_id, owner, agent)
        now = time.time()
        conversation = Conversation("conv-" + secrets.token_hex(10), agent, owner, _title(first), now, now)

        def write() -> None:
            with self._engine.begin() as conn:
                conn.execute(insert(conversations_table).values(**conversation.__dict__))

        await self._run(write)
        return conversation

    async def get(self, conversation_id: str, owner: str, agent: str | None = None) -> Conversation:
        def read() -> Conversation | None:
            with self._engine.connect() as conn:
                row = conn.execute(
                    select(conversations_table).where(
                        conversations_table.c.id == conversation_id, conversations_table.c.owner == owner
                    )
                ).first()
            return Conversation(**row._mapping) if row is not None else None

        found = await self._run(read)
        if found is None or (agent is not None and found.agent != agent):
            raise NotFoundError(f"unknown conversation {conversation_id!r}")
        return found

    async def list_for(self, owner: str, agent: str | None = None) -> list[Conversation]:
        def read() -> list[Conversation]:
            query = select(conversations_table).where(conversations_table.c.owner == owner)
            if agent is not None:
                query = query.where(conversations_table.c.agent == agent)
            with self._engine.connect() as conn:
                rows = conn.execute(query.order_by(conversations_table.c.updated_at.desc())).all()
            return [Conversation(**row._mapping) for row in rows]

        return await self._run(read)

    async def rename(self, conversation_id: str, owner: str, title: str) -> Conversation:
        conversation = await self.get(conversation_id, owner)

        def write() -> None:
            with self._engine.begin() as conn:
                conn.execute(
                    sql_update(conversations_table)
                    .where(conversations_table.c.id == conversation_id)
                    .values(title=title.strip()[:200] or conversation.title)
                )

        await self._run(write)
        return await self.get(conversation_id, owner)

    async def delete(self, conversation_id: str, owner: str) -> None:
        await self.get(conversation_id, owner)

        def write() -> None:
            with self._engine.begin() as conn:
                conn.execute(delete(turns_table).where(turns_table.c.conversation_id == conversation_id))
                conn.execute(delete(conversations_table).where(conversations_table.c.id == conversation_id))

        await self._run(write)

    async def add_turn(self, conversation_id: str, turn: TurnRecord) -> None:
        messages = ModelMessagesTypeAdapter.dump_json(turn.messages).decode()

        def write() -> None:
            with self._engine.begin() as conn:
                conn.execute(
                    insert(turns_table).values(
                        conversation_id=conversation_id,
                        run_id=turn.run_id,
                        created_at=turn.created_at,
                        message=turn.message,
                        output=turn.output,
                        stop_reason=turn.stop_reason,
                        tool_calls=json.dumps(turn.tool_calls),
                        messages=messages,
                    )
                )
                conn.execute(
                    sql_update(conversations_table)
                    .where(conversations_table.c.id == conversation_id)
                    .values(updated_at=turn.created_at)
                )

        await self._run(write)

    async def turns(self, conversation_id: str, owner: str) -> list[dict[str, Any]]:
        """What the person saw of each turn, oldest first."""
        await self.get(conversation_id, owner)

        def read() -> list[dict[str, Any]]:
            with self._engine.connect() as conn:
                rows = conn.execute(
                    select(turns_table)
                    .where(turns_table.c.conversation_id == conversation_id)
                    .order_by(turns_table.c.id)
                ).all()
            return [
                {
                    "runId": row.run_id,
                    "createdAt": row.created_at,
                    "message": row.message,
                    "output": row.output,
                    "stopReason": row.stop_reason,
                    "toolCalls": json.loads(row.tool_calls),
                }
                for row in rows
            ]

        return await self._run(read)

    async def history(self, conversation_id: str, turns: int = HISTORY_TURNS) -> list[ModelMessage]:
        """The model's messages of the last `turns` turns, oldest first."""

        def read() -> list[str]:
            with self._engine.connect() as conn:
                rows = conn.execute(
                    select(turns_table.c.messages)
                    .where(turns_table.c.conversation_id == conversation_id)
                    .order_by(turns_table.c.id.desc())
                    .limit(turns)
                ).all()
            return [row.messages for row in reversed(rows)]

        messages: list[ModelMessage] = []
        for blob in await self._run(read):
            messages.extend(ModelMessagesTypeAdapter.validate_json(blob))
        return messages
