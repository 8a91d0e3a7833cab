"""`sequentialthinking`, the drop-in replacement for @modelcontextprotocol/server-sequential-thinking.

Same arguments, same coercions ("true"/"false" strings, numeric strings), same
answers for the same sequence of calls: the thought history and the branches
belong to the server process, as in the reference. Each thought is also
appended to a journal under the server's state folder (one file per server
start), so a thinking session can be read back (`tot://thinking`).

    log = ThoughtLog(state_dir / "thinking")
    reply = log.process(thought)         # {"thoughtNumber": ..., "branches": [...], ...}
"""

from __future__ import annotations

import json
import re
import secrets
import threading
from pathlib import Path
from typing import Any

_INDEX_KEY = re.compile(r"^(?:0|[1-9]\d*)$")
_MAX_INDEX = 2**32 - 2


def js_bool(value: Any) -> bool:
    """A boolean, or the string "true"/"false" in any case (the reference's coercedBoolean)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise ValueError(f'Expected boolean or "true"/"false" string, received {value!r}')


def js_int(value: Any) -> int:
    """JavaScript's `Number(value)` as zod's coerced integer: numbers and numeric strings."""
    if isinstance(value, bool):
        number = float(value)
    elif isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str):
        text = value.strip()
        try:
            number = float(text) if text else 0.0
        except ValueError:
            raise ValueError(f"expected a number, received {value!r}") from None
    else:
        raise ValueError(f"expected a number, received {value!r}")
    if not number.is_integer():
        raise ValueError(f"expected an integer, received {value!r}")
    return int(number)


def js_key_order(keys: list[str]) -> list[str]:
    """The order `Object.keys` gives: integer-like keys ascending, then the rest as inserted."""
    indexes = sorted((k for k in keys if _INDEX_KEY.match(k) and int(k) <= _MAX_INDEX), key=int)
    return indexes + [k for k in keys if not (_INDEX_KEY.match(k) and int(k) <= _MAX_INDEX)]


class ThoughtLog:
    """The thought history and branches of this server process."""

    def __init__(self, folder: Path | None = None) -> None:
        self.history: list[dict[str, Any]] = []
        self.branches: dict[str, list[dict[str, Any]]] = {}
        self.journal: Path | None = None
        self._lock = threading.Lock()
        if folder is not None:
            folder.mkdir(parents=True, exist_ok=True)
            self.journal = folder / f"{secrets.token_hex(6)}.jsonl"

    def process(self, thought: dict[str, Any]) -> dict[str, Any]:
        """Record one thought; the reference server's reply. Thread-safe (sync tools run in threads)."""
        with self._lock:
            return self._process(dict(thought))

    def _process(self, data: dict[str, Any]) -> dict[str, Any]:
        if data["thoughtNumber"] > data["totalThoughts"]:
            data["totalThoughts"] = data["thoughtNumber"]
        self.history.append(data)
        if data.get("branchFromThought") and data.get("branchId"):
            self.branches.setdefault(data["branchId"], []).append(data)
        if self.journal is not None:
            with self.journal.open("a", encoding="utf-8") as handle:
                handle.write(json.dumps(data, ensure_ascii=False) + "\n")
        return {
            "thoughtNumber": data["thoughtNumber"],
            "totalThoughts": data["totalThoughts"],
            "nextThoughtNeeded": data["nextThoughtNeeded"],
            "branches": js_key_order(list(self.branches)),
            "thoughtHistoryLength": len(self.history),
        }
