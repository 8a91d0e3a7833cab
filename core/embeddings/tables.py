"""Open LanceDB stores and stamped tables the way every server needs them.

- `connect` uses strong read consistency: a long-lived handle sees rows that
  other processes wrote (LanceDB's default handle would keep reading its old
  version).
- `open_table` creates a table on first use with the embedding stamp in its
  schema, and refuses an existing table stamped by another model. Processes
  opening a fresh store together race to create its tables and indices; the
  losers open what the winner made (see `conflicts`).

    db = connect(state_dir / "lance")
    table = open_table(db, "memories", SCHEMA, embedder, setup=create_indices)
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import lancedb
import pyarrow as pa
from lancedb.db import DBConnection
from lancedb.table import Table
from pygent.core.embeddings.base import Embedder
from pygent.core.embeddings.conflicts import retry_conflicts
from pygent.core.embeddings.stamp import EmbeddingStamp, check_stamp


def connect(path: Path) -> DBConnection:
    """A LanceDB connection whose reads always see the latest committed version."""
    path.mkdir(parents=True, exist_ok=True)
    return lancedb.connect(str(path), read_consistency_interval=timedelta(0))


def table_names(db: DBConnection) -> list[str]:
    return list(db.list_tables().tables)


def vector_field(dimension: int, name: str = "vector") -> pa.Field:
    """A nullable fixed-size vector column: rows are stored first, vectors may land later."""
    return pa.field(name, pa.list_(pa.float32(), dimension), nullable=True)


def open_table(
    db: DBConnection,
    name: str,
    schema: pa.Schema,
    embedder: Embedder | None,
    *,
    text_column: str = "text",
    setup: Callable[[Table], None] | None = None,
) -> Table:
    """Open `name`, creating it (stamped when `embedder` is given) if it is missing.

    `setup` runs on every open (make it idempotent): it creates missing indices.

    Raises:
        EmbeddingMismatchError: the table was embedded with another model.
        UnavailableError: other processes kept winning the races to create it.
    """

    def attempt() -> Table:
        table = _open_or_create(db, name, schema, embedder, text_column)
        if embedder is not None:
            check_stamp(table.schema, embedder, name, str(db.uri))
        if setup is not None:
            setup(table)  # idempotent: after a lost race it finds the winner's indices
        return table

    return retry_conflicts(f"opening table {name!r}", attempt)


def _open_or_create(
    db: DBConnection, name: str, schema: pa.Schema, embedder: Embedder | None, text_column: str
) -> Table:
    try:
        return db.open_table(name)
    except ValueError:
        pass  # LanceDB raises a plain ValueError for a missing table
    if embedder is not None:
        schema = EmbeddingStamp.for_embedder(embedder, text_column).apply(schema)
    try:
        return db.create_table(name, schema=schema)
    except (ValueError, OSError):
        # Another process created it between our open and our create.
        return db.open_table(name)


def index_names(table: Table) -> set[str]:
    return {index.name for index in table.list_indices()}
