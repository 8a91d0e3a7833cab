"""Which memories a recall or listing may see, as a LanceDB filter built from validated values."""

from __future__ import annotations

from dataclasses import dataclass, field

from pygent.core.embeddings.sql import sql_list
from pygent.servers.memory.scopes import scope_filter


@dataclass
class Filters:
    """What a recall or listing may see; every field is optional except the scopes."""

    scopes: list[str]
    tags: list[str] = field(default_factory=list)
    since: float | None = None
    until: float | None = None
    min_importance: float | None = None

    def sql(self, now: float, *, expiry: bool = True) -> str:
        """The filter; `expiry=False` leaves out the expiry test (the caller drops expired rows itself)."""
        parts = [scope_filter(self.scopes)]
        if expiry:
            parts.append(f"(expires_at IS NULL OR expires_at > {now!r})")
        if self.tags:
            parts.append(f"array_has_any(tags, [{sql_list(self.tags)}])")
        if self.since is not None:
            parts.append(f"created_at >= {self.since!r}")
        if self.until is not None:
            parts.append(f"created_at <= {self.until!r}")
        if self.min_importance is not None:
            parts.append(f"importance >= {self.min_importance!r}")
        return " AND ".join(parts)
