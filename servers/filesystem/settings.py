"""Settings of the filesystem server (`PYGENT_FILESYSTEM_*`, `[filesystem]`).

    settings = FilesystemSettings.load({"roots": ["/srv/docs"]})

`roots` accepts a JSON list or an `os.pathsep`-separated string
(`PYGENT_FILESYSTEM_ROOTS=/a:/b`). With no roots configured, the server uses
`default_root`: the data folder's `workspace` (`$PYGENT_HOME/workspace`), which
rag, search and github default to as well.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal

from pydantic import Field, field_validator
from pydantic_settings import NoDecode, SettingsConfigDict
from pygent.core.settings import ServerSettings

ClientRootsMode = Literal["auto", "replace", "narrow", "ignore"]

MiB = 1024 * 1024


class FilesystemSettings(ServerSettings):
    """Where the filesystem server may act, and how much it returns at once."""

    model_config = SettingsConfigDict(env_prefix="PYGENT_FILESYSTEM_", extra="ignore", env_ignore_empty=True)
    section: ClassVar[tuple[str, ...] | None] = ("filesystem",)
    server_name: ClassVar[str] = "filesystem"

    roots: Annotated[list[Path], NoDecode] = Field(
        default_factory=list, description="allowed directories; the default workspace when empty"
    )
    client_roots: ClientRootsMode = Field(
        default="auto",
        description=(
            "how MCP roots offered by a client apply: replace the configured roots, narrow them "
            "(only client roots inside configured ones), ignore them, or auto (replace when no roots "
            "are configured, narrow otherwise)"
        ),
    )
    max_read_bytes: int = Field(default=2 * MiB, ge=1024, description="cap on text returned by one read")
    max_media_bytes: int = Field(default=20 * MiB, ge=1024, description="cap on a file returned as base64")
    max_results: int = Field(default=1000, ge=1, description="cap on search_files results")
    max_tree_entries: int = Field(default=10_000, ge=1, description="cap on entries in directory_tree")
    grep_max_file_bytes: int = Field(default=16 * MiB, ge=1024, description="grep skips larger files")
    max_edit_bytes: int = Field(default=16 * MiB, ge=1024, description="edit_file refuses larger files")

    @field_validator("roots", mode="before")
    @classmethod
    def _split_roots(cls, value: Any) -> Any:
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("["):
                return json.loads(text)
            return [part for part in text.split(os.pathsep) if part.strip()]
        return value

    @property
    def default_root(self) -> Path:
        """The directory used when no roots are configured (created on access)."""
        return self.data.workspace
