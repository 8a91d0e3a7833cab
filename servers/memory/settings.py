"""Settings of the memory server: `PYGENT_MEMORY_*` or the `[memory]` table of the settings file."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from pydantic import Field
from pydantic_settings import SettingsConfigDict
from pygent.core.settings import ServerSettings


class MemorySettings(ServerSettings):
    """Where memories live is fixed by PYGENT_HOME; no tool argument can move it."""

    model_config = SettingsConfigDict(env_prefix="PYGENT_MEMORY_", extra="ignore", env_ignore_empty=True)
    section: ClassVar[tuple[str, ...] | None] = ("memory",)
    server_name: ClassVar[str] = "memory"

    embedding_model: str = Field(
        default="e5-small", description="embedding model id (see `python -m pygent.core.embeddings models`)"
    )
    max_text_chars: int = Field(default=8_000, ge=1, description="longest memory text or observation accepted")
    max_items_per_call: int = Field(
        default=500, ge=1, description="most entities, relations or observations in one call"
    )
    max_k: int = Field(default=100, ge=1, description="most memories one recall or list returns")
    index_flat_below: int = Field(default=20_000, ge=1, description="rows below which search is exact (no ANN index)")
    min_similarity: float = Field(default=0.82, ge=0, le=1, description="cosine floor of semantic search_nodes hits")
    lock_timeout: float = Field(default=30.0, gt=0, description="seconds to wait for another process's graph write")

    @property
    def lance_dir(self) -> Path:
        return self.state_dir / "lance"
