"""ingest_url against a real HTTP server on 127.0.0.1: the address guard, caps, redirects, formats."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from fastmcp import Client
from fastmcp.exceptions import ToolError
from pygent.servers.rag.server import create_rag_server
from pygent.servers.rag.settings import RagSettings

from tests.servers.rag.conftest import data
from tests.servers.rag.corpus import HTML, PDF_PAGES, pdf_bytes

pytestmark = pytest.mark.anyio

ROUTES: dict[str, tuple[str, bytes]] = {
    "/office": ("text/html; charset=utf-8", HTML.encode()),
    "/security": ("application/pdf", pdf_bytes(PDF_PAGES)),
    "/big": ("text/plain", b"x" * 5000),
}


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path == "/moved":
            self.send_response(302)
            self.send_header("Location", "/office")
            self.end_headers()
            return
        if self.path == "/slow":
            time.sleep(6)
        content_type, body = ROUTES.get(self.path, ("text/plain", b"slow"))
        if self.path not in ROUTES and self.path != "/slow":
            self.send_response(404)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except BrokenPipeError:
            pass  # the client stopped reading at its size cap

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def site() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


async def _client(**settings: Any) -> Client[Any]:
    return Client(create_rag_server(RagSettings.load(settings)))


async def test_loopback_and_private_addresses_are_refused_by_default(site: str, clean_environ: Path) -> None:
    async with await _client() as client:
        await client.call_tool("create_collection", {"name": "web"})
        with pytest.raises(ToolError, match=r"non-public address 127\.0\.0\.1"):
            await client.call_tool("ingest_url", {"url": site + "/office", "collection": "web"})
        port = site.rsplit(":", 1)[1]
        with pytest.raises(ToolError, match="non-public address"):
            await client.call_tool("ingest_url", {"url": f"http://localhost:{port}/office", "collection": "web"})
        with pytest.raises(ToolError, match=r"non-public address 169\.254\.169\.254"):
            await client.call_tool(
                "ingest_url", {"url": "http://169.254.169.254/latest/meta-data", "collection": "web"}
            )
        with pytest.raises(ToolError, match="not an http"):
            await client.call_tool("ingest_url", {"url": "file:///etc/passwd", "collection": "web"})
        assert data(await client.call_tool("collection_stats", {"name": "web"}))["documents"] == 0


async def test_allowed_loopback_pages_and_pdfs_are_ingested_after_redirects(site: str, clean_environ: Path) -> None:
    async with await _client(allow_private_urls=True) as client:
        await client.call_tool("create_collection", {"name": "web"})
        page = data(
            await client.call_tool(
                "ingest_url", {"url": site + "/moved", "collection": "web", "metadata": {"crawl": "test"}}
            )
        )
        assert page["stored"] == 1 and page["files"][0]["source"] == site + "/office"
        pdf = data(await client.call_tool("ingest_url", {"url": site + "/security", "collection": "web"}))
        assert pdf["stored"] == 1
        hits = data(
            await client.call_tool(
                "search", {"query": "where do visitors park", "collection": "web", "filter": {"crawl": "test"}}
            )
        )["hits"]
        assert "underground garage" in hits[0]["text"] and hits[0]["metadata"]["url"] == site + "/office"
        again = data(await client.call_tool("ingest_url", {"url": site + "/office", "collection": "web"}))
        assert again["unchanged"] == 1


async def test_size_and_time_caps(site: str, clean_environ: Path) -> None:
    async with await _client(allow_private_urls=True, url_max_bytes=1000, url_timeout=2) as client:
        await client.call_tool("create_collection", {"name": "web"})
        with pytest.raises(ToolError, match="limit is 1000"):
            await client.call_tool("ingest_url", {"url": site + "/big", "collection": "web"})
        with pytest.raises(ToolError, match=r"took longer than 2 s"):
            await client.call_tool("ingest_url", {"url": site + "/slow", "collection": "web"})
        with pytest.raises(ToolError, match="answered HTTP 404"):
            await client.call_tool("ingest_url", {"url": site + "/missing", "collection": "web"})
