"""Search server benchmark: fetch + Markdown on a 1 MB page, and local_search over 10,000 files.

fetch: a 1 MB HTML page served on 127.0.0.1, fetched through the `fetch` tool
(in-memory MCP client; address check, pinning, size cap, conversion; cache off;
`fetch_tool` returns the default 5,000-character slice, `fetch_whole` all of it)
against two baselines in the same run: a plain httpx GET of the same page, and
the HTML-to-Markdown conversion alone.

local_search: N generated text files (default 10,000). The first query builds
the LanceDB full-text index (reported as build time); then queries through the
tool are timed (p50/p95) against a baseline that reads every file and counts
substring matches in Python, the way a grep-like tool without an index would.

    python bench/search.py [--files 10000] [--queries 30] [--runs 10] [--json bench/results/search.json]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import anyio
import httpx2
from fastmcp import Client
from pygent.servers.search.markdown import html_to_markdown
from pygent.servers.search.server import create_server
from pygent.servers.search.settings import SearchSettings
from search_fixtures import VOCABULARY, corpus_text, page_html, serve
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(int(share * len(ordered)), len(ordered) - 1)]


async def timed(runs: int, call: Callable[[], Awaitable[Any]]) -> list[float]:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        await call()
        samples.append(time.perf_counter() - start)
    return samples


async def bench_fetch(runs: int, home: Path) -> dict[str, Any]:
    html = page_html(1_000_000)

    async def page(request: Request) -> Response:
        return Response(html, media_type="text/html; charset=utf-8")

    async with serve(Starlette(routes=[Route("/page.html", page)])) as base:
        url = base + "/page.html"
        settings = SearchSettings.load(
            {
                "home": home,
                "fetch_allow_networks": ["127.0.0.1/32"],
                "ignore_robots_txt": True,
                "cache_ttl": 0,
                "roots": [home],
            }
        )
        async with httpx2.AsyncClient() as http, Client(create_server(settings)) as client:
            await http.get(url)
            await client.call_tool("fetch", {"url": url, "max_length": 999_999})
            raw = await timed(runs, lambda: http.get(url))
            tool = await timed(runs, lambda: client.call_tool("fetch", {"url": url}))
            whole = await timed(runs, lambda: client.call_tool("fetch", {"url": url, "max_length": 999_999}))
    convert = []
    for _ in range(runs):
        start = time.perf_counter()
        markdown, _ = html_to_markdown(html, url)
        convert.append(time.perf_counter() - start)
    megabytes = len(html.encode()) / 1e6
    p50 = {
        name: statistics.median(samples)
        for name, samples in (("raw_get", raw), ("convert_only", convert), ("fetch_tool", tool), ("fetch_whole", whole))
    }
    return {
        "page_mb": round(megabytes, 3),
        "markdown_chars": len(markdown),
        "p50_ms": {name: round(value * 1000, 1) for name, value in p50.items()},
        "mb_per_s": {name: round(megabytes / value, 1) for name, value in p50.items()},
        "fetch_tool_over_raw_get": round(p50["fetch_tool"] / p50["raw_get"], 2),
    }


def grep_baseline(root: Path, words: list[str]) -> int:
    matches = 0
    for path in root.rglob("*.md"):
        text = path.read_text(encoding="utf-8").lower()
        matches += sum(text.count(word) for word in words) > 0
    return matches


def make_corpus(root: Path, files: int, rng: random.Random) -> None:
    for n in range(files):
        folder = root / f"d{n // 500:03d}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"note{n:05d}.md").write_text(corpus_text(rng, n), encoding="utf-8")


def write_report(out: Path, report: dict[str, Any]) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2), encoding="utf-8")


async def bench_local(files: int, queries: int, home: Path, root: Path) -> dict[str, Any]:
    rng = random.Random(7)
    await anyio.to_thread.run_sync(make_corpus, root, files, rng)
    settings = SearchSettings.load({"home": home, "roots": [root], "index_refresh_seconds": 3600})
    asked = [" ".join(rng.sample(VOCABULARY, 2)) for _ in range(queries)]
    async with Client(create_server(settings)) as client:
        start = time.perf_counter()
        first = await client.call_tool("local_search", {"query": "topic00042"})
        build = time.perf_counter() - start
        assert first.structured_content and first.structured_content["indexed_files"] == files
        latencies = []
        for query in asked:
            start = time.perf_counter()
            await client.call_tool("local_search", {"query": query, "limit": 10})
            latencies.append(time.perf_counter() - start)
        start = time.perf_counter()
        await client.call_tool("local_search", {"query": "topic00042", "refresh": True})
        rescan = time.perf_counter() - start
    grep = []
    for query in asked[: max(3, queries // 10)]:
        start = time.perf_counter()
        await anyio.to_thread.run_sync(grep_baseline, root, query.split())
        grep.append(time.perf_counter() - start)
    p50 = statistics.median(latencies)
    return {
        "files": files,
        "index_build_s": round(build, 2),
        "query_p50_ms": round(p50 * 1000, 1),
        "query_p95_ms": round(percentile(latencies, 0.95) * 1000, 1),
        "unchanged_rescan_ms": round(rescan * 1000, 1),
        "grep_baseline_p50_ms": round(statistics.median(grep) * 1000, 1),
        "speedup_over_grep": round(statistics.median(grep) / p50, 1),
    }


async def main(files: int, queries: int, runs: int, out: Path) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        fetch = await bench_fetch(runs, Path(tmp) / "home-fetch")
        local = await bench_local(files, queries, Path(tmp) / "home-local", Path(tmp) / "corpus")
    report = {"fetch": fetch, "local_search": local}
    write_report(out, report)
    print(f"fetch of a {fetch['page_mb']} MB HTML page ({fetch['markdown_chars']} Markdown chars), p50 of {runs} runs")
    print(f"{'path':<16}{'p50 ms':>10}{'MB/s':>8}")
    for name in ("raw_get", "convert_only", "fetch_tool", "fetch_whole"):
        print(f"{name:<16}{fetch['p50_ms'][name]:>10}{fetch['mb_per_s'][name]:>8}")
    print(f"fetch tool / raw GET: {fetch['fetch_tool_over_raw_get']}x")
    print(f"\nlocal_search over {local['files']} files ({queries} queries)")
    for key in (
        "index_build_s",
        "query_p50_ms",
        "query_p95_ms",
        "unchanged_rescan_ms",
        "grep_baseline_p50_ms",
        "speedup_over_grep",
    ):
        print(f"{key:<24}{local[key]:>10}")
    return report


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=30)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--json", type=Path, default=Path(__file__).parent / "results" / "search.json")
    args = parser.parse_args()
    anyio.run(main, args.files, args.queries, args.runs, args.json)
