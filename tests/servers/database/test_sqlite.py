"""SQLite specifics: the engine refuses attaching files, pragma changes and writes on read-only connections."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fixtures.results import structured, text
from tests.servers.database.conftest import create_sqlite, serve

pytestmark = pytest.mark.anyio


async def test_attach_and_vacuum_into_cannot_touch_other_files(tmp_path: Path) -> None:
    url = create_sqlite(tmp_path / "app.db")
    async with serve(ro={"url": url}, rw={"url": url, "writable": True}) as client:
        for tool, connection, sql in [
            ("query", "ro", f"ATTACH DATABASE '{tmp_path / 'other.db'}' AS other"),
            ("query", "ro", f"VACUUM INTO '{tmp_path / 'copy.db'}'"),
            ("execute", "rw", f"ATTACH DATABASE '{tmp_path / 'other.db'}' AS other"),
            ("execute", "rw", f"VACUUM INTO '{tmp_path / 'copy.db'}'"),
        ]:
            result = await client.call_tool(tool, {"connection": connection, "sql": sql}, raise_on_error=False)
            assert result.is_error, (tool, sql)
    assert not (tmp_path / "other.db").exists() and not (tmp_path / "copy.db").exists()


async def test_pragma_changes_are_refused_but_catalog_pragmas_read(tmp_path: Path) -> None:
    url = create_sqlite(tmp_path / "app.db")
    async with serve(ro={"url": url}) as client:
        refused = await client.call_tool("query", {"sql": "PRAGMA journal_mode = WAL"}, raise_on_error=False)
        assert refused.is_error and "not authorized" in text(refused)
        info = await client.call_tool("query", {"sql": "SELECT name FROM pragma_table_info('teams')"})
        assert structured(info)["rows"] == [["id"], ["name"]]


async def test_a_transaction_opened_by_a_query_does_not_leak_to_the_next(tmp_path: Path) -> None:
    url = create_sqlite(tmp_path / "app.db")
    async with serve(ro={"url": url}, rw={"url": url, "writable": True}) as client:
        await client.call_tool("query", {"connection": "ro", "sql": "BEGIN"})
        written = await client.call_tool(
            "execute", {"connection": "rw", "sql": "UPDATE people SET score = 1"}, raise_on_error=False
        )
        assert structured(written)["rows_affected"] == 3


async def test_a_read_only_connection_to_a_missing_file_says_so(tmp_path: Path) -> None:
    async with serve(ro={"url": f"sqlite:///{tmp_path / 'missing.db'}"}) as client:
        result = await client.call_tool("query", {"sql": "SELECT 1"}, raise_on_error=False)
        assert result.is_error and "does not exist" in text(result) and "'ro'" in text(result)
    assert not (tmp_path / "missing.db").exists()


async def test_column_types_come_from_the_values(tmp_path: Path) -> None:
    url = create_sqlite(tmp_path / "app.db")
    async with serve(ro={"url": url}) as client:
        result = await client.call_tool("query", {"sql": "SELECT 1 AS i, 1.5 AS r, 'x' AS t, x'00' AS b, NULL AS n"})
        data = structured(result)
        assert [c["type"] for c in data["columns"]] == ["integer", "real", "text", "blob", None]
        assert data["rows"] == [[1, 1.5, "x", "\\x00", None]]
