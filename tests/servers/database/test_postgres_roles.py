"""Read-only PostgreSQL connections refuse roles that can write past a read-only transaction."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import psycopg
import pytest
from fastmcp import Client
from pygent.servers.database.server import build_server
from pygent.servers.database.settings import DatabaseSettings

from tests.fixtures.results import structured, text
from tests.servers.database.conftest import pg_role, serve

pytestmark = [pytest.mark.anyio, pytest.mark.postgres]

ADVICE = (
    ", which can write through dblink or COPY ... TO PROGRAM; connect as a role without superuser, "
    "pg_execute_server_program, pg_write_server_files, pg_read_server_files, or set unsafe_allow_privileged_role "
    "(unsafe)"
)
RUN_A_PROGRAM = "COPY (SELECT 1) TO PROGRAM 'exit 3'"


def role_of(url: str) -> str:
    return urlsplit(url).username or ""


async def test_a_superuser_is_refused_in_one_line_naming_the_role(postgres_url: str) -> None:
    with psycopg.connect(postgres_url) as conn:
        superuser = conn.info.user
    async with serve(ro={"url": postgres_url}, rw={"url": postgres_url, "writable": True}) as client:
        refusal = f"refusing read-only connection 'ro': role {superuser!r} is a superuser" + ADVICE
        for tool, arguments in (("query", {"sql": RUN_A_PROGRAM}), ("list_tables", {})):
            result = await client.call_tool(tool, {"connection": "ro", **arguments}, raise_on_error=False)
            assert result.is_error and text(result) == refusal, text(result)
        # a writable connection already grants writes, so its reads are not checked
        written = await client.call_tool("query", {"connection": "rw", "sql": "SELECT 1 AS one"})
        assert structured(written)["rows"] == [[1]]
        listed = structured(await client.call_tool("list_connections", {}))
        assert [c["name"] for c in listed["connections"]] == ["ro", "rw"]


@pytest.mark.parametrize(
    ("grants", "group_attributes", "why"),
    [
        (("pg_execute_server_program",), "NOLOGIN", "is a member of pg_execute_server_program"),
        (
            ("pg_write_server_files", "pg_read_server_files"),
            "NOLOGIN",
            "is a member of pg_read_server_files, pg_write_server_files",
        ),
        ((), "NOLOGIN SUPERUSER", "is a member of superuser role {group!r}"),
    ],
)
async def test_membership_counts_through_a_role_that_does_not_inherit(
    postgres_url: str, grants: tuple[str, ...], group_attributes: str, why: str
) -> None:
    # NOINHERIT: the login role holds nothing until it runs SET ROLE, which a read-only transaction allows
    with (
        pg_role(postgres_url, *grants, attributes=group_attributes) as group_url,
        pg_role(postgres_url, role_of(group_url), attributes="LOGIN NOINHERIT") as url,
    ):
        async with serve(ro={"url": url}) as client:
            result = await client.call_tool("query", {"connection": "ro", "sql": "SELECT 1"}, raise_on_error=False)
        expected = f"refusing read-only connection 'ro': role {role_of(url)!r} " + why.format(group=role_of(group_url))
        assert result.is_error and text(result) == expected + ADVICE, text(result)


async def test_a_plain_role_reads_and_cannot_run_a_program(pg_reader_url: str) -> None:
    async with serve(ro={"url": pg_reader_url}) as client:
        read = await client.call_tool("query", {"connection": "ro", "sql": "SELECT count(*) AS n FROM pg_class"})
        assert structured(read)["rows"][0][0] > 0
        result = await client.call_tool("query", {"connection": "ro", "sql": RUN_A_PROGRAM}, raise_on_error=False)
        assert result.is_error
        assert text(result).startswith(
            "connection 'ro': must be superuser or have privileges of the pg_execute_server_program role "
            "to COPY to or from an external program"
        ), text(result)
        files = await client.call_tool(
            "query", {"connection": "ro", "sql": "SELECT pg_read_file('PG_VERSION')"}, raise_on_error=False
        )
        assert files.is_error and text(files) == "connection 'ro': permission denied for function pg_read_file"


async def test_statements_that_return_no_rows_get_a_clear_error(pg_reader_url: str) -> None:
    async with serve(ro={"url": pg_reader_url}) as client:
        for sql, expected in (
            ("COPY (SELECT 1) TO STDOUT", "connection 'ro': COPY is not supported; read rows with SELECT"),
            (
                "SET application_name = 'x'",
                "connection 'ro': the statement returns no rows; query is for statements that return rows",
            ),
        ):
            result = await client.call_tool("query", {"connection": "ro", "sql": sql}, raise_on_error=False)
            assert result.is_error and text(result) == expected, text(result)


async def test_the_explicit_opt_in_accepts_a_superuser_and_stays_read_only(postgres_url: str, pg_schema: str) -> None:
    async with serve(ro={"url": postgres_url, "unsafe_allow_privileged_role": True}) as client:
        result = await client.call_tool(
            "query", {"connection": "ro", "sql": "SELECT rolsuper FROM pg_roles WHERE rolname = session_user"}
        )
        assert structured(result)["rows"] == [[True]]
        deleted = await client.call_tool(
            "query", {"connection": "ro", "sql": f"DELETE FROM {pg_schema}.people"}, raise_on_error=False
        )
        assert deleted.is_error and "read-only" in text(deleted)


async def test_a_role_granted_more_later_is_refused_on_its_next_session(postgres_url: str) -> None:
    with pg_role(postgres_url) as url:
        role = role_of(url)
        settings = DatabaseSettings.load({"connections": {"ro": {"url": url}}, "connect_timeout": 1})
        client: Client[Any]
        async with Client(build_server(settings)) as client:
            first = await client.call_tool("query", {"connection": "ro", "sql": "SELECT 1 AS one"})
            assert structured(first)["rows"] == [[1]]
            with psycopg.connect(postgres_url, autocommit=True) as admin:
                admin.execute(f"GRANT pg_execute_server_program TO {role}")
                admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = %s", [role])
            result = await client.call_tool("query", {"connection": "ro", "sql": "SELECT 1"}, raise_on_error=False)
        expected = f"refusing read-only connection 'ro': role {role!r} is a member of pg_execute_server_program"
        assert result.is_error and text(result) == expected + ADVICE, text(result)
