"""Runs on disk: one JSON document per run under the server's state folder.

    store = RunStore(settings.state_dir / "runs")
    await store.save(record)             # atomic: a crash never leaves half a file
    record = await store.get(run_id)     # NotFoundError naming the id

A run is a document (its tree, its result, the client model's answers), read
and written whole, so files are the natural store. Writes go through a
temporary file and `os.replace`; file work runs in a worker thread.
"""

from __future__ import annotations

import os
import re
import secrets
from datetime import UTC, datetime
from pathlib import Path

import anyio
from pygent.core.errors import InvalidArgumentError, NotFoundError
from pygent.servers.tot.models import RunRecord, RunSummary

_ID = re.compile(r"^[a-f0-9]{16}$")


def new_run_id() -> str:
    return secrets.token_hex(8)


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


class RunStore:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)

    def _path(self, run_id: str) -> Path:
        if not _ID.match(run_id):
            raise InvalidArgumentError(f"{run_id!r} is not a run id (16 hex digits, as `solve` returns)")
        return self.folder / f"{run_id}.json"

    async def save(self, record: RunRecord) -> None:
        record.updated = now()
        path = self._path(record.id)
        text = record.model_dump_json()

        def write() -> None:
            temporary = path.with_suffix(".tmp")
            temporary.write_text(text, encoding="utf-8")
            os.replace(temporary, path)

        await anyio.to_thread.run_sync(write)

    async def get(self, run_id: str) -> RunRecord:
        """The run with this id.

        Raises:
            NotFoundError: no such run.
        """
        path = self._path(run_id)

        def read() -> str | None:
            return path.read_text(encoding="utf-8") if path.exists() else None

        text = await anyio.to_thread.run_sync(read)
        if text is None:
            raise NotFoundError(f"no run {run_id!r}; `list_runs` shows the runs this server keeps")
        return RunRecord.model_validate_json(text)

    async def summaries(self, limit: int) -> list[RunSummary]:
        """The most recently updated runs first."""

        def read_all() -> list[str]:
            paths = sorted(self.folder.glob("*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
            return [p.read_text(encoding="utf-8") for p in paths[:limit]]

        records = [RunRecord.model_validate_json(text) for text in await anyio.to_thread.run_sync(read_all)]
        return [summary(r) for r in sorted(records, key=lambda r: r.updated, reverse=True)]

    async def mark_interrupted(self) -> int:
        """After a restart nothing is running: mark runs left `running` as `interrupted`."""

        def read_all() -> list[str]:
            return [p.read_text(encoding="utf-8") for p in self.folder.glob("*.json")]

        count = 0
        for text in await anyio.to_thread.run_sync(read_all):
            record = RunRecord.model_validate_json(text)
            if record.status == "running":
                record.status = "interrupted"
                if record.result is not None:
                    record.result.status = "interrupted"
                await self.save(record)
                count += 1
        return count


def summary(record: RunRecord) -> RunSummary:
    result = record.result
    return RunSummary(
        id=record.id,
        problem=record.problem,
        task=record.task,
        status=record.status,
        solved=bool(result and result.solved),
        answer=result.answer if result else None,
        updated=record.updated,
    )
