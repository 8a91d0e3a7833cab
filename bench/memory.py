"""Memory server benchmark: recall latency and recall@10 at scale, search_nodes against the
reference server, and the server's RSS.

recall: N synthetic memories (clustered 384-d unit vectors, short texts) in one scope,
written in the server's own table format; the store is maintained the way the server does
(compaction; an IVF_RQ index past 20,000 rows). Timed: `MemoryStore.search` as `recall`
calls it after embedding the query (scope + expiry filter, k=10), in vector and hybrid
mode. Baselines in the same run: exact numpy brute force over the same vectors held in RAM
(the physical limit; also the ground truth of recall@10) and the embedding of one query.

search_nodes: a graph of E entities (default 10,000) and E/2 relations, loaded into
@modelcontextprotocol/server-memory (its JSONL file) and into ours (rows written directly,
with synthetic vectors: this measures search latency, not embedding). Both are driven over
stdio with the same substring queries; ours also in its default mode (substring + semantic,
which embeds the query). The substring results are checked to be equal.

RSS: the memory server process idle (after opening its store) and serving a 100,000-memory
store after 20 recalls through MCP (whose latency, embedding included, is reported too).

    python bench/memory.py [--sizes 10000,100000] [--sizes 10000,100000,1000000] [--queries 100]
                           [--entities 10000] [--skip-graph] [--json bench/results/memory.json]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path
from typing import Any

import anyio
import numpy as np
import pyarrow as pa
from memory_data import SCOPE, WORDS, clustered_vectors, fill_store
from memory_procs import ours, reference, rss_mib, server_pid
from pygent.core.embeddings.indexing import IndexPolicy
from pygent.core.embeddings.models import load_embedder
from pygent.core.embeddings.tables import connect
from pygent.servers.memory.filters import Filters
from pygent.servers.memory.graph import GraphStore, content_of


def pct(values: list[float], share: float) -> float:
    return float(np.percentile(np.array(values) * 1000, share))


def bench_recall(size: int, queries: int, keep: Path | None) -> dict[str, Any]:
    vectors = clustered_vectors(size, seed=7)
    rng = np.random.default_rng(3)
    probes = vectors[rng.integers(0, size, queries)] + rng.normal(scale=0.02, size=(queries, 384)).astype(np.float32)
    probes /= np.linalg.norm(probes, axis=1, keepdims=True)
    with tempfile.TemporaryDirectory() as scratch:
        folder = (keep / "servers" / "memory" / "lance") if keep else Path(scratch)
        policy = IndexPolicy()
        started = time.perf_counter()
        store = fill_store(folder, vectors, policy)
        build = time.perf_counter() - started
        filters = Filters([SCOPE])
        store.search("", probes[0], filters, 10, "vector")  # warm caches
        latency, hybrid, exact_latency, recall = [], [], [], []
        for i, probe in enumerate(probes):
            started = time.perf_counter()
            hits = store.search("", probe, filters, 10, "vector")
            latency.append(time.perf_counter() - started)
            started = time.perf_counter()
            exact = np.argpartition(-(vectors @ probe), 10)[:10]
            exact_latency.append(time.perf_counter() - started)
            recall.append(len({int(hit.row["id"][4:]) for hit in hits} & {int(j) for j in exact}) / 10)
            text = " ".join(WORDS[(i + j) % len(WORDS)] for j in range(2))
            started = time.perf_counter()
            store.search(text, probe, filters, 10, "hybrid")
            hybrid.append(time.perf_counter() - started)
        indexed = policy.indexed(store.table)
    return {
        "memories": size,
        "build_s": round(build, 1),
        "ann_index": indexed,
        "recall_p50_ms": pct(latency, 50),
        "recall_p95_ms": pct(latency, 95),
        "hybrid_p50_ms": pct(hybrid, 50),
        "hybrid_p95_ms": pct(hybrid, 95),
        "numpy_exact_p50_ms": pct(exact_latency, 50),
        "recall_at_10": float(np.mean(recall)),
    }


def query_embedding_ms(runs: int = 20) -> float:
    embedder = load_embedder()
    embedder.embed_queries(["warm up"])
    samples = []
    for i in range(runs):
        started = time.perf_counter()
        embedder.embed_queries([f"what did we decide about the {WORDS[i % len(WORDS)]} last week?"])
        samples.append(time.perf_counter() - started)
    return pct(samples, 50)


async def bench_rss(home: Path) -> dict[str, Any]:
    result: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as empty:
        async with ours(Path(empty)) as client:
            await client.call_tool("list_memories", {})
            result["idle_rss_mib"] = round(rss_mib(server_pid("pygent.servers.memory", Path(empty))), 1)
    async with ours(home) as client:
        await client.call_tool("list_memories", {})
        samples = []
        for i in range(20):
            started = time.perf_counter()
            await client.call_tool("recall", {"query": f"notes about {WORDS[i]}", "scope": SCOPE, "k": 10})
            samples.append(time.perf_counter() - started)
        result["rss_100k_mib"] = round(rss_mib(server_pid("pygent.servers.memory", home)), 1)
        result["mcp_recall_p50_ms_with_embedding"] = pct(samples, 50)
    return result


def graph_files(entities: int, home: Path, memory_file: Path) -> list[str]:
    """The same graph in the reference's JSONL file and in our tables; returns the queries."""
    rng = np.random.default_rng(11)
    kinds = ["person", "project", "service", "team", "document"]
    lines, rows = [], []
    for i in range(entities):
        name, kind = f"entity-{i:05d}", kinds[i % len(kinds)]
        observations = [f"{WORDS[int(w)]} note {i}" for w in rng.integers(0, len(WORDS), size=3)]
        lines.append(
            json.dumps(
                {"type": "entity", "name": name, "entityType": kind, "observations": observations},
                separators=(",", ":"),
            )
        )
        rows.append(
            {
                "scope": "default",
                "name": name,
                "entity_type": kind,
                "observations": observations,
                "content": content_of(name, kind, observations),
                "seq": i,
            }
        )
    relations = []
    for i in range(entities // 2):
        src, dst = f"entity-{i:05d}", f"entity-{(i * 7 + 3) % entities:05d}"
        lines.append(
            json.dumps(
                {"type": "relation", "from": src, "to": dst, "relationType": "depends on"}, separators=(",", ":")
            )
        )
        relations.append(
            {"scope": "default", "src": src, "dst": dst, "relation_type": "depends on", "seq": entities + i}
        )
    memory_file.write_text("\n".join(lines), encoding="utf-8")
    embedder = load_embedder()
    folder = home / "servers" / "memory"
    graph = GraphStore(connect(folder / "lance"), folder / "graph.lock", embedder, IndexPolicy(), 30.0)
    vectors = clustered_vectors(entities, seed=5)
    table = pa.Table.from_pylist(rows).append_column(
        "vector", pa.FixedSizeListArray.from_arrays(pa.array(vectors.reshape(-1)), 384)
    )
    graph.entities.add(table.select(graph.entities.schema.names))
    graph.relations.add(relations)
    IndexPolicy().maintain(graph.entities)
    return ["entity-0042", "PROJECT", "garden", "note 777", "budget note 1", "entity-099", "nothing-matches-this"]


async def bench_graph(entities: int, runs: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as scratch:
        home, memory_file = Path(scratch) / "home", Path(scratch) / "reference.jsonl"
        queries = graph_files(entities, home, memory_file)
        timings: dict[str, list[float]] = {"reference": [], "ours_substring": [], "ours_default": []}
        async with reference(memory_file) as ref, ours(home) as mine:
            await mine.call_tool("read_graph", {"scope": "default"})  # opens the store
            for query in queries:
                theirs = (await ref.call_tool("search_nodes", {"query": query})).structured_content or {}
                mine_result = (
                    await mine.call_tool("search_nodes", {"query": query, "mode": "substring"})
                ).structured_content or {}
                assert {e["name"] for e in theirs["entities"]} == {e["name"] for e in mine_result["entities"]}, query
            for _ in range(runs):
                for query in queries:
                    for label, client, extra in (
                        ("reference", ref, {}),
                        ("ours_substring", mine, {"mode": "substring"}),
                        ("ours_default", mine, {}),
                    ):
                        started = time.perf_counter()
                        await client.call_tool("search_nodes", {"query": query, **extra})
                        timings[label].append(time.perf_counter() - started)
    result: dict[str, Any] = {"entities": entities, "relations": entities // 2}
    for label, samples in timings.items():
        result[f"{label}_p50_ms"] = pct(samples, 50)
        result[f"{label}_p95_ms"] = pct(samples, 95)
    result["ours_substring_vs_reference_p50"] = round(result["ours_substring_p50_ms"] / result["reference_p50_ms"], 2)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument("--entities", type=int, default=10_000)
    parser.add_argument("--graph-runs", type=int, default=5)
    parser.add_argument("--skip-graph", action="store_true")
    parser.add_argument("--skip-recall", action="store_true")
    parser.add_argument("--skip-rss", action="store_true")
    parser.add_argument("--json", type=Path, default=Path(__file__).parent / "results" / "memory.json")
    args = parser.parse_args()
    report: dict[str, Any] = {"query_embedding_p50_ms": query_embedding_ms(), "recall": []}
    with tempfile.TemporaryDirectory() as rss_home:
        for size in () if args.skip_recall else (int(s) for s in args.sizes.split(",")):
            keep = Path(rss_home) if size == 100_000 and not args.skip_rss else None
            row = bench_recall(size, args.queries, keep)
            report["recall"].append(row)
            print(json.dumps(row))
        if not args.skip_rss and any(row["memories"] == 100_000 for row in report["recall"]):
            report["rss"] = anyio.run(bench_rss, Path(rss_home))
    if not args.skip_graph:
        report["search_nodes"] = anyio.run(bench_graph, args.entities, args.graph_runs)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(report, indent=2), encoding="utf-8")
    print_table(report)


def print_table(report: dict[str, Any]) -> None:
    print(f"\nquery embedding (e5-small, 1 query): p50 {report['query_embedding_p50_ms']:.1f} ms")
    print(
        f"{'memories':>10} {'index':>6} {'recall p50':>11} {'p95':>7} {'hybrid p50':>11} {'p95':>7} "
        f"{'numpy p50':>10} {'R@10':>6} {'build s':>8}"
    )
    for row in report["recall"]:
        print(
            f"{row['memories']:>10} {'IVF_RQ' if row['ann_index'] else 'flat':>6} {row['recall_p50_ms']:>9.1f}ms "
            f"{row['recall_p95_ms']:>5.1f}ms {row['hybrid_p50_ms']:>9.1f}ms {row['hybrid_p95_ms']:>5.1f}ms "
            f"{row['numpy_exact_p50_ms']:>8.1f}ms {row['recall_at_10']:>6.3f} {row['build_s']:>8.1f}"
        )
    if "rss" in report:
        rss = report["rss"]
        print(
            f"\nRSS: idle {rss['idle_rss_mib']} MiB, 100k memories after 20 recalls {rss['rss_100k_mib']} MiB; "
            f"recall through MCP (embedding included) p50 {rss['mcp_recall_p50_ms_with_embedding']:.1f} ms"
        )
    if "search_nodes" in report:
        graph = report["search_nodes"]
        print(f"\nsearch_nodes, {graph['entities']} entities / {graph['relations']} relations, over stdio:")
        for label in ("reference", "ours_substring", "ours_default"):
            print(f"  {label:<16} p50 {graph[f'{label}_p50_ms']:7.1f} ms   p95 {graph[f'{label}_p95_ms']:7.1f} ms")


if __name__ == "__main__":
    main()
