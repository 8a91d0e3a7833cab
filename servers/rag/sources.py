"""What an ingest takes (a `Source`: where a document came from, how to read it) and reports per document."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal


@dataclass
class Source:
    """One document to ingest: where it came from and how to read its bytes."""

    source: str
    load: Callable[[], bytes]
    title: str = ""
    kind: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)

    @property
    def doc_id(self) -> str:
        return "doc_" + hashlib.sha1(self.source.encode()).hexdigest()[:16]


@dataclass
class Outcome:
    source: str
    status: Literal["stored", "unchanged", "failed"]
    doc_id: str | None = None
    chunks: int = 0
    error: str | None = None
