"""PostgreSQL through psycopg 3's async API and pooled connections (psycopg-pool).

    backend = PostgresBackend(target)
    result = await backend.query("SELECT * FROM users WHERE id = $1", [42], max_rows=100, timeout=5)

Placeholders are PostgreSQL's own (`$1`, `$2`). Every statement goes through
the extended query protocol, which runs exactly one statement: `SELECT 1;
DROP TABLE t` is refused by the server. Reads run in `BEGIN READ ONLY`
transactions on sessions whose `default_transaction_read_only` is on, and
are always rolled back, so even a `SET` cannot outlive its call. Each session
carries a `statement_timeout`. A connection found dead is replaced by the pool
(checked on checkout) and a read that met one is retried once. A read-only
connection refuses a role that could write past read-only transactions
(`postgres_roles`), unless its settings opt in.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from typing import Any, TypeVar

import anyio
import psycopg
from psycopg import AsyncConnection, AsyncRawCursor
from psycopg.conninfo import conninfo_to_dict
from psycopg_pool import AsyncConnectionPool, PoolTimeout
from pygent.core.errors import (
    CallTimeoutError,
    InvalidArgumentError,
    NotFoundError,
    PermissionDeniedError,
    PygentError,
    UnavailableError,
)
from pygent.servers.database.dialects import postgres_catalog as catalog
from pygent.servers.database.dialects.base import Param, Target
from pygent.servers.database.dialects.postgres_roles import refuse_privileged_role
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
Connection = AsyncConnection[Any]
# libpq 17 can hand rows over in chunks; older ones one at a time
STREAM_CHUNK = 1000 if psycopg.pq.version() >= 170000 else 1


class PostgresBackend:
    def __init__(self, target: Target) -> None:
        self.target = target
        self._pools: dict[bool, AsyncConnectionPool[Connection]] = {}
        self._open_lock = anyio.Lock()

    async def _pool_for(self, *, read_only: bool) -> AsyncConnectionPool[Connection]:
        """The pool of read-only (or read-write) sessions, opened on first use."""
        if not read_only and not self.target.writable:
            raise PermissionDeniedError(f"connection {self.target.name!r} is read-only")
        async with self._open_lock:
            pool = self._pools.get(read_only)
            if pool is None:
                if self._guarded(read_only=read_only):  # refused before any pool exists: the next call checks again
                    await self._probe(check_role=True)
                pool = self._pools[read_only] = self._new_pool(read_only=read_only)
                await pool.open(wait=False)
            return pool

    def _guarded(self, *, read_only: bool) -> bool:
        """Whether sessions must come from a role that cannot write past `BEGIN READ ONLY`."""
        return read_only and not self.target.writable and not self.target.allow_privileged_role

    def _new_pool(self, *, read_only: bool) -> AsyncConnectionPool[Connection]:
        target = self.target
        guarded = self._guarded(read_only=read_only)

        async def configure(conn: Connection) -> None:
            await conn.set_autocommit(True)
            if guarded:  # the role may have been granted more since the pool opened
                await refuse_privileged_role(conn, target.name)
            await conn.set_read_only(read_only or None)

        return AsyncConnectionPool(
            target.url,
            kwargs=self._connect_kwargs("-c default_transaction_read_only=on" if read_only else ""),
            min_size=0,
            max_size=target.pool_size,
            open=False,
            timeout=target.connect_timeout,
            configure=configure,
            check=AsyncConnectionPool.check_connection,
            name=f"{target.name}-{'read' if read_only else 'write'}",
        )

    @asynccontextmanager
    async def _connection(self, *, read_only: bool) -> AsyncIterator[Connection]:
        pool = await self._pool_for(read_only=read_only)
        try:
            async with pool.connection() as conn:
                yield conn
        except PoolTimeout:
            # why no connection came: a direct attempt gives the server's own reason, or the refusal
            await self._probe(check_role=self._guarded(read_only=read_only))
            raise UnavailableError(
                f"connection {self.target.name!r} ({self.target.display_url}): "
                f"no connection free within {self.target.connect_timeout:g}s"
            ) from None

    def _connect_kwargs(self, *extra_options: str, purpose: str = "") -> dict[str, Any]:
        """Session settings: the URL's own `options`, the statement timeout, then `extra_options`."""
        options = [
            str(conninfo_to_dict(self.target.url).get("options") or ""),
            f"-c statement_timeout={int(self.target.statement_timeout * 1000)}",
            *extra_options,
        ]
        return {
            "options": " ".join(option for option in options if option),
            "application_name": f"pygent-database:{self.target.name}{purpose}",
            "connect_timeout": max(1, int(self.target.connect_timeout)),
        }

    async def _probe(self, *, check_role: bool) -> None:
        """Connect once, outside any pool, and check the role when asked.

        Raises:
            UnavailableError: the server refused or could not be reached.
            PermissionDeniedError: the role can write past a read-only transaction.
        """
        name, url = self.target.name, self.target.display_url
        try:
            conn = await AsyncConnection.connect(
                self.target.url, **self._connect_kwargs(purpose=":probe"), autocommit=True
            )
        except psycopg.Error as exc:
            raise UnavailableError(f"connection {name!r} ({url}) is unreachable: {str(exc).strip()}") from None
        try:
            if check_role:
                await refuse_privileged_role(conn, name)
        except psycopg.Error as exc:
            raise self._translate(exc, self.target.statement_timeout) from None
        finally:
            await conn.close()

    async def _transaction(
        self, work: Callable[[Connection], Awaitable[T]], *, read_only: bool, timeout: float, commit: bool
    ) -> T:
        for attempt in range(2):
            used: Connection | None = None
            try:
                async with self._connection(read_only=read_only) as conn:
                    used = conn
                    async with conn.transaction(force_rollback=not commit):
                        if timeout != self.target.statement_timeout:
                            await AsyncRawCursor(conn).execute(
                                "SELECT set_config('statement_timeout', $1, true)", [str(int(timeout * 1000))]
                            )
                        return await work(conn)
            except psycopg.OperationalError as exc:
                if attempt == 0 and not commit and used is not None and used.closed:
                    continue  # the session died under us; the pool replaces it
                raise self._translate(exc, timeout) from None
            except psycopg.Error as exc:
                raise self._translate(exc, timeout) from None
        raise AssertionError("unreachable")

    def _translate(self, exc: psycopg.Error, timeout: float) -> PygentError:
        name = self.target.name
        message = str(exc).strip()
        if isinstance(exc, psycopg.errors.QueryCanceled):
            return CallTimeoutError(
                f"connection {name!r}: the statement ran longer than {timeout:g}s and was cancelled"
            )
        if isinstance(exc, psycopg.errors.ReadOnlySqlTransaction):
            return PermissionDeniedError(
                f"connection {name!r}: {message}; query is read-only"
                + (", use execute to change data" if self.target.writable else " and this connection is not writable")
            )
        if isinstance(exc, psycopg.errors.InsufficientPrivilege):
            return PermissionDeniedError(f"connection {name!r}: {message}")
        if exc.sqlstate is None and isinstance(exc, psycopg.ProgrammingError):
            # psycopg, not the server, refusing the kind of result the statement gave
            if "COPY" in message:
                return InvalidArgumentError(f"connection {name!r}: COPY is not supported; read rows with SELECT")
            return InvalidArgumentError(
                f"connection {name!r}: the statement returns no rows; query is for statements that return rows"
            )
        if "multiple commands" in message:
            return InvalidArgumentError(f"connection {name!r}: send one SQL statement per call ({message})")
        if isinstance(exc, psycopg.OperationalError):
            return UnavailableError(f"connection {name!r} ({self.target.display_url}) failed: {message}")
        return InvalidArgumentError(f"connection {name!r}: {message}")

    async def query(self, sql: str, params: Sequence[Param], *, max_rows: int, timeout: float) -> QueryResult:
        async def work(conn: Connection) -> QueryResult:
            started = time.perf_counter()
            columns, rows, truncated = await _stream(conn, sql, params, max_rows)
            return QueryResult.model_construct(
                connection=self.target.name,
                columns=columns,
                rows=rows,
                row_count=len(rows),
                truncated=truncated,
                elapsed_ms=(time.perf_counter() - started) * 1000,
            )

        return await self._transaction(work, read_only=True, timeout=timeout, commit=False)

    async def execute(self, sql: str, params: Sequence[Param], *, max_rows: int, timeout: float) -> ExecuteResult:
        if not self.target.writable:
            raise PermissionDeniedError(f"connection {self.target.name!r} is read-only; execute is refused")

        async def work(conn: Connection) -> ExecuteResult:
            started = time.perf_counter()
            cursor = AsyncRawCursor(conn)
            await cursor.execute(sql, list(params), prepare=True)
            columns, rows, truncated = [], [], False
            if cursor.description is not None:
                raw = await cursor.fetchmany(max_rows + 1)
                truncated = len(raw) > max_rows
                rows = [row_to_json(row) for row in raw[:max_rows]]
                columns = _columns(cursor)
            return ExecuteResult.model_construct(
                connection=self.target.name,
                rows_affected=cursor.rowcount if cursor.rowcount >= 0 else None,
                columns=columns,
                rows=rows,
                truncated=truncated,
                elapsed_ms=(time.perf_counter() - started) * 1000,
            )

        return await self._transaction(work, read_only=False, timeout=timeout, commit=True)

    async def explain(self, sql: str, params: Sequence[Param], *, analyze: bool, timeout: float) -> ExplainResult:
        if analyze and not self.target.writable:
            raise PermissionDeniedError(
                f"EXPLAIN ANALYZE executes the statement; connection {self.target.name!r} is read-only"
            )

        async def work(conn: Connection) -> list[str]:
            cursor = AsyncRawCursor(conn)
            prefix = "EXPLAIN (ANALYZE, BUFFERS) " if analyze else "EXPLAIN "
            await cursor.execute(prefix + sql, list(params), prepare=True)
            return [str(row[0]) for row in await cursor.fetchall()]

        # ANALYZE runs in a read-write session, inside a transaction that is rolled back
        lines = await self._transaction(work, read_only=not analyze, timeout=timeout, commit=False)
        return ExplainResult(connection=self.target.name, plan="\n".join(lines), analyzed=analyze)

    async def _catalog(self, sql: str, *params: Param) -> list[tuple[Any, ...]]:
        async def work(conn: Connection) -> list[tuple[Any, ...]]:
            cursor = AsyncRawCursor(conn)
            await cursor.execute(sql, list(params), prepare=True)
            return await cursor.fetchall()

        return await self._transaction(work, read_only=True, timeout=self.target.statement_timeout, commit=False)

    async def list_schemas(self) -> SchemaList:
        rows = await self._catalog(catalog.SCHEMAS)
        return SchemaList(connection=self.target.name, schemas=[row[0] for row in rows])

    async def list_tables(self, schema: str | None) -> TableList:
        rows = await self._catalog(catalog.TABLES, schema)
        tables = [TableInfo(schema_name=r[0], name=r[1], type=r[2], estimated_rows=r[3]) for r in rows]
        return TableList(connection=self.target.name, tables=tables)

    async def describe_table(self, table: str, schema: str | None) -> TableDescription:
        schema = schema or "public"
        found = await self._catalog(catalog.FIND_TABLE, schema, table)
        if not found:
            raise NotFoundError(
                f"no table {schema}.{table} in connection {self.target.name!r}; list_tables shows the tables"
            )
        oid, kind = found[0]
        columns = await self._catalog(catalog.COLUMNS, oid)
        primary = await self._catalog(catalog.PRIMARY_KEY, oid)
        keys = await self._catalog(catalog.FOREIGN_KEYS, oid)
        indexes = await self._catalog(catalog.INDEXES, oid)
        actions = catalog.REFERENTIAL_ACTIONS
        return TableDescription(
            connection=self.target.name,
            schema_name=schema,
            name=table,
            type=kind,
            columns=[ColumnInfo(name=c[0], type=c[1], nullable=c[2], default=c[3], primary_key=c[4]) for c in columns],
            primary_key=[row[0] for row in primary],
            foreign_keys=[
                ForeignKey(
                    name=k[0],
                    references_schema=k[1],
                    references_table=k[2],
                    columns=list(k[3]),
                    references_columns=list(k[4]),
                    on_update=actions.get(k[5]),
                    on_delete=actions.get(k[6]),
                )
                for k in keys
            ],
            indexes=[
                IndexInfo(name=i[0], unique=i[1], primary=i[2], definition=i[3], columns=list(i[4])) for i in indexes
            ],
        )

    async def aclose(self) -> None:
        async with self._open_lock:
            pools, self._pools = list(self._pools.values()), {}
        for pool in pools:
            await pool.close()


async def _stream(
    conn: Connection, sql: str, params: Sequence[Param], max_rows: int
) -> tuple[list[ResultColumn], list[list[Any]], bool]:
    """Rows as they arrive, stopping (and cancelling the rest) after `max_rows`."""
    cursor = AsyncRawCursor(conn)
    rows: list[list[Any]] = []
    truncated = False
    stream = cursor.stream(sql, list(params), size=min(STREAM_CHUNK, max_rows + 1))
    try:
        async for row in stream:
            if len(rows) >= max_rows:
                truncated = True
                break
            rows.append(row_to_json(row))
    finally:
        await stream.aclose()  # type: ignore[attr-defined]
    return (_columns(cursor) if cursor.description is not None else []), rows, truncated


def _columns(cursor: AsyncRawCursor[Any]) -> list[ResultColumn]:
    return [ResultColumn(name=column.name, type=column.type_display) for column in cursor.description or []]
