"""The RAG server as a real child process: start-up time, restarts, the gateway, model mismatches."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import anyio
import pytest
from fastmcp import Client
from fastmcp.exceptions import ToolError
from pygent.host.meshconfig import default_document

from tests.fixtures.host import running_host
from tests.fixtures.startup import fresh_tools
from tests.servers.rag.conftest import data, stdio_rag

pytestmark = [pytest.mark.anyio, pytest.mark.slow]


def test_importing_the_server_leaves_lancedb_for_the_background_thread() -> None:
    code = "import sys, pygent.servers.rag.server; sys.exit('lancedb' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


async def test_a_fresh_process_lists_its_tools(tmp_path: Path) -> None:
    names = await fresh_tools(["-m", "pygent.servers.rag"], {"PYGENT_HOME": str(tmp_path / "home")})
    assert {"ingest_path", "search", "answer", "create_collection"} <= names


async def test_documents_survive_a_restart_and_another_model_is_refused(clean_environ: Path, corpus: Path) -> None:
    home = clean_environ
    async with stdio_rag(home) as client:
        await client.call_tool("create_collection", {"name": "docs"})
        await client.call_tool("ingest_path", {"path": str(corpus / "handbook.md"), "collection": "docs"})
    async with stdio_rag(home) as client:
        hits = data(await client.call_tool("search", {"query": "snapshot retention", "collection": "docs"}))["hits"]
        assert "35 days" in hits[0]["text"]
    async with stdio_rag(home, PYGENT_RAG_EMBEDDING_MODEL="e5-small-enpt") as client:
        with pytest.raises(ToolError, match=r"embedded with e5-small \(384-d\).*configured for e5-small-enpt"):
            await client.call_tool("ingest_path", {"path": str(corpus / "travel.txt"), "collection": "docs"})
        with pytest.raises(ToolError, match="configured for e5-small-enpt"):
            await client.call_tool("search", {"query": "travel", "collection": "docs"})
    async with stdio_rag(home) as client:
        stats = data(await client.call_tool("collection_stats", {"name": "docs"}))
        assert stats["documents"] == 1  # nothing was half-written by the refused server


async def test_a_cancelled_ingest_stops_in_the_server_and_keeps_whole_documents(clean_environ: Path) -> None:
    folder = clean_environ / "workspace" / "many"
    folder.mkdir(parents=True)
    for i in range(300):
        (folder / f"n{i:03}.md").write_text(f"# Note {i}\n\nItem {i} of the inventory is shelf {i % 17}.\n", "utf-8")
    read_end, write_end = os.pipe()
    with os.fdopen(read_end, encoding="utf-8") as server_log, os.fdopen(write_end, "w", encoding="utf-8") as errlog:
        async with stdio_rag(clean_environ, log_file=errlog) as client:
            await client.call_tool("create_collection", {"name": "docs"})
            with anyio.CancelScope() as scope:

                async def cancel_after_five(progress: float, total: float | None, message: str | None) -> None:
                    if progress >= 5:
                        scope.cancel()  # the client sends notifications/cancelled for the call

                await client.call_tool(
                    "ingest_path", {"path": str(folder), "collection": "docs"}, progress_handler=cancel_after_five
                )
            assert scope.cancelled_caught
            with anyio.fail_after(30):  # the server logs this once its ingest has stopped
                line = ""
                while "ingest cancelled" not in line:
                    line = await anyio.to_thread.run_sync(server_log.readline, abandon_on_cancel=True)
            said = re.search(r"ingest cancelled: (\d+) of 300 documents stored", line)
            assert said is not None, line
            stored = int(said.group(1))
            listed = data(await client.call_tool("list_documents", {"collection": "docs", "limit": 500}))
            stats = data(await client.call_tool("collection_stats", {"name": "docs"}))
    assert 5 <= stored < 300 and listed["total"] == stored == stats["documents"]
    assert stats["chunks"] == sum(document["chunk_count"] for document in listed["documents"])


async def test_rag_tools_through_the_gateway(tmp_path: Path, clean_environ: Path, corpus: Path) -> None:
    assert {"memory", "rag"} <= set(default_document()["mcpServers"])  # both are in the default mesh
    entry = {
        "command": sys.executable,
        "args": ["-m", "pygent.servers.rag"],
        "env": {"PYGENT_HOME": str(clean_environ)},
    }
    async with running_host(tmp_path, {"rag": entry}) as host:
        async with Client(host.url + "/mcp") as client:
            names = {tool.name for tool in await client.list_tools()}
            assert {"rag_ingest_path", "rag_search", "rag_answer", "rag_collection_stats"} <= names
            await client.call_tool("rag_create_collection", {"name": "docs"})
            await client.call_tool("rag_ingest_path", {"path": str(corpus / "travel.txt"), "collection": "docs"})
            hits = data(await client.call_tool("rag_search", {"query": "hotel budget", "collection": "docs"}))
            assert "180 euros" in hits["hits"][0]["text"]
