"""list_connections, list_schemas, list_tables and describe_table on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from tests.fixtures.results import structured, text
from tests.servers.database.conftest import Db

pytestmark = pytest.mark.anyio


async def test_list_connections_hides_passwords(db: Db) -> None:
    data = structured(await db.call("list_connections", {}))
    assert [(c["name"], c["writable"], c["dialect"]) for c in data["connections"]] == [
        ("ro", False, db.dialect),
        ("rw", True, db.dialect),
    ]


async def test_list_schemas_includes_the_test_schema(db: Db) -> None:
    result = await db.call("list_schemas", {"connection": "ro"})
    assert db.schema in structured(result)["schemas"]


async def test_list_tables_shows_tables_and_views(db: Db) -> None:
    result = await db.call("list_tables", {"connection": "ro", "schema": db.schema})
    tables = {(t["name"], t["type"]) for t in structured(result)["tables"]}
    assert tables == {("teams", "table"), ("people", "table"), ("named", "view")}
    assert f"{db.schema}.people (table" in text(result)


async def test_describe_table_reports_columns_keys_and_indexes(db: Db) -> None:
    result = await db.call("describe_table", {"connection": "ro", "schema": db.schema, "table": "people"})
    data = structured(result)
    columns = {c["name"]: c for c in data["columns"]}
    assert list(columns) == ["id", "name", "team_id", "score"]
    assert columns["name"]["nullable"] is False and columns["team_id"]["nullable"] is True
    assert columns["id"]["primary_key"] is True and data["primary_key"] == ["id"]
    assert columns["score"]["default"] == "0"
    assert columns["team_id"]["type"].lower() == "integer"
    [key] = data["foreign_keys"]
    assert key["columns"] == ["team_id"] and key["references_table"] == "teams"
    assert key["references_columns"] == ["id"] and key["on_delete"] == "CASCADE"
    indexes = {i["name"]: i for i in data["indexes"]}
    assert indexes["people_by_team"]["columns"] == ["team_id"] and indexes["people_by_team"]["unique"] is False
    assert "FOREIGN KEY (team_id) REFERENCES" in text(result)


async def test_describe_table_names_are_data_not_sql(db: Db) -> None:
    for table in ("people; DROP TABLE people", "people' OR '1'='1", "ghost"):
        result = await db.call("describe_table", {"connection": "ro", "schema": db.schema, "table": table})
        assert result.is_error and "list_tables shows the tables" in text(result)
    assert db.rows(f"SELECT count(*) FROM {db.table('people')}") == [(3,)]


async def test_catalog_tools_refuse_unknown_connections(db: Db) -> None:
    for tool in ("list_schemas", "list_tables"):
        result = await db.call(tool, {"connection": "elsewhere"})
        assert result.is_error and "unknown connection 'elsewhere'" in text(result)
    missing = await db.call("describe_table", {"connection": "ro"})
    assert missing.is_error and "table" in text(missing)
