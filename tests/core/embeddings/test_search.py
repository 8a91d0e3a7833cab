"""Vector, keyword and hybrid search over real embeddings, with and without an ANN index."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest
from lancedb.index import FTS
from lancedb.table import Table
from pygent.core.embeddings.base import Vectors
from pygent.core.embeddings.indexing import IndexPolicy
from pygent.core.embeddings.models import load_embedder
from pygent.core.embeddings.search import Mode, fuse, search
from pygent.core.embeddings.tables import connect, open_table, vector_field

DOCS = {
    "backup": "Backups of the database run every night at 02:00 and are kept for 30 days.",
    "parking": "Visitors park in the garage under building B; the entrance is on Elm Street.",
    "vacation": "Employees get 25 vacation days per year; unused days expire in March.",
    "wifi": "The guest Wi-Fi password is printed on the card at the reception desk.",
}
SCHEMA = pa.schema(
    [pa.field("id", pa.string()), pa.field("group", pa.string()), pa.field("text", pa.string()), vector_field(384)]
)


def _table(tmp_path: Path) -> Table:
    embedder = load_embedder()
    table = open_table(
        connect(tmp_path), "docs", SCHEMA, embedder, setup=lambda t: t.create_index("text", config=FTS(), replace=True)
    )
    vectors = embedder.embed_passages(list(DOCS.values()))
    table.add(
        [
            {"id": key, "group": "a" if i % 2 == 0 else "b", "text": text, "vector": vectors[i]}
            for i, (key, text) in enumerate(DOCS.items())
        ]
    )
    return table


def _query(text: str) -> Vectors:
    vectors: Vectors = load_embedder().embed_queries([text])
    return vectors[0:1].reshape(-1)


def test_vector_search_finds_a_paraphrase_with_no_shared_words(tmp_path: Path) -> None:
    table = _table(tmp_path)
    hits = search(
        table, IndexPolicy(), text="", vector=_query("how often is data copied for safety?"), k=2, mode="vector"
    )
    assert hits[0].row["id"] == "backup" and hits[0].similarity is not None and hits[0].similarity > 0.5


def test_keyword_search_ranks_by_bm25_and_skips_blank_queries(tmp_path: Path) -> None:
    table = _table(tmp_path)
    hits = search(table, IndexPolicy(), text="vacation days", vector=None, k=3, mode="keyword")
    assert [hit.row["id"] for hit in hits][:1] == ["vacation"] and hits[0].keyword_score
    assert search(table, IndexPolicy(), text="   ", vector=None, k=3, mode="keyword") == []


def test_hybrid_fuses_both_rankings_and_respects_the_filter(tmp_path: Path) -> None:
    table = _table(tmp_path)
    text = "where do visitors leave their car"
    hits = search(table, IndexPolicy(), text=text, vector=_query(text), k=4)
    assert hits[0].row["id"] == "parking"
    assert all(a.score >= b.score for a, b in itertools.pairwise(hits))
    only_a = search(table, IndexPolicy(), text=text, vector=_query(text), k=4, where="\"group\" = 'a'")
    assert {hit.row["group"] for hit in only_a} == {"a"}


def test_rrf_rewards_rows_found_by_both_searches() -> None:
    a, b, c = ({"_rowid": i} for i in range(3))
    fused = fuse([(a, 0.9), (b, 0.8)], [(b, 3.0), (c, 2.0)], k=3)
    assert [hit.row["_rowid"] for hit in fused] == [1, 0, 2]
    assert fused[0].similarity == 0.8 and fused[0].keyword_score == 3.0


def test_past_the_threshold_an_index_is_built_and_selective_filters_stay_complete(tmp_path: Path) -> None:
    rng = np.random.default_rng(7)
    centres = rng.normal(size=(30, 384))  # clustered, like real embeddings (uniform noise is ANN's worst case)
    vectors = (centres[rng.integers(0, 30, 600)] + rng.normal(scale=0.05, size=(600, 384))).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    table = connect(tmp_path).create_table("synthetic", schema=SCHEMA)
    table.add(
        [
            {"id": str(i), "group": "rare" if i < 3 else "common", "text": f"row {i}", "vector": vectors[i]}
            for i in range(600)
        ]
    )
    policy = IndexPolicy(flat_below=500)
    assert not IndexPolicy(flat_below=1000).ensure_index(table)
    assert policy.ensure_index(table) and policy.indexed(table)
    exact = np.argsort(-(vectors @ vectors[5]))[:10]
    hits = search(table, policy, text="", vector=vectors[5], k=10, mode="vector")
    assert len({int(hit.row["id"]) for hit in hits} & {int(i) for i in exact}) >= 9
    rare = search(table, policy, text="", vector=vectors[5], k=10, mode="vector", where="\"group\" = 'rare'")
    assert sorted(hit.row["id"] for hit in rare) == ["0", "1", "2"]


@pytest.mark.parametrize("mode", ["vector", "keyword", "hybrid"])
def test_every_mode_returns_at_most_k(tmp_path: Path, mode: Mode) -> None:
    table = _table(tmp_path)
    hits = search(table, IndexPolicy(), text="the", vector=_query("the"), k=2, mode=mode)
    assert len(hits) <= 2
