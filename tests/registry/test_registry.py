"""Runtime registrations, overrides and health persist in SQLite and PostgreSQL."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from pygent.core.db import open_engine
from pygent.core.errors import ConfigError, ConflictError, InvalidArgumentError, NotFoundError
from pygent.registry.models import RemoteServer, StdioServer
from pygent.registry.registry import Registry, namespaces_collide
from pygent.registry.store import RegistryStore
from sqlalchemy import Engine, text

pytestmark = pytest.mark.anyio

FILE_ENTRIES = {"memory": StdioServer(command="pygent", args=["server", "memory"])}


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest, tmp_path: Path, postgres_url: str) -> Iterator[Engine]:
    if request.param == "sqlite":
        yield open_engine(None, tmp_path / "state.db")
        return
    schema = f"reg_{uuid.uuid4().hex[:10]}"
    admin = open_engine(postgres_url, tmp_path / "unused.db")
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    engine = open_engine(f"{postgres_url}?options=-csearch_path%3D{schema}", tmp_path / "unused.db")
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


async def open_registry(engine: Engine) -> Registry:
    store = RegistryStore(engine)
    await store.create()
    registry = Registry(FILE_ENTRIES, store)
    await registry.load()
    return registry


async def test_runtime_servers_and_overrides_survive_a_restart(engine: Engine) -> None:
    registry = await open_registry(engine)
    await registry.add("notes", RemoteServer(url="http://127.0.0.1:9/mcp", tags=["x"]))
    await registry.set_enabled("memory", False)
    await registry.set_enabled("notes", False)

    reopened = await open_registry(engine)
    assert [r.name for r in reopened.all()] == ["memory", "notes"]
    assert reopened.get("notes").source == "runtime" and reopened.get("notes").entry.tags == ["x"]
    assert not reopened.get("memory").enabled and not reopened.get("notes").enabled

    await reopened.remove("notes")
    assert [r.name for r in (await open_registry(engine)).all()] == ["memory"]


async def test_names_that_could_collide_are_refused_at_registration(engine: Engine) -> None:
    registry = await open_registry(engine)
    with pytest.raises(ConflictError, match="already exists"):
        await registry.add("memory", StdioServer(command="x"))
    with pytest.raises(ConflictError, match="collides with 'memory'"):
        await registry.add("memory_extra", StdioServer(command="x"))
    with pytest.raises(InvalidArgumentError, match="invalid server name"):
        await registry.add("no spaces", StdioServer(command="x"))
    assert [r.name for r in (await open_registry(engine)).all()] == ["memory"]


async def test_file_servers_cannot_be_removed_and_unknown_ones_are_named(engine: Engine) -> None:
    registry = await open_registry(engine)
    with pytest.raises(InvalidArgumentError, match=r"defined in mcp.json"):
        await registry.remove("memory")
    with pytest.raises(NotFoundError, match="'ghost'"):
        await registry.set_enabled("ghost", True)


async def test_health_history_is_bounded_and_newest_first(engine: Engine) -> None:
    store = RegistryStore(engine)
    await store.create()
    for i in range(210):
        await store.record_health("memory", "ready" if i % 2 else "restarting", f"event {i}")
    history = await store.health_history("memory", limit=500)
    assert len(history) == 200 and history[0].detail == "event 209"
    await store.save_catalog("memory", [{"name": "recall"}])
    assert await store.catalog("memory") == [{"name": "recall"}]


async def test_colliding_names_inside_the_file_are_a_config_error(tmp_path: Path) -> None:
    store = RegistryStore(open_engine(None, tmp_path / "s.db"))
    await store.create()
    registry = Registry({"git": StdioServer(command="a"), "git_hub": StdioServer(command="b")}, store)
    with pytest.raises(ConfigError, match=r"'git_hub'.*'git'"):
        await registry.load()


def test_namespace_collision_rule() -> None:
    assert namespaces_collide("a", "a_b") and namespaces_collide("a_b", "a")
    assert not namespaces_collide("a", "ab") and not namespaces_collide("a-b", "a")
