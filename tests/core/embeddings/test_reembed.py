"""Re-embedding a store with another model: every row kept, new stamp, searchable again."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest
from pygent.core.embeddings.base import EmbeddingMismatchError
from pygent.core.embeddings.models import load_embedder
from pygent.core.embeddings.reembed import reembed_store, reembed_table, stamped_tables
from pygent.core.embeddings.stamp import EmbeddingStamp
from pygent.core.embeddings.tables import connect, open_table, vector_field
from pygent.core.errors import NotFoundError

SCHEMA = pa.schema([pa.field("id", pa.string()), pa.field("body", pa.string()), vector_field(384)])
TEXTS = ["the cat sleeps on the sofa", "quarterly tax filing is due in April", "rain is expected tomorrow"]


def _store(path: Path) -> None:
    embedder = load_embedder()
    table = open_table(connect(path), "notes", SCHEMA, embedder, text_column="body")
    vectors = embedder.embed_passages(TEXTS)
    table.add([{"id": str(i), "body": text, "vector": vectors[i]} for i, text in enumerate(TEXTS)])
    connect(path).create_table("plain", schema=pa.schema([pa.field("x", pa.int64())]))


def test_reembedding_rewrites_vectors_and_stamp_and_keeps_rows(tmp_path: Path) -> None:
    _store(tmp_path)
    other = load_embedder("e5-small-enpt")
    with pytest.raises(EmbeddingMismatchError):
        open_table(connect(tmp_path), "notes", SCHEMA, other, text_column="body")
    assert reembed_store(connect(tmp_path), other) == {"notes": 3}
    table = open_table(connect(tmp_path), "notes", SCHEMA, other, text_column="body")
    assert EmbeddingStamp.of(table.schema) == EmbeddingStamp("e5-small-enpt", 384, "body", "vector")
    rows = sorted(table.search().limit(None).to_list(), key=lambda row: row["id"])
    assert [row["body"] for row in rows] == TEXTS
    expected = other.embed_passages(TEXTS)
    assert np.allclose(np.array([row["vector"] for row in rows]), expected, atol=1e-5)
    assert reembed_store(connect(tmp_path), other) == {}  # nothing left to do
    assert set(stamped_tables(connect(tmp_path))) == {"notes"}


def test_reembedding_a_missing_or_unstamped_table_is_refused(tmp_path: Path) -> None:
    _store(tmp_path)
    with pytest.raises(NotFoundError, match="no table 'nope'"):
        reembed_table(connect(tmp_path), "nope", load_embedder())
    with pytest.raises(NotFoundError, match="no embedding stamp"):
        reembed_table(connect(tmp_path), "plain", load_embedder())


def test_the_command_reembeds_a_store_and_lists_models(tmp_path: Path) -> None:
    _store(tmp_path)
    run = [sys.executable, "-m", "pygent.core.embeddings"]
    done = subprocess.run(
        [*run, "reembed", str(tmp_path), "--model", "e5-small-enpt"], capture_output=True, text=True, check=True
    )
    assert "notes: 3 rows re-embedded with e5-small-enpt" in done.stdout
    models = subprocess.run([*run, "models"], capture_output=True, text=True, check=True)
    assert "e5-small " in models.stdout and "all-minilm-l6-v2" in models.stdout
    missing = subprocess.run([*run, "reembed", str(tmp_path / "nope")], capture_output=True, text=True)
    assert missing.returncode == 2 and "is not a folder" in missing.stderr
