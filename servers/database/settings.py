"""Settings of the database server (`PYGENT_DATABASE_*`, `[database]`).

    settings = DatabaseSettings.load({"connections": {"app": {"url": "postgresql://reader@db/app"}}})

`PYGENT_DATABASE_CONNECTIONS` is JSON: `{"name": {"url": ..., "writable": false, ...}}`.
With no connections configured, the server offers one writable connection,
`default`: the SQLite file `pygent.db` in its own state directory.
"""

from __future__ import annotations

from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field
from pydantic_settings import SettingsConfigDict
from pygent.core.settings import ServerSettings

DEFAULT_CONNECTION = "default"


class ConnectionSettings(BaseModel):
    """One named database connection."""

    model_config = ConfigDict(extra="forbid")

    url: str = Field(description="sqlite:///path/to.db or postgresql://user@host:5432/db")
    writable: bool = Field(default=False, description="allow the execute tool (writes and DDL) on this connection")
    description: str = Field(default="", description="what this database holds, shown to clients")
    statement_timeout: float | None = Field(default=None, gt=0, description="seconds; the server default when unset")
    max_rows: int | None = Field(
        default=None, ge=1, description="rows returned by default; the server default when unset"
    )
    pool_size: int | None = Field(default=None, ge=1, le=64, description="open connections kept at most")
    unsafe_allow_privileged_role: bool = Field(
        default=False,
        description="UNSAFE: let a read-only PostgreSQL connection use a superuser or a member of "
        "pg_execute_server_program, pg_write_server_files or pg_read_server_files, which can write "
        "despite read-only transactions (COPY ... TO PROGRAM, dblink)",
    )


class DatabaseSettings(ServerSettings):
    """Connections, and the limits every query runs under."""

    model_config = SettingsConfigDict(env_prefix="PYGENT_DATABASE_", extra="ignore", env_ignore_empty=True)
    section: ClassVar[tuple[str, ...] | None] = ("database",)
    server_name: ClassVar[str] = "database"

    connections: dict[str, ConnectionSettings] = Field(
        default_factory=dict, description="named connections; the embedded SQLite default when empty"
    )
    statement_timeout: float = Field(default=30.0, gt=0, description="seconds a statement may run")
    max_rows: int = Field(default=1000, ge=1, description="rows a query returns unless it asks for fewer or more")
    max_rows_limit: int = Field(default=100_000, ge=1, description="the most rows any query may return")
    pool_size: int = Field(default=4, ge=1, le=64, description="open connections per database at most")
    connect_timeout: float = Field(default=10.0, gt=0, description="seconds to wait for a connection")

    def configured(self) -> dict[str, ConnectionSettings]:
        """The connections to serve: the configured ones, or the embedded default."""
        if self.connections:
            return dict(self.connections)
        path = self.state_dir / "pygent.db"
        return {
            DEFAULT_CONNECTION: ConnectionSettings(
                url=f"sqlite:///{path}", writable=True, description="embedded SQLite scratch database"
            )
        }
