"""Search latency while vectors are backfilled, against the same searches with nothing to backfill.

A store of D generated documents is ingested once. Every phase runs the same hybrid
`search` calls (k=5, query embedding included) through an in-memory MCP client,
one every `--gap` seconds, as a person or an agent would, so background work has
room to run between them:

- idle: every vector present, nothing in the background;
- unyielding: the vectors cleared and embedded by a plain `backfill_sync` thread
  (batches of 64, no pause), the way the server backfilled before issue 10;
- yielding: the vectors cleared again and a new server opened: its own backfill
  runs in small batches and pauses while a call runs (core.embeddings.foreground).

The run checks that each backfill was still going when its last search ended.
Ratios are p50 (and p95) against idle, measured in the same process.

    python bench/rag_backfill.py [--documents 150] [--json bench/results/rag_backfill.json]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import anyio
import numpy as np
from fastmcp import Client
from pygent.core.embeddings.backfill import backfill_sync
from pygent.core.embeddings.batching import AsyncEmbedder
from pygent.core.embeddings.foreground import Stopped
from pygent.core.embeddings.indexing import IndexPolicy
from pygent.core.embeddings.models import load_embedder
from pygent.core.embeddings.tables import connect
from pygent.servers.rag.ingest import Ingestor
from pygent.servers.rag.server import create_rag_server
from pygent.servers.rag.settings import RagSettings
from pygent.servers.rag.store import RagStore
from rag import TOPICS, corpus

QUERIES = [f"who approves exceptions to the {topic} policy?" for topic in TOPICS]


async def searches(client: Client[Any], runs: int, gap: float) -> list[float]:
    samples = []
    for i in range(runs):
        await anyio.sleep(gap)
        started = time.perf_counter()
        await client.call_tool("search", {"query": QUERIES[i % len(QUERIES)], "collection": "bench", "k": 5})
        samples.append(time.perf_counter() - started)
    return samples


async def missing(client: Client[Any]) -> int:
    stats = (await client.call_tool("collection_stats", {"name": "bench"})).structured_content
    assert stats is not None
    return int(stats["chunks_without_vectors"])


def stats(samples: list[float], idle: list[float]) -> dict[str, float]:
    p50, p95 = (float(np.percentile(samples, q)) for q in (50, 95))
    return {
        "p50_ms": round(p50 * 1000, 2),
        "p95_ms": round(p95 * 1000, 2),
        "p50_ratio": round(p50 / float(np.percentile(idle, 50)), 3),
        "p95_ratio": round(p95 / float(np.percentile(idle, 95)), 3),
    }


async def run(documents: int, runs: int, gap: float) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as scratch:
        home = Path(scratch) / "home"
        settings = RagSettings.load({"home": str(home)})
        store = RagStore(connect(settings.lance_dir), load_embedder(), IndexPolicy())
        store.create_collection("bench", "")
        outcomes = await Ingestor(store, AsyncEmbedder(load_embedder()), settings).ingest(
            "bench", corpus(Path(scratch) / "corpus", documents)
        )
        chunks = sum(outcome.chunks for outcome in outcomes)

        def table() -> Any:  # a fresh handle: a LanceDB handle does not see other handles' writes
            return RagStore(connect(settings.lance_dir), load_embedder(), IndexPolicy()).chunks("bench")

        stop = threading.Event()

        def unless_stopped() -> None:
            if stop.is_set():
                raise Stopped

        def plain_backfill(table: Any) -> None:
            with contextlib.suppress(Stopped):
                backfill_sync(table, load_embedder(), keys=["chunk_id"], before_batch=unless_stopped)

        async with Client(create_rag_server(settings)) as client:
            await searches(client, 3, 0)  # warm up; this server's own backfill found nothing to do
            idle = await searches(client, runs, gap)
            plain = table()
            plain.update(values_sql={"vector": "NULL"})
            unyielding_thread = threading.Thread(target=plain_backfill, args=(plain,), daemon=True)
            unyielding_thread.start()
            unyielding = await searches(client, runs, gap)
            left_unyielding = plain.count_rows("vector IS NULL")
            stop.set()
            await anyio.to_thread.run_sync(unyielding_thread.join)
        table().update(values_sql={"vector": "NULL"})
        async with Client(create_rag_server(settings)) as client:
            await client.call_tool("list_collections", {})  # opens the store; its backfill starts
            yielding = await searches(client, runs, gap)
            left_yielding = await missing(client)
    if not left_yielding or not left_unyielding:
        raise SystemExit("a backfill ended before its searches did; raise --documents")
    return {
        "documents": documents,
        "chunks": chunks,
        "searches": runs,
        "gap_s": gap,
        "idle": stats(idle, idle),
        "yielding": {**stats(yielding, idle), "chunks_still_waiting_after": left_yielding},
        "unyielding": {**stats(unyielding, idle), "chunks_still_waiting_after": left_unyielding},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=150)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--gap", type=float, default=0.25, help="seconds between two searches")
    parser.add_argument("--json", type=Path, default=Path(__file__).parent / "results" / "rag_backfill.json")
    args = parser.parse_args()
    report = anyio.run(run, args.documents, args.runs, args.gap)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(report, indent=2), encoding="utf-8")
    print(f"{report['documents']} documents, {report['chunks']} chunks; {report['searches']} hybrid searches a phase")
    for phase in ("idle", "unyielding", "yielding"):
        row = report[phase]
        waiting = f"  ({row['chunks_still_waiting_after']} chunks still waiting after)" if phase != "idle" else ""
        print(
            f"  {phase:<10}  p50 {row['p50_ms']:8.2f} ms (x{row['p50_ratio']:<5})"
            f"  p95 {row['p95_ms']:8.2f} ms (x{row['p95_ratio']:<5}){waiting}"
        )


if __name__ == "__main__":
    main()
