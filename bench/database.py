"""Database benchmark: `query` returning 10,000 rows from SQLite and from PostgreSQL, in rows/s.

For each database, the same `SELECT` of 10,000 rows (an integer, a short text, a float and
a timestamp per row) is timed three ways in one run:

    driver       the plain driver (sqlite3 / psycopg) fetching every row: the baseline
    in process   our backend (`SQLiteBackend` / `PostgresBackend`): pools, read-only
                 transaction, JSON conversion of every value
    over stdio   the `query` tool of `python -m pygent.servers.database` through the MCP SDK
                 client (`mcp.Client`): adds serialisation and the protocol

Best of --repeats runs; rows/s and the ratio to the driver. The PostgreSQL table lives in a
uniquely named schema, read by a plain role made for the run (read-only connections refuse a
superuser); --postgres-url must be able to create both, and both are dropped at the end.

    python bench/database.py [--rows 10000] [--repeats 5] [--postgres-url postgresql://...]

Writes bench/results/database.json.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import anyio
import mcp
import psycopg
from mcp.client.stdio import StdioServerParameters
from pygent.servers.database.connections import make_target, open_backend
from pygent.servers.database.settings import ConnectionSettings, DatabaseSettings

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results" / "database.json"
DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"


def sample_rows(count: int) -> list[tuple[Any, ...]]:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    return [(i, f"name {i:05d}", i * 0.5, start + timedelta(seconds=i)) for i in range(count)]


async def best_of(repeats: int, run: Callable[[], Awaitable[int]]) -> tuple[float, int]:
    await run()  # warm-up: pools, caches, prepared plans
    best, rows = float("inf"), 0
    for _ in range(repeats):
        started = time.perf_counter()
        rows = await run()
        best = min(best, time.perf_counter() - started)
    return best, rows


async def measure(name: str, url: str, sql: str, rows: int, repeats: int, driver: Callable[[], int]) -> dict[str, Any]:
    async def via_driver() -> int:
        return driver()

    settings = DatabaseSettings.load({"max_rows_limit": max(rows, 100_000)})
    backend = open_backend(make_target("bench", ConnectionSettings(url=url), settings))

    async def in_process() -> int:
        return (await backend.query(sql, [], max_rows=rows, timeout=60)).row_count

    server = StdioServerParameters(
        command=sys.executable,
        args=["-m", "pygent.servers.database", "--connection", f"bench={url}"],
        env={"PYGENT_DATABASE_MAX_ROWS_LIMIT": str(max(rows, 100_000))},
    )
    async with mcp.Client(server) as client:

        async def over_stdio() -> int:
            result = await client.call_tool("query", {"sql": sql, "max_rows": rows})
            if result.is_error:
                raise RuntimeError(str(result.content))
            return int((result.structured_content or {})["row_count"])

        timings = {
            "driver": await best_of(repeats, via_driver),
            "in_process": await best_of(repeats, in_process),
            "over_stdio": await best_of(repeats, over_stdio),
        }
    await backend.aclose()
    baseline = timings["driver"][0]
    row: dict[str, Any] = {"database": name}
    for label, (seconds, count) in timings.items():
        assert count == rows, (label, count)
        row[f"{label}_s"] = round(seconds, 4)
        row[f"{label}_rows_per_s"] = round(rows / seconds)
        row[f"{label}_ratio"] = round(seconds / baseline, 2)
    return row


async def sqlite_case(directory: Path, rows: int, repeats: int) -> dict[str, Any]:
    path = directory / "bench.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE items (id integer PRIMARY KEY, name text, value real, created text)")
        conn.executemany(
            "INSERT INTO items VALUES (?, ?, ?, ?)", [(i, n, v, c.isoformat()) for i, n, v, c in sample_rows(rows)]
        )
    sql = "SELECT id, name, value, created FROM items ORDER BY id"

    def driver() -> int:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
            return len(conn.execute(sql).fetchall())

    return await measure("sqlite", f"sqlite:///{path}", sql, rows, repeats, driver)


async def postgres_case(url: str, rows: int, repeats: int) -> dict[str, Any]:
    schema = f"pygent_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
        conn.execute(
            f"CREATE TABLE {schema}.items (id integer PRIMARY KEY, name text, value float8, created timestamptz)"
        )
        with conn.cursor().copy(f"COPY {schema}.items FROM STDIN") as copy:
            for record in sample_rows(rows):
                copy.write_row(record)
        password = uuid.uuid4().hex
        conn.execute(f"CREATE ROLE {schema} LOGIN PASSWORD '{password}'")
        conn.execute(f"GRANT USAGE ON SCHEMA {schema} TO {schema}")
        conn.execute(f"GRANT SELECT ON {schema}.items TO {schema}")
    parts = urlsplit(url)
    host = (parts.hostname or "127.0.0.1") + (f":{parts.port}" if parts.port is not None else "")
    reader = urlunsplit(parts._replace(netloc=f"{schema}:{password}@{host}"))
    sql = f"SELECT id, name, value, created FROM {schema}.items ORDER BY id"

    def driver() -> int:
        with psycopg.connect(reader) as conn:
            return len(conn.execute(sql).fetchall())

    try:
        return await measure("postgresql", reader, sql, rows, repeats, driver)
    finally:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
            conn.execute(f"DROP OWNED BY {schema}")
            conn.execute(f"DROP ROLE {schema}")


def print_table(results: list[dict[str, Any]], rows: int) -> None:
    print(f"query returning {rows} rows (best of runs)")
    print(f"{'database':12} {'path':12} {'seconds':>9} {'rows/s':>10} {'vs driver':>10}")
    for row in results:
        for label in ("driver", "in_process", "over_stdio"):
            print(
                f"{row['database']:12} {label:12} {row[f'{label}_s']:>9} "
                f"{row[f'{label}_rows_per_s']:>10} {row[f'{label}_ratio']:>10}"
            )


async def main(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(prefix="pygent-bench-db-") as scratch:
        results = [await sqlite_case(Path(scratch), args.rows, args.repeats)]
    results.append(await postgres_case(args.postgres_url, args.rows, args.repeats))
    print_table(results, args.rows)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({"rows": args.rows, "results": results}, indent=2) + "\n", encoding="utf-8")
    print(f"\nwrote {RESULTS}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES)
    anyio.run(main, parser.parse_args())
