"""query, explain and execute on SQLite and PostgreSQL: results, read-only enforcement, limits."""

from __future__ import annotations

import pytest

from tests.fixtures.results import structured, text
from tests.servers.database.conftest import Db

pytestmark = pytest.mark.anyio


async def test_query_returns_columns_and_rows_with_bound_parameters(db: Db) -> None:
    result = await db.call(
        "query",
        {
            "connection": "ro",
            "sql": f"SELECT id, name, score FROM {db.table('people')} WHERE score >= {db.ph(1)} ORDER BY id",
            "params": [20],
        },
    )
    data = structured(result)
    assert [c["name"] for c in data["columns"]] == ["id", "name", "score"]
    assert data["rows"] == [[2, "bob", 20], [3, "cid", 30]]
    assert data["row_count"] == 2 and data["truncated"] is False
    assert "bob" in text(result) and "(2 rows)" in text(result)


async def test_truncation_is_reported(db: Db) -> None:
    result = await db.call("query", {"connection": "ro", "sql": f"SELECT * FROM {db.table('people')}", "max_rows": 2})
    data = structured(result)
    assert data["row_count"] == 2 and data["truncated"] is True
    assert "truncated" in text(result)


@pytest.mark.parametrize(
    "statement",
    [
        "DELETE FROM {people}",
        "UPDATE {people} SET score = 0",
        "INSERT INTO {people} (id, name) VALUES (9, 'eve')",
        "DROP TABLE {people}",
        "CREATE TABLE {schema}.evil (x int)",
    ],
)
async def test_query_is_read_only_as_the_database_enforces_it(db: Db, statement: str) -> None:
    sql = statement.format(people=db.table("people"), schema=db.schema)
    for connection in ("ro", "rw"):
        result = await db.call("query", {"connection": connection, "sql": sql})
        assert result.is_error and "read-only" in text(result), text(result)
    assert db.rows(f"SELECT count(*), sum(score) FROM {db.table('people')}") == [(3, 60)]


@pytest.mark.parametrize("statement", ["SELECT 1; DROP TABLE {people}", "COMMIT; DROP TABLE {people}"])
async def test_stacked_statements_are_refused_and_nothing_changes(db: Db, statement: str) -> None:
    sql = statement.format(people=db.table("people"))
    for tool, connection in (("query", "ro"), ("execute", "rw")):
        result = await db.call(tool, {"connection": connection, "sql": sql})
        assert result.is_error and "one SQL statement per call" in text(result), (tool, text(result))
    assert (await db.call("explain", {"connection": "rw", "sql": sql})).is_error
    assert db.rows(f"SELECT count(*) FROM {db.table('people')}") == [(3,)]


async def test_values_are_bound_never_spliced(db: Db) -> None:
    hostile = "x'); DROP TABLE people; --"
    result = await db.call(
        "query",
        {
            "connection": "ro",
            "sql": f"SELECT count(*) AS n FROM {db.table('people')} WHERE name = {db.ph(1)}",
            "params": [hostile],
        },
    )
    assert structured(result)["rows"] == [[0]]
    written = await db.call(
        "execute",
        {"connection": "rw", "sql": f"INSERT INTO {db.table('teams')} VALUES (3, {db.ph(1)})", "params": [hostile]},
    )
    assert structured(written)["rows_affected"] == 1
    assert db.rows(f"SELECT name FROM {db.table('teams')} WHERE id = 3") == [(hostile,)]
    assert db.rows(f"SELECT count(*) FROM {db.table('people')}") == [(3,)]


async def test_read_only_cannot_be_switched_off_from_a_query(db: Db) -> None:
    switch = "SET default_transaction_read_only = off" if db.dialect == "postgresql" else "PRAGMA query_only = OFF"
    await db.call("query", {"connection": "ro", "sql": switch})
    result = await db.call("query", {"connection": "ro", "sql": f"DELETE FROM {db.table('people')}"})
    assert result.is_error and "read-only" in text(result)
    assert db.rows(f"SELECT count(*) FROM {db.table('people')}") == [(3,)]


async def test_a_slow_statement_is_cut_by_the_timeout(db: Db) -> None:
    slow = (
        "SELECT pg_sleep(5)"
        if db.dialect == "postgresql"
        else "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n"
    )
    result = await db.call("query", {"connection": "ro", "sql": slow, "timeout_seconds": 0.3})
    assert result.is_error and "ran longer than 0.3s" in text(result)
    after = await db.call("query", {"connection": "ro", "sql": "SELECT 1 AS one"})
    assert structured(after)["rows"] == [[1]]


async def test_execute_writes_in_one_transaction_and_returns_rows_affected(db: Db) -> None:
    result = await db.call(
        "execute",
        {
            "connection": "rw",
            "sql": f"UPDATE {db.table('people')} SET score = score + {db.ph(1)} WHERE team_id = 1",
            "params": [5],
        },
    )
    assert structured(result)["rows_affected"] == 2 and "2 rows affected" in text(result)
    assert db.rows(f"SELECT sum(score) FROM {db.table('people')}") == [(70,)]
    created = await db.call("execute", {"connection": "rw", "sql": f"CREATE TABLE {db.schema}.notes (body text)"})
    assert structured(created)["rows_affected"] is None and text(created) == "OK"


async def test_execute_returns_returning_rows(db: Db) -> None:
    result = await db.call(
        "execute",
        {"connection": "rw", "sql": f"INSERT INTO {db.table('teams')} VALUES (7, 'green') RETURNING id, name"},
    )
    assert structured(result)["rows"] == [[7, "green"]]


async def test_execute_is_refused_on_a_read_only_connection(db: Db) -> None:
    result = await db.call("execute", {"connection": "ro", "sql": f"DELETE FROM {db.table('people')}"})
    assert result.is_error and "read-only" in text(result)
    assert db.rows(f"SELECT count(*) FROM {db.table('people')}") == [(3,)]


async def test_a_failing_execute_changes_nothing(db: Db) -> None:
    result = await db.call(
        "execute", {"connection": "rw", "sql": f"INSERT INTO {db.table('people')} (id, name) VALUES (1, 'dup')"}
    )
    assert result.is_error and ("UNIQUE" in text(result) or "duplicate key" in text(result)), text(result)
    assert db.rows(f"SELECT name FROM {db.table('people')} WHERE id = 1") == [("ann",)]


async def test_explain_shows_the_plan_without_running_it(db: Db) -> None:
    result = await db.call(
        "explain",
        {"connection": "ro", "sql": f"DELETE FROM {db.table('people')} WHERE team_id = {db.ph(1)}", "params": [1]},
    )
    data = structured(result)
    assert data["analyzed"] is False and "people" in data["plan"].lower()
    assert db.rows(f"SELECT count(*) FROM {db.table('people')}") == [(3,)]


async def test_explain_analyze_is_refused_on_read_only_connections(db: Db) -> None:
    result = await db.call("explain", {"connection": "ro", "sql": f"DELETE FROM {db.table('people')}", "analyze": True})
    assert result.is_error
    expected = "read-only" if db.dialect == "postgresql" else "no EXPLAIN ANALYZE"
    assert expected in text(result)
    assert db.rows(f"SELECT count(*) FROM {db.table('people')}") == [(3,)]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"connection": "nope", "sql": "SELECT 1"}, "unknown connection 'nope'; available: ro, rw"),
        ({"connection": "ro", "sql": ""}, "at least 1 character"),
        ({"connection": "ro", "sql": "SELECT 1", "params": {"a": 1}}, "valid tuple"),
        ({"connection": "ro", "sql": "SELECT 1", "max_rows": 10_000_000}, "over this server's limit"),
        ({"connection": "ro", "sql": "SELECT 1", "max_rows": "many"}, "valid integer"),
        ({"connection": "ro", "sql": "SELECT * FROM no_such_table"}, "no_such_table"),
        ({"connection": "ro", "sql": "SELEKT 1"}, "syntax error"),
    ],
)
async def test_bad_arguments_are_clear_tool_errors(db: Db, arguments: dict[str, object], message: str) -> None:
    result = await db.call("query", arguments)
    assert result.is_error and message in text(result), text(result)
    assert "Traceback" not in text(result)
