"""SQLite databases (files), through the standard library, in worker threads.

    backend = SQLiteBackend(target, Path("app.db"))
    result = await backend.query("SELECT * FROM users WHERE id = ?", [42], max_rows=100, timeout=5)

Placeholders are `?` (or `?NNN`). Catalog questions use SQLite's table-valued
pragma functions with bound arguments, so table names never enter SQL text.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import anyio.to_thread
from pygent.core.errors import (
    CallTimeoutError,
    InvalidArgumentError,
    NotFoundError,
    PermissionDeniedError,
    PygentError,
    UnavailableError,
)
from pygent.servers.database.dialects.base import Param, Target
from pygent.servers.database.dialects.sqlite_pool import SQLitePool
from pygent.servers.database.models import (
    ColumnInfo,
    ExecuteResult,
    ExplainResult,
    ForeignKey,
    IndexInfo,
    QueryResult,
    ResultColumn,
    SchemaList,
    TableDescription,
    TableInfo,
    TableList,
)
from pygent.servers.database.values import row_to_json

T = TypeVar("T")
STORAGE_CLASS = {int: "integer", float: "real", str: "text", bytes: "blob"}


class SQLiteBackend:
    def __init__(self, target: Target, path: Path) -> None:
        self.target = target
        self.path = path
        self._read = SQLitePool(target.name, path, writable=False, size=target.pool_size)
        self._write = SQLitePool(target.name, path, writable=True, size=1) if target.writable else None
        self._write_lock = anyio.Lock()
        if target.writable and not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            with self._write.connection(timeout=target.statement_timeout):  # type: ignore[union-attr]
                pass  # creates the file, so read-only connections can open it

    async def _run(self, work: Callable[[], T], *, timeout: float) -> T:
        try:
            return await anyio.to_thread.run_sync(work)
        except sqlite3.Error as exc:
            raise self._translate(exc, timeout) from None

    def _translate(self, exc: sqlite3.Error, timeout: float) -> PygentError:
        name, message = self.target.name, str(exc)
        if isinstance(exc, sqlite3.OperationalError) and message == "interrupted":
            return CallTimeoutError(f"connection {name!r}: the statement ran longer than {timeout:g}s and was stopped")
        if "readonly database" in message or message == "not authorized":
            return PermissionDeniedError(
                f"connection {name!r}: {message}; query is read-only"
                + (", use execute to change data" if self.target.writable else " and this connection is not writable")
            )
        if "one statement at a time" in message:
            return InvalidArgumentError(f"connection {name!r}: send one SQL statement per call ({message})")
        if "unable to open" in message or "disk I/O" in message:
            return UnavailableError(f"connection {name!r} ({self.path}) failed: {message}")
        return InvalidArgumentError(f"connection {name!r}: {message}")

    async def query(self, sql: str, params: Sequence[Param], *, max_rows: int, timeout: float) -> QueryResult:
        def work() -> QueryResult:
            started = time.perf_counter()
            with self._read.connection(timeout=timeout) as conn:
                columns, rows, truncated = _fetch(conn.execute(sql, tuple(params)), max_rows)
            return QueryResult.model_construct(
                connection=self.target.name,
                columns=columns,
                rows=rows,
                row_count=len(rows),
                truncated=truncated,
                elapsed_ms=(time.perf_counter() - started) * 1000,
            )

        return await self._run(work, timeout=timeout)

    async def execute(self, sql: str, params: Sequence[Param], *, max_rows: int, timeout: float) -> ExecuteResult:
        write = self._write
        if write is None:
            raise PermissionDeniedError(f"connection {self.target.name!r} is read-only; execute is refused")

        def work() -> ExecuteResult:
            started = time.perf_counter()
            with write.connection(timeout=timeout) as conn:
                conn.execute("BEGIN IMMEDIATE")
                cursor = conn.execute(sql, tuple(params))
                columns, rows, truncated = _fetch(cursor, max_rows)
                affected = cursor.rowcount
                if conn.in_transaction:
                    conn.execute("COMMIT")
            return ExecuteResult.model_construct(
                connection=self.target.name,
                rows_affected=affected if affected >= 0 else None,
                columns=columns,
                rows=rows,
                truncated=truncated,
                elapsed_ms=(time.perf_counter() - started) * 1000,
            )

        async with self._write_lock:
            return await self._run(work, timeout=timeout)

    async def explain(self, sql: str, params: Sequence[Param], *, analyze: bool, timeout: float) -> ExplainResult:
        if analyze:
            raise InvalidArgumentError("SQLite has no EXPLAIN ANALYZE; leave analyze off")

        def work() -> list[tuple[Any, ...]]:
            with self._read.connection(timeout=timeout) as conn:
                return conn.execute("EXPLAIN QUERY PLAN " + sql, tuple(params)).fetchall()

        steps = await self._run(work, timeout=timeout)
        depth: dict[int, int] = {0: -1}
        lines = []
        for node, parent, _unused, detail in steps:
            depth[node] = depth.get(parent, -1) + 1
            lines.append("  " * depth[node] + str(detail))
        return ExplainResult(connection=self.target.name, plan="\n".join(lines), analyzed=False)

    async def _catalog(self, sql: str, *params: Param) -> list[tuple[Any, ...]]:
        timeout = self.target.statement_timeout

        def work() -> list[tuple[Any, ...]]:
            with self._read.connection(timeout=timeout) as conn:
                return conn.execute(sql, params).fetchall()

        return await self._run(work, timeout=timeout)

    async def list_schemas(self) -> SchemaList:
        rows = await self._catalog("SELECT name FROM pragma_database_list ORDER BY seq")
        return SchemaList(connection=self.target.name, schemas=[row[0] for row in rows])

    async def list_tables(self, schema: str | None) -> TableList:
        rows = await self._catalog(
            "SELECT schema, name, type FROM pragma_table_list "
            "WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND schema <> 'temp' AND (?1 IS NULL OR schema = ?1) "
            "ORDER BY schema, name",
            schema,
        )
        tables = [TableInfo(schema_name=row[0], name=row[1], type=row[2]) for row in rows]
        return TableList(connection=self.target.name, tables=tables)

    async def describe_table(self, table: str, schema: str | None) -> TableDescription:
        schema = schema or "main"
        found = await self._catalog("SELECT type FROM pragma_table_list WHERE schema = ? AND name = ?", schema, table)
        if not found:
            raise NotFoundError(
                f"no table {schema}.{table} in connection {self.target.name!r}; list_tables shows the tables"
            )
        columns = await self._catalog(
            'SELECT name, type, "notnull", dflt_value, pk FROM pragma_table_xinfo(?, ?) WHERE hidden = 0 ORDER BY cid',
            table,
            schema,
        )
        keys = await self._catalog(
            'SELECT id, "table", "from", "to", on_update, on_delete '
            "FROM pragma_foreign_key_list(?, ?) ORDER BY id, seq",
            table,
            schema,
        )
        indexes = await self._catalog('SELECT name, "unique", origin FROM pragma_index_list(?, ?)', table, schema)
        index_columns = {
            name: [row[0] for row in await self._catalog("SELECT name FROM pragma_index_info(?, ?)", name, schema)]
            for name, _unique, _origin in indexes
        }
        primary = [row[0] for row in sorted((c for c in columns if c[4]), key=lambda c: c[4])]
        return TableDescription(
            connection=self.target.name,
            schema_name=schema,
            name=table,
            type=found[0][0],
            columns=[
                ColumnInfo(
                    name=c[0], type=c[1] or "", nullable=not c[2] and not c[4], default=c[3], primary_key=bool(c[4])
                )
                for c in columns
            ],
            primary_key=primary,
            foreign_keys=_foreign_keys(keys, schema),
            indexes=[
                IndexInfo(
                    name=name,
                    columns=[column or "<expression>" for column in index_columns[name]],
                    unique=bool(unique),
                    primary=origin == "pk",
                )
                for name, unique, origin in indexes
            ],
        )

    async def aclose(self) -> None:
        self._read.close()
        if self._write is not None:
            self._write.close()


def _fetch(cursor: sqlite3.Cursor, max_rows: int) -> tuple[list[ResultColumn], list[list[Any]], bool]:
    if cursor.description is None:
        return [], [], False
    raw = cursor.fetchmany(max_rows + 1)
    truncated = len(raw) > max_rows
    rows = [row_to_json(row) for row in raw[:max_rows]]
    names = [description[0] for description in cursor.description]
    types = [
        next((STORAGE_CLASS.get(type(row[i])) for row in raw if row[i] is not None), None) for i in range(len(names))
    ]
    return [ResultColumn(name=n, type=t) for n, t in zip(names, types, strict=True)], rows, truncated


def _foreign_keys(rows: list[tuple[Any, ...]], schema: str) -> list[ForeignKey]:
    grouped: dict[int, ForeignKey] = {}
    for key_id, table, column, target_column, on_update, on_delete in rows:
        key = grouped.setdefault(
            key_id,
            ForeignKey(
                name=None,
                columns=[],
                references_schema=schema,
                references_table=table,
                references_columns=[],
                on_update=on_update,
                on_delete=on_delete,
            ),
        )
        key.columns.append(column)
        key.references_columns.append(target_column or "")
    return list(grouped.values())
