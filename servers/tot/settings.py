"""Settings of the tot server: `PYGENT_TOT_*` and the `[tot]` table of the settings file.

    settings = TotSettings.load({"max_nodes": 1000})

Which model answers is the host-level `PYGENT_LLM` (see `pygent.core.llm.select`);
these settings cap what one run may spend and how runs are kept.
"""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field
from pydantic_settings import SettingsConfigDict
from pygent.core.settings import ServerSettings


class TotSettings(ServerSettings):  # type: ignore[misc, unused-ignore]
    """Caps and defaults of tree-of-thought runs."""

    model_config = SettingsConfigDict(env_prefix="PYGENT_TOT_", extra="ignore", env_ignore_empty=True)
    section: ClassVar[tuple[str, ...] | None] = ("tot",)
    server_name: ClassVar[str] = "tot"

    max_nodes: int = Field(default=2000, ge=1, description="the largest node budget a run may ask for")
    max_model_calls: int = Field(default=2000, ge=1, description="the largest model-call budget a run may ask for")
    max_seconds: float = Field(default=3600.0, gt=0, description="the longest wall-time budget a run may ask for")
    concurrency: int = Field(default=4, ge=1, le=64, description="model calls in flight at once within a run")
    client_rounds: int = Field(
        default=8,
        ge=1,
        description="input rounds with the client's model (2026-07-28) before a run pauses; solve(run_id=...) resumes",
    )
    temperature: float = Field(default=0.7, ge=0, le=2, description="sampling temperature of thought generation")
