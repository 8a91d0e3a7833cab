"""A RAG server per test, in memory (the real server object, real LanceDB under PYGENT_HOME)."""

from __future__ import annotations

import shutil
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any, TextIO

import anyio
import pytest
from fastmcp import Client
from fastmcp.client.transports import StdioTransport
from pygent.servers.rag.server import create_rag_server
from pygent.servers.rag.settings import RagSettings

from tests.servers.rag.corpus import write_corpus


@pytest.fixture
async def rag() -> AsyncIterator[Client[Any]]:
    async with Client(create_rag_server(RagSettings.load())) as client:
        await client.call_tool("create_collection", {"name": "docs"})
        yield client


@pytest.fixture
def corpus(clean_environ: Path) -> Path:
    """The corpus inside the data folder's workspace, which ingest_path reads by default."""
    return write_corpus(clean_environ / "workspace" / "corpus")


@pytest.fixture(scope="module")
def ingested_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A PYGENT_HOME whose `docs` collection holds the corpus, embedded once per test module."""
    home = tmp_path_factory.mktemp("rag-home")
    folder = write_corpus(home / "workspace" / "corpus")

    async def build() -> None:
        async with Client(create_rag_server(RagSettings.load({"home": str(home)}))) as client:
            await client.call_tool("create_collection", {"name": "docs"})
            await client.call_tool("ingest_path", {"path": str(folder), "collection": "docs"})

    anyio.run(build)
    return home


@pytest.fixture
async def ingested(ingested_template: Path, clean_environ: Path) -> AsyncIterator[Client[Any]]:
    """A server on a private copy of the ingested corpus."""
    shutil.copytree(ingested_template / "servers", clean_environ / "servers")
    async with Client(create_rag_server(RagSettings.load())) as client:
        yield client


def stdio_rag(home: Path, log_file: TextIO | None = None, **env: str) -> Client[Any]:
    """The server as a child process; its stderr goes to `log_file` (default: ours)."""
    transport = StdioTransport(
        sys.executable,
        ["-m", "pygent.servers.rag"],
        env={"PYGENT_HOME": str(home), **env},
        keep_alive=False,
        log_file=log_file,
    )
    return Client(transport, timeout=60)


def data(result: Any) -> dict[str, Any]:
    content = result.structured_content
    assert isinstance(content, dict), result
    return content
