"""Agent specs in the state database: every version kept, one row each.

    store = SpecStore(engine, max_agents=1000); await store.create()
    await store.add(spec)                          # version 1; ConflictError if the name is taken
    stored = await store.append(latest, changed)   # version latest+1, or None if another writer came first
    spec, versions = await store.read("planner")   # the latest (or a given version) and all version numbers

Table `agent_specs(name, version, spec JSON, created_at)`, primary key
`(name, version)`: two writers can never store the same version, whatever
process or database (SQLite or PostgreSQL) they use. A new version is
stored only on top of the version its changes were computed from; a writer
that lost the race gets None, re-reads and tries again (`Factory.update`).
"""

from __future__ import annotations

import time
from typing import Any

from pygent.core.agent_spec import AgentSpec
from pygent.core.db import run_sql
from pygent.core.errors import ConflictError, LimitExceededError, NotFoundError
from sqlalchemy import (
    JSON,
    Column,
    Connection,
    Engine,
    Float,
    Integer,
    MetaData,
    Row,
    String,
    Table,
    delete,
    exists,
    func,
    insert,
    literal,
    select,
)
from sqlalchemy.exc import IntegrityError

metadata = MetaData()

specs_table = Table(
    "agent_specs",
    metadata,
    Column("name", String(63), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("spec", JSON, nullable=False),
    Column("created_at", Float, nullable=False),
)

_t = specs_table


def unknown_agent(name: str) -> NotFoundError:
    return NotFoundError(f"unknown agent {name!r}")


def _spec(row: Row[Any]) -> AgentSpec:
    return AgentSpec.model_validate(row.spec)


def _stamped(spec: AgentSpec, version: int, created_at: float, now: float) -> AgentSpec:
    return spec.model_copy(update={"version": version, "created_at": created_at, "updated_at": now})


class SpecStore:
    """Versioned agent specs; every method runs its SQL in a worker thread."""

    def __init__(self, engine: Engine, max_agents: int) -> None:
        self._engine = engine
        self._max_agents = max_agents

    async def create(self) -> None:
        await run_sql(lambda: metadata.create_all(self._engine))

    async def add(self, spec: AgentSpec) -> AgentSpec:
        """Store `spec` as version 1 of a new agent.

        Raises:
            ConflictError: an agent of that name exists.
            LimitExceededError: the factory already keeps `max_agents` agents.
        """
        now = time.time()
        stored = _stamped(spec, 1, now, now)

        def write() -> AgentSpec:
            try:
                with self._engine.begin() as conn:
                    count = conn.execute(select(func.count(func.distinct(_t.c.name)))).scalar_one()
                    if count >= self._max_agents:
                        raise LimitExceededError(
                            f"the factory keeps at most {self._max_agents} agents (PYGENT_FACTORY_MAX_AGENTS); "
                            "delete one first"
                        )
                    conn.execute(insert(_t).values(name=spec.name, version=1, spec=_json(stored), created_at=now))
            except IntegrityError:
                raise ConflictError(f"agent {spec.name!r} already exists; update_agent changes it") from None
            return stored

        return await run_sql(write)

    async def read(self, name: str, version: int | None = None) -> tuple[AgentSpec, list[int]]:
        """One version of an agent (the latest by default) and every version number it has.

        Raises:
            NotFoundError: no such agent, or no such version of it.
        """

        def read() -> tuple[AgentSpec, list[int]]:
            with self._engine.connect() as conn:
                versions = list(
                    conn.execute(select(_t.c.version).where(_t.c.name == name).order_by(_t.c.version)).scalars()
                )
                if not versions:
                    raise unknown_agent(name)
                wanted = versions[-1] if version is None else version
                row = conn.execute(select(_t.c.spec).where(_t.c.name == name, _t.c.version == wanted)).first()
            if row is None:
                listed = ", ".join(str(v) for v in versions)
                raise NotFoundError(f"agent {name!r} has no version {version}; its versions are {listed}")
            return _spec(row), versions

        return await run_sql(read)

    async def latest_all(self) -> list[AgentSpec]:
        """The latest version of every agent, by name."""

        def read() -> list[AgentSpec]:
            inner = _t.alias("inner")
            latest = select(func.max(inner.c.version)).where(inner.c.name == _t.c.name).scalar_subquery()
            with self._engine.connect() as conn:
                rows = conn.execute(select(_t.c.spec).where(_t.c.version == latest).order_by(_t.c.name)).all()
            return [_spec(row) for row in rows]

        return await run_sql(read)

    async def append(self, base: AgentSpec, changed: AgentSpec) -> AgentSpec | None:
        """Store `changed` as version `base.version + 1`, if `base` is still the latest version.

        None when another writer stored that version first, or the agent was deleted
        meanwhile: the caller re-reads and decides again.
        """
        now = time.time()
        stored = _stamped(changed, base.version + 1, base.created_at or now, now)

        def write() -> AgentSpec | None:
            try:
                with self._engine.begin() as conn:
                    if not _lock(conn, base):
                        return None
                    # Inserted only while `base` exists (a delete may have come in between);
                    # the primary key refuses a second writer of the same version.
                    values = select(
                        literal(base.name, String),
                        literal(stored.version, Integer),
                        literal(_json(stored), JSON),
                        literal(now, Float),
                    ).where(exists().where(_t.c.name == base.name, _t.c.version == base.version))
                    done = conn.execute(
                        insert(_t).from_select(["name", "version", "spec", "created_at"], values)
                    ).rowcount
            except IntegrityError:
                return None
            return stored if done else None

        return await run_sql(write)

    async def delete(self, name: str) -> int:
        """Remove every version of an agent; the number removed.

        Raises:
            NotFoundError: no such agent.
        """

        def write() -> int:
            removed = 0
            with self._engine.begin() as conn:
                # On PostgreSQL a DELETE does not see a version committed while it waited
                # for that writer's lock; the next statement does, so delete until none is left.
                while count := conn.execute(delete(_t).where(_t.c.name == name)).rowcount:
                    removed += count
            if not removed:
                raise unknown_agent(name)
            return removed

        return await run_sql(write)


def _lock(conn: Connection, base: AgentSpec) -> bool:
    """Lock `base`'s row until commit (PostgreSQL; SQLite has one writer at a time anyway)."""
    query = select(_t.c.version).where(_t.c.name == base.name, _t.c.version == base.version).with_for_update()
    return conn.execute(query).first() is not None


def _json(spec: AgentSpec) -> dict[str, Any]:
    return spec.model_dump(mode="json")
