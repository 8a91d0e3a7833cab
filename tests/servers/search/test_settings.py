"""Search settings: with no roots configured, `local_search` indexes the workspace, never the working directory."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from fastmcp import Client
from fastmcp.client.transports import StdioTransport
from pygent.servers.search.settings import SearchSettings

from tests.fixtures.results import structured

pytestmark = pytest.mark.anyio


def test_without_roots_the_workspace_is_the_root(clean_environ: Path) -> None:
    assert SearchSettings.load().roots == [(clean_environ / "workspace").resolve()]
    assert SearchSettings.load({"roots": ["/srv/notes"]}).roots == [Path("/srv/notes")]


@pytest.mark.slow
async def test_a_server_started_in_the_root_folder_searches_the_workspace(clean_environ: Path) -> None:
    workspace = clean_environ / "workspace"
    workspace.mkdir(parents=True)
    (workspace / "plan.md").write_text("The migration happens in spring.", encoding="utf-8")
    # As a desktop app launches it: in `/`, with only PYGENT_HOME set.
    transport = StdioTransport(
        sys.executable, ["-m", "pygent.servers.search"], env={"PYGENT_HOME": str(clean_environ)}, cwd="/"
    )
    async with Client(transport, timeout=60) as client:
        found = structured(await client.call_tool("local_search", {"query": "migration"}))
    assert found["roots"] == [str(workspace.resolve())]
    assert [hit["path"] for hit in found["hits"]] == [str(workspace.resolve() / "plan.md")]
