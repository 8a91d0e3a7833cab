"""PostgreSQL specifics: dead sessions are replaced, an unreachable server is named, placeholders are native."""

from __future__ import annotations

import uuid

import psycopg
import pytest

from tests.fixtures.results import structured, text
from tests.servers.database.conftest import serve

pytestmark = [pytest.mark.anyio, pytest.mark.postgres]


async def test_a_killed_session_is_re_established(postgres_url: str, pg_reader_url: str) -> None:
    name = f"pg{uuid.uuid4().hex[:10]}"
    async with serve(**{name: {"url": pg_reader_url}}) as client:
        first = await client.call_tool("query", {"sql": "SELECT pg_backend_pid() AS pid"})
        pid = structured(first)["rows"][0][0]
        with psycopg.connect(postgres_url, autocommit=True) as admin:
            killed = admin.execute(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = %s",
                [f"pygent-database:{name}"],
            ).fetchone()
        assert killed == (1,)
        again = await client.call_tool("query", {"sql": "SELECT pg_backend_pid() AS pid"})
        assert structured(again)["rows"][0][0] != pid


async def test_an_unreachable_server_is_a_clear_error_naming_the_connection() -> None:
    async with serve(warehouse={"url": "postgresql://reader:hunter2@127.0.0.1:1/nowhere"}) as client:
        result = await client.call_tool("query", {"sql": "SELECT 1"}, raise_on_error=False)
        assert result.is_error
        message = text(result)
        assert "connection 'warehouse'" in message and "unreachable" in message
        assert "hunter2" not in message
        listed = structured(await client.call_tool("list_connections", {}))
        assert listed["connections"][0]["url"] == "postgresql://reader:***@127.0.0.1:1/nowhere"


async def test_percent_signs_need_no_escaping(pg_reader_url: str) -> None:
    async with serve(pg={"url": pg_reader_url}) as client:
        result = await client.call_tool("query", {"sql": "SELECT 'a%b' LIKE $1 AS ok, '100%' AS pct", "params": ["a%"]})
        assert structured(result)["rows"] == [[True, "100%"]]


async def test_types_come_back_as_json(pg_reader_url: str) -> None:
    async with serve(pg={"url": pg_reader_url}) as client:
        result = await client.call_tool(
            "query",
            {
                "sql": "SELECT 1.50::numeric AS n, '2026-01-02'::date AS d, '\\x00ff'::bytea AS b, "
                "'{\"a\": [1]}'::jsonb AS j, ARRAY[1, 2] AS a, interval '90 seconds' AS i, NULL::text AS z"
            },
        )
        data = structured(result)
        assert data["rows"] == [["1.50", "2026-01-02", "\\x00ff", {"a": [1]}, [1, 2], 90.0, None]]
        assert [c["type"] for c in data["columns"]][:2] == ["numeric", "date"]


async def test_explain_analyze_on_a_writable_connection_is_rolled_back(postgres_url: str, pg_schema: str) -> None:
    async with serve(pg={"url": postgres_url, "writable": True}) as client:
        result = await client.call_tool("explain", {"sql": f"DELETE FROM {pg_schema}.people", "analyze": True})
        assert structured(result)["analyzed"] is True and "actual time" in structured(result)["plan"]
    with psycopg.connect(postgres_url) as conn:
        assert conn.execute(f"SELECT count(*) FROM {pg_schema}.people").fetchone() == (3,)


async def test_a_huge_result_stops_at_max_rows(pg_reader_url: str) -> None:
    async with serve(pg={"url": pg_reader_url}) as client:
        result = await client.call_tool("query", {"sql": "SELECT g FROM generate_series(1, 2000000) g", "max_rows": 5})
        assert structured(result)["rows"] == [[1], [2], [3], [4], [5]] and structured(result)["truncated"]
        after = await client.call_tool("query", {"sql": "SELECT 42 AS x"})
        assert structured(after)["rows"] == [[42]]
