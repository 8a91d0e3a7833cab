"""Settings of the factory server: `PYGENT_FACTORY_*` and the `[factory]` table of the settings file.

    settings = FactorySettings.load({"max_agents": 50})

Where specs are stored is the host's: `PYGENT_DATABASE_URL`, else `state.db`
under `PYGENT_HOME` (see `pygent.core.settings.Settings`), so an agent created
here is the one the host runs.
"""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field
from pydantic_settings import SettingsConfigDict
from pygent.core.settings import ServerSettings


class FactorySettings(ServerSettings):
    """Caps on what callers (agents among them) may store."""

    model_config = SettingsConfigDict(env_prefix="PYGENT_FACTORY_", extra="ignore", env_ignore_empty=True)
    section: ClassVar[tuple[str, ...] | None] = ("factory",)
    server_name: ClassVar[str] = "factory"

    max_agents: int = Field(
        default=1000, ge=1, description="most agents the factory keeps, so an agent creating agents in a loop stops"
    )
