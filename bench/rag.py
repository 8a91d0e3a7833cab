"""RAG server benchmark: ingest throughput end to end against the embedder's raw throughput,
search latency, and the server's RSS.

ingest: D generated Markdown documents (headings, paragraphs, a code block each) are
ingested by the server's pipeline (read, hash, parse, chunk, store, embed, land vectors)
into a fresh LanceDB store. Baseline in the same run: the embedder alone on exactly the
chunk texts the pipeline produced, batched the same way (measured before and after the
ingest; the mean is used). Target: end-to-end chunks/s >= 85% of raw.

search: hybrid `search` (k=5) through an in-memory MCP client on the ingested store,
embedding of the query included. RSS: the rag server process idle (store opened) and
after 20 searches of that store over stdio.

    python bench/rag.py [--documents 40] [--json bench/results/rag.json]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import anyio
import numpy as np
from fastmcp import Client
from fastmcp.client.transports import StdioTransport
from memory_procs import rss_mib, server_pid
from pygent.core.embeddings.batching import AsyncEmbedder
from pygent.core.embeddings.indexing import IndexPolicy
from pygent.core.embeddings.models import load_embedder
from pygent.core.embeddings.tables import connect
from pygent.servers.rag.chunking import chunk
from pygent.servers.rag.ingest import Ingestor
from pygent.servers.rag.parsers import parse_bytes
from pygent.servers.rag.server import create_rag_server
from pygent.servers.rag.settings import RagSettings
from pygent.servers.rag.sources import Source
from pygent.servers.rag.store import RagStore

TOPICS = ("backups", "deployments", "on-call", "billing", "security", "networking", "onboarding", "travel")
SENTENCES = (
    "The {t} process is owned by the platform team and reviewed every quarter.",
    "Changes to {t} need an approved ticket and a second reviewer before they ship.",
    "When {t} fails, the on-call engineer follows the runbook and writes a short incident note.",
    "Metrics for {t} are kept for thirteen months and summarised in the monthly report.",
    "New staff learn about {t} in their second week, paired with an experienced colleague.",
    "Exceptions to the {t} policy are rare and must be approved by a director in writing.",
)


def document(number: int) -> str:
    topic = TOPICS[number % len(TOPICS)]
    parts = [f"# {topic.title()} guide {number}\n"]
    for section in range(3):
        parts.append(f"## Part {section + 1}\n")
        for paragraph in range(2):
            sentences = [
                SENTENCES[(number + section + paragraph + k) % len(SENTENCES)].format(t=topic) for k in range(5)
            ]
            parts.append(" ".join(sentences) + "\n")
    parts.append(f"```bash\n{topic}-tool run --guide {number} --verbose\n```\n")
    return "\n".join(parts)


def corpus(folder: Path, documents: int) -> list[Source]:
    folder.mkdir(parents=True)
    sources = []
    for number in range(documents):
        path = folder / f"guide-{number:03d}.md"
        path.write_text(document(number), encoding="utf-8")
        sources.append(Source(source=str(path), load=path.read_bytes))
    return sources


async def raw_rate(texts: list[str]) -> float:
    embedder = AsyncEmbedder(load_embedder())
    started = time.perf_counter()
    await embedder.passages(texts)
    return len(texts) / (time.perf_counter() - started)


async def bench_ingest(documents: int, home: Path) -> dict[str, Any]:
    settings = RagSettings.load({"home": str(home)})
    sources = corpus(home.parent / "corpus", documents)
    texts = []
    for source in sources:
        parsed = parse_bytes(source.load(), source.source)
        texts += [parsed.text[c.start : c.end] for c in chunk(parsed, settings.chunk_chars, settings.chunk_overlap)]
    await AsyncEmbedder(load_embedder()).passages(texts[:8])  # warm the engine
    before = await raw_rate(texts)
    store = RagStore(connect(settings.lance_dir), load_embedder(), IndexPolicy())
    store.create_collection("bench", "")
    ingestor = Ingestor(store, AsyncEmbedder(load_embedder()), settings)
    started = time.perf_counter()
    outcomes = await ingestor.ingest("bench", sources)
    elapsed = time.perf_counter() - started
    chunks = sum(outcome.chunks for outcome in outcomes)
    assert chunks == len(texts) and store.stats("bench")["chunks_without_vectors"] == 0
    after = await raw_rate(texts)
    raw = (before + after) / 2
    end_to_end = chunks / elapsed
    return {
        "documents": documents,
        "chunks": chunks,
        "mean_chunk_chars": round(float(np.mean([len(t) for t in texts]))),
        "raw_chunks_per_s": round(raw, 2),
        "raw_before": round(before, 2),
        "raw_after": round(after, 2),
        "end_to_end_chunks_per_s": round(end_to_end, 2),
        "ratio": round(end_to_end / raw, 3),
    }


async def bench_search(home: Path, runs: int = 30) -> dict[str, Any]:
    queries = [f"who approves exceptions to the {topic} policy?" for topic in TOPICS]
    async with Client(create_rag_server(RagSettings.load({"home": str(home)}))) as client:
        await client.call_tool("search", {"query": "warm up", "collection": "bench"})
        samples = []
        for i in range(runs):
            started = time.perf_counter()
            await client.call_tool("search", {"query": queries[i % len(queries)], "collection": "bench", "k": 5})
            samples.append(time.perf_counter() - started)
    return {
        "search_p50_ms": float(np.percentile(samples, 50) * 1000),
        "search_p95_ms": float(np.percentile(samples, 95) * 1000),
    }


def stdio(home: Path) -> Client[Any]:
    return Client(
        StdioTransport(sys.executable, ["-m", "pygent.servers.rag"], env={"PYGENT_HOME": str(home)}, keep_alive=False),
        timeout=600,
    )


async def bench_rss(home: Path) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as empty:
        async with stdio(Path(empty)) as client:
            await client.call_tool("list_collections", {})
            idle = rss_mib(server_pid("pygent.servers.rag", Path(empty)))
    async with stdio(home) as client:
        for i in range(20):
            await client.call_tool("search", {"query": f"{TOPICS[i % len(TOPICS)]} runbook", "collection": "bench"})
        loaded = rss_mib(server_pid("pygent.servers.rag", home))
    return {"idle_rss_mib": round(idle, 1), "after_searches_rss_mib": round(loaded, 1)}


async def run(documents: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as scratch:
        home = Path(scratch) / "home"
        report = {"ingest": await bench_ingest(documents, home)}
        report["search"] = await bench_search(home)
        report["rss"] = await bench_rss(home)
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=40)
    parser.add_argument("--json", type=Path, default=Path(__file__).parent / "results" / "rag.json")
    args = parser.parse_args()
    report = anyio.run(run, args.documents)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(report, indent=2), encoding="utf-8")
    ingest, search, rss = report["ingest"], report["search"], report["rss"]
    print(f"ingest: {ingest['documents']} documents, {ingest['chunks']} chunks (~{ingest['mean_chunk_chars']} chars)")
    raw = f"{ingest['raw_chunks_per_s']:7.2f} chunks/s  (before {ingest['raw_before']}, after {ingest['raw_after']})"
    print(f"  embedder alone    {raw}")
    print(
        f"  end to end        {ingest['end_to_end_chunks_per_s']:7.2f} chunks/s  = {ingest['ratio'] * 100:.1f}% of raw"
    )
    print(
        f"search (hybrid, k=5, in-memory MCP, query embedding included): p50 {search['search_p50_ms']:.1f} ms, "
        f"p95 {search['search_p95_ms']:.1f} ms"
    )
    print(f"RSS: idle {rss['idle_rss_mib']} MiB, after 20 searches {rss['after_searches_rss_mib']} MiB")


if __name__ == "__main__":
    main()
