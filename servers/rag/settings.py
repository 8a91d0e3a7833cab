"""Settings of the RAG server: `PYGENT_RAG_*` or the `[rag]` table of the settings file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, ClassVar

from pydantic import Field, field_validator
from pydantic_settings import NoDecode, SettingsConfigDict
from pygent.core.settings import ServerSettings, split_list


class RagSettings(ServerSettings):
    model_config = SettingsConfigDict(env_prefix="PYGENT_RAG_", extra="ignore", env_ignore_empty=True)
    section: ClassVar[tuple[str, ...] | None] = ("rag",)
    server_name: ClassVar[str] = "rag"

    embedding_model: str = Field(
        default="e5-small", description="embedding model id (`python -m pygent.core.embeddings models`)"
    )
    chunk_chars: int = Field(default=1200, ge=200, le=8000, description="longest chunk, in characters")
    chunk_overlap: int = Field(
        default=150, ge=0, le=2000, description="characters repeated between neighbouring chunks"
    )
    max_file_bytes: int = Field(default=25_000_000, ge=1, description="larger files are skipped with a per-file error")
    max_files: int = Field(default=10_000, ge=1, description="most files one ingest_path call takes")
    max_text_chars: int = Field(default=5_000_000, ge=1, description="longest ingest_text / extracted document")
    url_max_bytes: int = Field(default=10_000_000, ge=1, description="largest page ingest_url downloads")
    url_timeout: float = Field(default=20.0, gt=0, description="seconds ingest_url may take")
    allow_private_urls: bool = Field(
        default=False, description="let ingest_url fetch loopback, private and link-local addresses"
    )
    allowed_roots: Annotated[list[Path], NoDecode] = Field(
        default_factory=list,
        description="folders ingest_path may read; default: the data folder's workspace ($PYGENT_HOME/workspace)",
    )
    index_flat_below: int = Field(default=20_000, ge=1, description="chunks per collection below which search is exact")
    max_k: int = Field(default=50, ge=1, description="most chunks one search returns")

    _split_roots = field_validator("allowed_roots", mode="before")(split_list)

    @property
    def readable_roots(self) -> list[Path]:
        """The folders ingest_path may read, symlinks resolved."""
        return [root.expanduser().resolve() for root in self.allowed_roots or [self.data.workspace]]

    @property
    def lance_dir(self) -> Path:
        return self.state_dir / "lance"
