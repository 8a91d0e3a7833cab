"""Persistent registry state in the state database (SQLite or PostgreSQL).

Holds what must survive a restart: servers added at runtime, enable/disable
overrides of file-defined servers, each server's last tool catalog, and its
health history (bounded).

    store = RegistryStore(engine); await store.create()
    await store.put_server("notes", entry)
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from pygent.core import mesh_catalog
from pygent.core.db import run_sql
from pygent.core.mesh_catalog import catalogs_table, servers_table
from pygent.registry.models import ServerEntry, dump_entry, parse_entry
from sqlalchemy import (
    Boolean,
    Column,
    Engine,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    delete,
    insert,
    select,
    update,
)

HEALTH_HISTORY = 200

metadata = MetaData()

overrides_table = Table(
    "registry_overrides",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("enabled", Boolean, nullable=False),
)

health_table = Table(
    "registry_health",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(64), nullable=False, index=True),
    Column("at", Float, nullable=False),
    Column("status", String(32), nullable=False),
    Column("detail", Text, nullable=True),
)


@dataclass(frozen=True)
class HealthEvent:
    at: float
    status: str
    detail: str | None


T = TypeVar("T")


class RegistryStore:
    """Registry persistence; every method runs its SQL in a worker thread."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    async def _run(self, fn: Callable[[], T]) -> T:
        return await run_sql(fn)

    async def create(self) -> None:
        def create() -> None:
            # The servers and catalogs tables are defined in core, where servers can read them.
            mesh_catalog.metadata.create_all(self._engine)
            metadata.create_all(self._engine)

        await self._run(create)

    async def runtime_servers(self) -> dict[str, ServerEntry]:
        def read() -> dict[str, ServerEntry]:
            with self._engine.connect() as conn:
                rows = conn.execute(select(servers_table.c.name, servers_table.c.entry)).all()
            return {row.name: parse_entry(row.entry) for row in rows}

        return await self._run(read)

    async def put_server(self, name: str, entry: ServerEntry) -> None:
        def write() -> None:
            with self._engine.begin() as conn:
                conn.execute(delete(servers_table).where(servers_table.c.name == name))
                conn.execute(insert(servers_table).values(name=name, entry=dump_entry(entry), created_at=time.time()))

        await self._run(write)

    async def delete_server(self, name: str) -> None:
        def write() -> None:
            with self._engine.begin() as conn:
                conn.execute(delete(servers_table).where(servers_table.c.name == name))
                conn.execute(delete(overrides_table).where(overrides_table.c.name == name))

        await self._run(write)

    async def overrides(self) -> dict[str, bool]:
        def read() -> dict[str, bool]:
            with self._engine.connect() as conn:
                return {row.name: row.enabled for row in conn.execute(select(overrides_table)).all()}

        return await self._run(read)

    async def set_override(self, name: str, enabled: bool) -> None:
        def write() -> None:
            with self._engine.begin() as conn:
                changed = conn.execute(
                    update(overrides_table).where(overrides_table.c.name == name).values(enabled=enabled)
                ).rowcount
                if not changed:
                    conn.execute(insert(overrides_table).values(name=name, enabled=enabled))

        await self._run(write)

    async def save_catalog(self, name: str, tools: list[dict[str, Any]]) -> None:
        def write() -> None:
            with self._engine.begin() as conn:
                conn.execute(delete(catalogs_table).where(catalogs_table.c.name == name))
                conn.execute(insert(catalogs_table).values(name=name, tools=json.dumps(tools), updated_at=time.time()))

        await self._run(write)

    async def catalog(self, name: str) -> list[dict[str, Any]] | None:
        def read() -> list[dict[str, Any]] | None:
            with self._engine.connect() as conn:
                row = conn.execute(select(catalogs_table.c.tools).where(catalogs_table.c.name == name)).first()
            return None if row is None else list(json.loads(row.tools))

        return await self._run(read)

    async def record_health(self, name: str, status: str, detail: str | None = None) -> None:
        def write() -> None:
            with self._engine.begin() as conn:
                conn.execute(insert(health_table).values(name=name, at=time.time(), status=status, detail=detail))
                keep = (
                    select(health_table.c.id)
                    .where(health_table.c.name == name)
                    .order_by(health_table.c.id.desc())
                    .limit(HEALTH_HISTORY)
                    .scalar_subquery()
                )
                conn.execute(delete(health_table).where(health_table.c.name == name, health_table.c.id.not_in(keep)))

        await self._run(write)

    async def health_history(self, name: str, limit: int = 50) -> list[HealthEvent]:
        def read() -> list[HealthEvent]:
            with self._engine.connect() as conn:
                rows = conn.execute(
                    select(health_table)
                    .where(health_table.c.name == name)
                    .order_by(health_table.c.id.desc())
                    .limit(limit)
                ).all()
            return [HealthEvent(row.at, row.status, row.detail) for row in rows]

        return await self._run(read)
