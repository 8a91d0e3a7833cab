"""Commit races on one LanceDB table: the loser runs again, a bounded number of times."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

import lancedb
import pyarrow as pa
import pytest
from lancedb.index import FTS, Bitmap, BTree
from lancedb.table import Table
from pygent.core.embeddings import conflicts
from pygent.core.embeddings.conflicts import retry_conflicts
from pygent.core.embeddings.tables import connect, index_names, open_table
from pygent.core.errors import UnavailableError

SCHEMA = pa.schema([pa.field("id", pa.string()), pa.field("scope", pa.string()), pa.field("text", pa.string())])
RETRIED = "commit conflict, retrying"


INDICES = {"text_idx": ("text", FTS()), "scope_idx": ("scope", Bitmap()), "id_idx": ("id", BTree())}


def indices(table: Table) -> None:
    """Create the missing indices, as every store's setup does."""
    present = index_names(table)
    for name, (column, config) in INDICES.items():
        if name not in present:
            table.create_index(column, config=config)


def open_together(folder: Path, writers: int) -> list[BaseException]:
    """`writers` threads open one fresh table with its indices at the same moment; their errors."""
    start = threading.Barrier(writers)
    errors: list[BaseException] = []

    def writer() -> None:
        db = connect(folder)
        start.wait(5)
        try:
            open_table(db, "memories", SCHEMA, None, setup=indices).add([{"id": "x", "scope": "s", "text": "t"}])
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=writer) for _ in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return errors


def test_writers_racing_to_create_the_indices_of_a_fresh_table_all_open_it(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger=conflicts.log.name)
    # Each round is a real race; nearly every one has a loser. Stop at the first retry seen.
    for round_ in range(10):
        folder = tmp_path / f"round-{round_}"
        assert open_together(folder, writers=2) == []
        table = connect(folder).open_table("memories")
        assert index_names(table) == set(INDICES) and table.count_rows() == 2
        if any(record.getMessage() == RETRIED for record in caplog.records):
            break
    else:
        pytest.fail("no commit race was lost in 10 rounds, so the retry path never ran")
    retried = [record for record in caplog.records if record.getMessage() == RETRIED]
    assert retried[0].__dict__["operation"] == "opening table 'memories'"


def test_a_conflict_that_never_clears_ends_in_a_clear_error(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    caplog.set_level(logging.INFO, logger=conflicts.log.name)
    monkeypatch.setattr(conflicts, "FIRST_WAIT", 0.001)
    connect(tmp_path).create_table("t", schema=SCHEMA)
    # A handle without read consistency stays on the version it opened, so it loses every race.
    stale = lancedb.connect(str(tmp_path)).open_table("t")
    connect(tmp_path).open_table("t").create_index("id", config=BTree())
    with pytest.raises(UnavailableError) as raised:
        retry_conflicts("indexing 't'", stale.create_index, "id", config=BTree())
    assert raised.value.message == (
        f"indexing 't' failed: other writers won {conflicts.ATTEMPTS} commit races in a row on the same LanceDB "
        "table; try again"
    )
    assert "Retryable commit conflict" in str(raised.value.__cause__)
    assert [record.__dict__["attempt"] for record in caplog.records] == list(range(1, conflicts.ATTEMPTS))


def test_other_errors_are_not_retried(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger=conflicts.log.name)
    table = connect(tmp_path).create_table("t", schema=SCHEMA)
    with pytest.raises(ValueError, match="nowhere"):
        retry_conflicts("indexing 't'", table.create_index, "nowhere", config=BTree())
    assert not caplog.records
