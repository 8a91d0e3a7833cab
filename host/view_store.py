"""Named views: the ones `mcp.json` defines (read-only here) and the ones users save in the state database.

    store = ViewStore(engine, config={"ro": NamedView(name="ro", exclude=["*_delete_*"])})
    await store.create()
    await store.save(NamedView(name="docs", servers=["rag", "search"]))
    [view.name for view in await store.list()]     # ['docs', 'ro']
    await store.delete("docs")

A saved view wins nothing over a configured one: a name `mcp.json` uses
cannot be saved, changed or deleted here (change the file), so what the file
says is what every host serves.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from typing import TypeVar

import anyio.to_thread
from pygent.core.agent_spec import NamedView
from pygent.core.errors import ConflictError, NotFoundError, UnavailableError
from sqlalchemy import Column, Engine, Float, MetaData, String, Table, Text, delete, insert, select
from sqlalchemy import update as sql_update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

metadata = MetaData()

views_table = Table(
    "host_views",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("spec", Text, nullable=False),  # the NamedView as JSON
    Column("created_at", Float, nullable=False),
    Column("updated_at", Float, nullable=False),
)

T = TypeVar("T")


class ViewStore:
    """Every method runs its SQL in a worker thread."""

    def __init__(self, engine: Engine, config: Mapping[str, NamedView] | None = None) -> None:
        self._engine = engine
        self.config = dict(config or {})

    async def _run(self, fn: Callable[[], T]) -> T:
        try:
            return await anyio.to_thread.run_sync(fn)
        except SQLAlchemyError as exc:
            raise UnavailableError(f"state database error: {type(exc).__name__}") from exc

    async def create(self) -> None:
        await self._run(lambda: metadata.create_all(self._engine))

    def source(self, name: str) -> str:
        return "mcp.json" if name in self.config else "saved"

    async def list(self) -> list[NamedView]:
        def read() -> list[str]:
            with self._engine.connect() as conn:
                return [row.spec for row in conn.execute(select(views_table.c.spec))]

        saved = {view.name: view for view in map(NamedView.model_validate_json, await self._run(read))}
        merged = {**saved, **self.config}
        return [merged[name] for name in sorted(merged)]

    async def get(self, name: str) -> NamedView:
        """Raises NotFoundError for an unknown view."""
        if name in self.config:
            return self.config[name]

        def read() -> str | None:
            with self._engine.connect() as conn:
                return conn.execute(select(views_table.c.spec).where(views_table.c.name == name)).scalar()

        spec = await self._run(read)
        if spec is None:
            raise NotFoundError(f"unknown view {name!r}")
        return NamedView.model_validate_json(spec)

    async def save(self, view: NamedView, *, replace: bool) -> NamedView:
        """Store a new view, or (`replace`) change a saved one.

        Raises:
            ConflictError: a new view's name is taken, or the view is defined in mcp.json.
            NotFoundError: `replace` of a view that does not exist.
        """
        if view.name in self.config:
            raise ConflictError(f"view {view.name!r} is defined in mcp.json: change it there")
        spec, now = view.model_dump_json(), time.time()

        def write() -> bool:
            with self._engine.begin() as conn:
                if replace:
                    changed = conn.execute(
                        sql_update(views_table).where(views_table.c.name == view.name).values(spec=spec, updated_at=now)
                    )
                    return changed.rowcount == 1
                conn.execute(insert(views_table).values(name=view.name, spec=spec, created_at=now, updated_at=now))
                return True

        try:
            written = await self._run(write)
        except UnavailableError as exc:
            if not isinstance(exc.__cause__, IntegrityError):
                raise
            written = False  # the primary key: the name is taken
        if not written:
            if replace:
                raise NotFoundError(f"unknown view {view.name!r}")
            raise ConflictError(f"a view named {view.name!r} already exists")
        return view

    async def delete(self, name: str) -> None:
        """Raises NotFoundError (unknown) or ConflictError (defined in mcp.json)."""
        if name in self.config:
            raise ConflictError(f"view {name!r} is defined in mcp.json: remove it there")

        def write() -> int:
            with self._engine.begin() as conn:
                return int(conn.execute(delete(views_table).where(views_table.c.name == name)).rowcount)

        if await self._run(write) == 0:
            raise NotFoundError(f"unknown view {name!r}")


def as_json(view: NamedView, source: str) -> dict[str, object]:
    """A view as the REST API and the CLI show it."""
    return {**json.loads(view.model_dump_json()), "source": source, "endpoint": view.endpoint}
