"""Stamped tables: created with the model id and dimension, refused with another model."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pytest
from pygent.core.embeddings.base import EmbeddingMismatchError
from pygent.core.embeddings.models import load_embedder
from pygent.core.embeddings.stamp import EmbeddingStamp
from pygent.core.embeddings.tables import connect, open_table, vector_field

SCHEMA = pa.schema([pa.field("id", pa.string()), pa.field("text", pa.string()), vector_field(384)])


def test_a_new_table_carries_the_stamp_and_survives_reopening(tmp_path: Path) -> None:
    embedder = load_embedder()
    table = open_table(connect(tmp_path), "notes", SCHEMA, embedder)
    table.add([{"id": "a", "text": "hello", "vector": embedder.embed_passages(["hello"])[0]}])
    again = open_table(connect(tmp_path), "notes", SCHEMA, embedder)
    assert EmbeddingStamp.of(again.schema) == EmbeddingStamp("e5-small", 384, "text", "vector")
    assert again.count_rows() == 1


def test_opening_with_another_model_is_a_clear_error_and_changes_nothing(tmp_path: Path) -> None:
    embedder = load_embedder()
    table = open_table(connect(tmp_path), "notes", SCHEMA, embedder)
    table.add([{"id": "a", "text": "hello", "vector": embedder.embed_passages(["hello"])[0]}])
    other = load_embedder("e5-small-enpt")
    with pytest.raises(EmbeddingMismatchError, match=r"embedded with e5-small \(384-d\).*configured for e5-small-enpt"):
        open_table(connect(tmp_path), "notes", SCHEMA, other)
    stamp = EmbeddingStamp.of(connect(tmp_path).open_table("notes").schema)
    assert stamp is not None and stamp.model_id == "e5-small"


def test_an_unstamped_table_is_refused(tmp_path: Path) -> None:
    connect(tmp_path).create_table("raw", schema=SCHEMA)
    with pytest.raises(EmbeddingMismatchError, match="no embedding-model stamp"):
        open_table(connect(tmp_path), "raw", SCHEMA, load_embedder())


def test_a_long_lived_handle_sees_rows_written_by_another_process(tmp_path: Path) -> None:
    embedder = load_embedder()
    table = open_table(connect(tmp_path), "notes", SCHEMA, embedder)
    assert table.count_rows() == 0
    script = (
        "import lancedb, sys; t = lancedb.connect(sys.argv[1]).open_table('notes'); "
        "t.add([{'id': 'x', 'text': 'from elsewhere', 'vector': [0.0] * 384}])"
    )
    subprocess.run([sys.executable, "-c", script, str(tmp_path)], check=True, capture_output=True)
    assert table.count_rows() == 1
