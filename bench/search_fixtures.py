"""Inputs for bench/search.py: a 1 MB article-like HTML page, a text corpus, a local HTTP server.

html = page_html(1_000_000)
text = corpus_text(random.Random(7), 42)
async with serve(app) as base_url: ...
"""

from __future__ import annotations

import random
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio
import uvicorn
from starlette.applications import Starlette

VOCABULARY = [
    "retry",
    "backoff",
    "latency",
    "cache",
    "index",
    "schema",
    "token",
    "gateway",
    "session",
    "stream",
    "parser",
    "vector",
    "cluster",
    "replica",
    "quorum",
    "shard",
    "ledger",
    "kernel",
    "thread",
    "socket",
    "router",
    "budget",
    "meeting",
    "roadmap",
    "invoice",
    "garden",
    "recipe",
    "travel",
    "museum",
    "harbor",
]


def page_html(size: int) -> str:
    """An HTML page of about `size` bytes with navigation, scripts, headings, lists, tables and links."""
    head = "<!doctype html><html><head><title>Benchmark Article</title><style>p{margin:0}</style></head><body>"
    nav = '<nav><a href="/">Home</a><a href="/docs">Docs</a><a href="/blog">Blog</a></nav><main>'
    parts = [head, nav]
    n = 0
    while sum(len(p) for p in parts) < size:
        parts.append(
            f'<section><h2 id="s{n}">Section {n}</h2><p>Paragraph {n} explains <strong>retries</strong> and '
            f'<em>backoff</em> with a <a href="/ref/{n}">reference</a> and <code>code_{n}()</code>.</p>'
            f"<ul><li>first point {n}</li><li>second point {n}</li></ul>"
            f"<table><tr><th>key</th><th>value</th></tr><tr><td>k{n}</td><td>{n * 7}</td></tr></table>"
            f"<script>track({n});</script></section>"
        )
        n += 1
    parts.append("</main><footer>footer</footer></body></html>")
    return "".join(parts)


def corpus_text(rng: random.Random, n: int) -> str:
    """One note: 150 words from the vocabulary plus a term unique to this file."""
    words = rng.choices(VOCABULARY, k=150)
    lines = [" ".join(words[i : i + 15]) for i in range(0, len(words), 15)]
    return f"# Note {n}\n\ntopic{n:05d}\n" + "\n".join(lines) + "\n"


@asynccontextmanager
async def serve(app: Starlette) -> AsyncIterator[str]:
    """uvicorn on a free 127.0.0.1 port (socket bound before start, so no readiness polling)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    try:
        async with anyio.create_task_group() as group:
            group.start_soon(server.serve, [sock])
            try:
                yield f"http://127.0.0.1:{sock.getsockname()[1]}"
            finally:
                server.should_exit = True
    finally:
        sock.close()
