"""Settings of the GitHub server: `PYGENT_GITHUB_*`, the `[github]` table, and `GITHUB_TOKEN`.

    settings = GitHubSettings.load({"toolsets": ["repos"], "write": True})

The token is read from `GITHUB_TOKEN` (or `PYGENT_GITHUB_TOKEN`) and kept as a
secret: its repr is masked, and it is only ever sent to `api_url`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, ClassVar, Literal, Self

from pydantic import AliasChoices, Field, SecretStr, field_validator, model_validator
from pydantic_settings import NoDecode, SettingsConfigDict
from pygent.core.settings import ServerSettings, split_list

Toolset = Literal["context", "repos", "issues", "pull_requests", "git"]
ALL_TOOLSETS: tuple[Toolset, ...] = ("context", "repos", "issues", "pull_requests", "git")


class GitHubSettings(ServerSettings):
    """What the GitHub server may reach and which tools it shows."""

    model_config = SettingsConfigDict(
        env_prefix="PYGENT_GITHUB_", extra="ignore", env_ignore_empty=True, validate_by_name=True
    )
    section: ClassVar[tuple[str, ...] | None] = ("github",)
    server_name: ClassVar[str] = "github"

    token: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("GITHUB_TOKEN", "PYGENT_GITHUB_TOKEN"),
        description="GitHub token; read from GITHUB_TOKEN",
    )
    api_url: str = Field(
        default="https://api.github.com",
        description="REST API base URL; for GitHub Enterprise Server https://HOST/api/v3",
    )
    toolsets: Annotated[list[Toolset], NoDecode] = Field(
        default_factory=lambda: list(ALL_TOOLSETS), description="toolsets to expose"
    )
    write: bool = Field(default=False, description="expose write tools; read-only (no write tool at all) otherwise")
    git_roots: Annotated[list[Path], NoDecode] = Field(
        default_factory=list,
        description="local repositories must lie under one of these folders; "
        "default: the data folder's workspace ($PYGENT_HOME/workspace)",
    )
    timeout: float = Field(default=30.0, gt=0, description="seconds per GitHub request")
    max_retries: int = Field(default=2, ge=0, le=10, description="retries of a request that got a 5xx")
    retry_backoff: float = Field(default=0.5, ge=0, description="first retry delay in seconds; doubles each time")
    rate_limit_wait: float = Field(
        default=5.0, ge=0, description="wait up to this many seconds for a rate limit to reset, else fail"
    )
    git_timeout: float = Field(default=30.0, gt=0, description="seconds per local git command")
    max_output_chars: int = Field(default=100_000, ge=1_000, description="cap on diffs and file contents returned")

    _split_lists = field_validator("toolsets", "git_roots", mode="before")(split_list)

    @field_validator("api_url", mode="after")
    @classmethod
    def _strip_slash(cls, value: str) -> str:
        value = value.rstrip("/")
        if not value.startswith(("https://", "http://")):
            raise ValueError("must be an http(s) URL")
        return value

    @field_validator("git_roots", mode="after")
    @classmethod
    def _absolute_roots(cls, value: list[Path]) -> list[Path]:
        return [root.expanduser().resolve() for root in value]

    @model_validator(mode="after")
    def _default_roots(self) -> Self:
        # Not the working directory: a desktop app launches servers in `/`.
        if not self.git_roots:
            self.git_roots = [self.data.workspace.resolve()]
        return self

    def has_token(self) -> bool:
        return self.token is not None and bool(self.token.get_secret_value())
