"""The local full-text index: text files under the roots, in LanceDB with its native BM25 index.

    index = LocalIndex(directory=state_dir / "index", roots=[Path("~/notes")], ...)
    await index.refresh()                       # scan, add new/changed files, drop removed ones
    hits = await index.search("retry backoff", limit=10)

A refresh re-reads only files whose modification time or size changed. The
full-text index is rebuilt when many rows changed; rows added since the last
build are still searched (LanceDB scans unindexed rows). All LanceDB calls are
blocking and run in a worker thread. A cancelled call stops its refresh between
two files (the thread checks `anyio.from_thread.check_cancelled`): the files
added so far stay indexed, and the next search refreshes again.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Coroutine, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import anyio
import lancedb
import pyarrow as pa
from anyio import from_thread
from lancedb.index import FTS
from pygent.servers.search.models import IndexStatus, LocalHit
from pygent.servers.search.walker import scan

TABLE = "files"
MAX_TEXT_CHARS = 200_000
REBUILD_AFTER = 500
ADD_BATCH = 200
Progress = Callable[[float, float | None, str], Coroutine[Any, Any, None]]
SCHEMA = pa.schema(
    [
        pa.field("path", pa.string()),
        pa.field("mtime", pa.float64()),
        pa.field("size", pa.int64()),
        pa.field("text", pa.string()),
    ]
)
_WORD = re.compile(r"\w+")


def _quote(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _read(path: str) -> str | None:
    try:
        raw = Path(path).read_bytes()
    except OSError:
        return None
    if b"\x00" in raw[:8192]:
        return None
    return raw.decode("utf-8", errors="replace")[:MAX_TEXT_CHARS]


def snippet(text: str, query: str, width: int = 300) -> tuple[str, int | None]:
    """The first line holding a query word (with its neighbours), and its 1-based number."""
    words = {word.lower() for word in _WORD.findall(query)}
    lines = text.splitlines()
    for number, line in enumerate(lines):
        if words & {word.lower() for word in _WORD.findall(line)}:
            around = " ".join(part.strip() for part in lines[max(number - 1, 0) : number + 2] if part.strip())
            return around[:width], number + 1
    return " ".join(text.split())[:width], None


class LocalIndex:
    def __init__(
        self,
        directory: Path,
        roots: Sequence[Path],
        *,
        extensions: Sequence[str],
        max_files: int,
        max_bytes: int,
        refresh_seconds: float,
        exclude: Sequence[Path] = (),
    ) -> None:
        self.directory = directory
        self.roots = list(roots)
        self.extensions = list(extensions)
        self.max_files = max_files
        self.max_bytes = max_bytes
        self.refresh_seconds = refresh_seconds
        self.exclude = list(exclude)
        self._lock = anyio.Lock()
        self._refreshed: float | None = None
        self._skipped = 0

    def _table(self) -> Any:
        db = lancedb.connect(self.directory)
        try:
            return db.open_table(TABLE)
        except ValueError:
            return db.create_table(TABLE, schema=SCHEMA)

    async def refresh(self, *, force: bool = False, progress: Progress | None = None) -> None:
        """Bring the index up to date with the files, unless it was refreshed recently.

        `progress(done, total, message)` is told of each batch of new or changed files indexed.
        """
        async with self._lock:
            if not force and self._refreshed is not None and time.monotonic() - self._refreshed < self.refresh_seconds:
                return
            await anyio.to_thread.run_sync(self._refresh, progress)
            self._refreshed = time.monotonic()

    def _refresh(self, progress: Progress | None) -> None:
        found, self._skipped = scan(
            self.roots,
            extensions=self.extensions,
            max_files=self.max_files,
            max_bytes=self.max_bytes,
            exclude=self.exclude,
            checkpoint=from_thread.check_cancelled,
        )
        table = self._table()
        stored = table.search().select(["path", "mtime", "size"]).limit(None).to_arrow().to_pylist()
        known = {row["path"]: (row["mtime"], row["size"]) for row in stored}
        stale = [path for path in known if found.get(path) != known[path]]
        fresh = [path for path, stamp in found.items() if known.get(path) != stamp]
        for start in range(0, len(stale), 500):
            table.delete("path IN (" + ", ".join(_quote(p) for p in stale[start : start + 500]) + ")")
        added = 0
        rows: list[dict[str, Any]] = []
        for path in fresh:
            from_thread.check_cancelled()
            text = _read(path)
            if text is not None:
                mtime, size = found[path]
                rows.append({"path": path, "mtime": mtime, "size": size, "text": f"{path}\n{text}"})
            if len(rows) == ADD_BATCH:
                table.add(rows)
                added, rows = added + len(rows), []
                if progress is not None:
                    message = f"indexed {added} of {len(fresh)} new or changed files"
                    from_thread.run(progress, added, len(fresh), message)
        if rows:
            table.add(rows)
            added += len(rows)
        has_index = any(index.index_type == "FTS" for index in table.list_indices())
        # Rows of a refresh cancelled before its index build are counted here too.
        if (not has_index and table.count_rows() > 0) or added + len(stale) >= REBUILD_AFTER:
            from_thread.check_cancelled()
            table.create_index("text", config=FTS(), replace=True)

    async def search(
        self, query: str, limit: int, path_contains: str | None = None, progress: Progress | None = None
    ) -> list[LocalHit]:
        await self.refresh(progress=progress)
        return await anyio.to_thread.run_sync(self._search, query, limit, path_contains)

    def _search(self, query: str, limit: int, path_contains: str | None) -> list[LocalHit]:
        table = self._table()
        if table.count_rows() == 0 or not _WORD.search(query):
            return []
        search = table.search(query, query_type="fts").select(["path", "text", "_score"]).limit(limit)
        if path_contains:
            search = search.where(f"strpos(path, {_quote(path_contains)}) > 0", prefilter=True)
        hits = []
        for row in search.to_list():
            body = row["text"].split("\n", 1)[1] if "\n" in row["text"] else ""
            text, line = snippet(body, query)
            hits.append(LocalHit(path=row["path"], score=round(float(row["_score"]), 4), snippet=text, line=line))
        return hits

    async def status(self) -> IndexStatus:
        count = await anyio.to_thread.run_sync(lambda: self._table().count_rows())
        when = None
        if self._refreshed is not None:
            age = time.monotonic() - self._refreshed
            when = datetime.fromtimestamp(time.time() - age, UTC).isoformat(timespec="seconds")
        return IndexStatus(
            roots=[str(root) for root in self.roots],
            indexed_files=count,
            skipped_files=self._skipped,
            last_refresh=when,
        )
