"""Typed settings, read once at the edge.

Precedence, highest first: explicit overrides (CLI flags) > `PYGENT_*` environment
variables > the settings file (TOML) > defaults. The settings file is
`$PYGENT_HOME/settings.toml` unless `PYGENT_SETTINGS_FILE` or `--settings` names
another; host settings live at its top level, each server's in its own table.

    settings = Settings.load(overrides={"port": 9000})
    fs = FilesystemSettings.load()      # a ServerSettings subclass: PYGENT_FILESYSTEM_*, [filesystem]

Code below the edge receives these objects; nothing else reads `os.environ`.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal, Self

from pydantic import AliasChoices, Field, ValidationError, field_validator
from pydantic_settings import (
    BaseSettings,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)
from pygent.core.errors import ConfigError
from pygent.core.paths import DataDir

DEFAULT_HOME = Path("~/.pygent")
_HOME_ALIAS = AliasChoices("PYGENT_HOME")


def _default_home() -> Path:
    return DEFAULT_HOME.expanduser()


def settings_file(environ: Mapping[str, str] | None = None) -> Path:
    """Where the settings file is: `PYGENT_SETTINGS_FILE`, else `$PYGENT_HOME/settings.toml`."""
    env = os.environ if environ is None else environ
    if env.get("PYGENT_SETTINGS_FILE"):
        return Path(env["PYGENT_SETTINGS_FILE"]).expanduser()
    home = Path(env["PYGENT_HOME"]).expanduser() if env.get("PYGENT_HOME") else _default_home()
    return home / "settings.toml"


class _LayeredSettings(BaseSettings):
    """Base of every settings class: overrides > env > TOML table > defaults."""

    section: ClassVar[tuple[str, ...] | None] = None
    _file: ClassVar[Path | None] = None

    home: Path = Field(default_factory=_default_home, validation_alias=_HOME_ALIAS)

    @field_validator("home", mode="after")
    @classmethod
    def _expand_home(cls, value: Path) -> Path:
        return value.expanduser().absolute()

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        path = cls._file
        if path is not None and path.is_file():
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=path, toml_table_header=cls.section))
        return tuple(sources)

    @classmethod
    def load(cls, overrides: Mapping[str, Any] | None = None, file: Path | None = None) -> Self:
        """Build the settings from every layer.

        Raises:
            ConfigError: a value is invalid; the message names the setting.
        """
        path = file if file is not None else settings_file()
        if file is not None and not file.is_file():
            raise ConfigError(f"settings file {file} does not exist")
        # The TOML source reads the class attribute; settings are built once at
        # the edge, so a class-level value for the duration of this call is safe.
        previous = cls._file
        cls._file = path
        try:
            return cls(**{k: v for k, v in (overrides or {}).items() if v is not None})
        except ValidationError as exc:
            raise ConfigError(_describe(exc, cls)) from None
        except (OSError, ValueError) as exc:
            raise ConfigError(f"invalid settings (environment or {path}): {exc}") from None
        finally:
            cls._file = previous

    @property
    def data(self) -> DataDir:
        return DataDir(self.home)


def _describe(exc: ValidationError, cls: type[BaseSettings]) -> str:
    prefix = str(cls.model_config.get("env_prefix", "")).upper()
    problems = []
    for error in exc.errors():
        field = ".".join(str(part) for part in error["loc"])
        problems.append(f"{field} ({prefix}{field.upper()}): {error['msg']}")
    return "invalid setting " + "; ".join(problems)


def split_list(value: Any) -> Any:
    """Accept `a,b,c` from an environment variable as well as a JSON/TOML list."""
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            return json.loads(text)
        return [item.strip() for item in text.split(",") if item.strip()]
    return value


class Settings(_LayeredSettings):
    """Settings of the host process and the CLI (`PYGENT_*`)."""

    model_config = SettingsConfigDict(
        env_prefix="PYGENT_", extra="ignore", env_ignore_empty=True, populate_by_name=True
    )

    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL for relational state; SQLite under home when unset"
    )
    config: Path | None = Field(default=None, description="mcp.json of the mesh; ./mcp.json or the built-in default")
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=0, le=65535)
    tokens: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="bearer tokens accepted on every HTTP face"
    )
    allowed_hosts: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="extra Host values accepted (host or host:port)"
    )
    allowed_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="extra browser origins accepted"
    )
    max_body_bytes: int = Field(default=4 * 1024 * 1024, ge=1024)
    rate_limit: float = Field(
        default=1000.0,
        ge=0,
        description="requests per second per credential (per address for anonymous remote clients); 0 disables",
    )
    rate_limit_storage: str = Field(
        default="memory://", description="where rate-limit counters live: memory:// or redis://HOST:PORT (shared)"
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_format: Literal["text", "json"] = "text"
    call_timeout: float = Field(default=60.0, gt=0, description="default per-call timeout in seconds")
    connect_timeout: float = Field(default=30.0, gt=0, description="how long a server may take to become ready")
    restart_initial_delay: float = Field(default=0.5, gt=0)
    restart_max_delay: float = Field(default=30.0, gt=0)
    restart_max_attempts: int = Field(default=5, ge=1, description="consecutive failed starts before `failed`")
    restart_stable_after: float = Field(default=30.0, gt=0, description="uptime that resets the backoff")
    health_interval: float = Field(default=15.0, gt=0, description="seconds between liveness probes of a server")
    health_timeout: float = Field(default=10.0, gt=0, description="a probe unanswered this long means hung")
    llm: str = Field(default="auto", description="ollama:MODEL | openai:MODEL | client | auto | none")
    ollama_host: str | None = Field(default=None, validation_alias=AliasChoices("PYGENT_OLLAMA_HOST", "OLLAMA_HOST"))
    openai_base_url: str | None = None
    openai_api_key: str | None = None
    llm_timeout: float = Field(default=120.0, gt=0)

    _split = field_validator("tokens", "allowed_hosts", "allowed_origins", mode="before")(split_list)

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, value: Any) -> Any:
        return value.upper() if isinstance(value, str) else value


class ServerSettings(_LayeredSettings):
    """Base of a capability server's own settings.

    Subclasses set `model_config = SettingsConfigDict(env_prefix="PYGENT_<NAME>_")`
    and `section = ("<name>",)`. `PYGENT_HOME` is honoured by every subclass.
    """

    model_config = SettingsConfigDict(extra="ignore", env_ignore_empty=True, populate_by_name=True)
    server_name: ClassVar[str] = "server"

    @property
    def state_dir(self) -> Path:
        """This server's own folder under the data directory."""
        return self.data.server(self.server_name)
