"""Settings of the search server: `PYGENT_SEARCH_*`, the `[search]` table, and `BRAVE_API_KEY`.

    settings = SearchSettings.load({"searxng_url": "http://127.0.0.1:8888", "academic": ["arxiv"]})

A provider is enabled by configuring it: SearXNG by its URL, Brave by its API
key, arXiv and Semantic Scholar by naming them in `academic`. With none, the web
tools explain which settings to set and `local_search` still works offline.
"""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Annotated, ClassVar, Literal, Self

from pydantic import AliasChoices, Field, SecretStr, field_validator, model_validator
from pydantic_settings import NoDecode, SettingsConfigDict
from pygent.core.settings import ServerSettings, split_list

AcademicProvider = Literal["arxiv", "semantic_scholar"]
TEXT_EXTENSIONS = (
    ".md",
    ".markdown",
    ".txt",
    ".rst",
    ".adoc",
    ".org",
    ".tex",
    ".html",
    ".htm",
    ".csv",
    ".json",
    ".yaml",
    ".yml",
    ".toml",
    ".ini",
    ".cfg",
    ".py",
    ".js",
    ".ts",
    ".tsx",
    ".jsx",
    ".go",
    ".rs",
    ".java",
    ".kt",
    ".c",
    ".h",
    ".cpp",
    ".hpp",
    ".cs",
    ".rb",
    ".php",
    ".sh",
    ".sql",
    ".swift",
    ".scala",
    ".lua",
    ".r",
    ".jl",
)


class SearchSettings(ServerSettings):
    """Which providers the search server uses, and the limits of fetch and the local index."""

    model_config = SettingsConfigDict(
        env_prefix="PYGENT_SEARCH_", extra="ignore", env_ignore_empty=True, validate_by_name=True
    )
    section: ClassVar[tuple[str, ...] | None] = ("search",)
    server_name: ClassVar[str] = "search"

    searxng_url: str | None = Field(default=None, description="base URL of a SearXNG instance (JSON format enabled)")
    brave_api_key: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("BRAVE_API_KEY", "PYGENT_SEARCH_BRAVE_API_KEY"),
        description="Brave Search API key; read from BRAVE_API_KEY",
    )
    brave_url: str = "https://api.search.brave.com/res/v1/web/search"
    academic: Annotated[list[AcademicProvider], NoDecode] = Field(
        default_factory=list, description="academic providers to use: arxiv, semantic_scholar"
    )
    arxiv_url: str = "https://export.arxiv.org/api/query"
    semantic_scholar_url: str = "https://api.semanticscholar.org/graph/v1"
    semantic_scholar_api_key: SecretStr | None = None
    provider_timeout: float = Field(default=15.0, gt=0, description="seconds per provider request")
    cache_ttl: float = Field(default=3600.0, ge=0, description="seconds a search or fetch result is reused; 0 = off")

    fetch_timeout: float = Field(default=20.0, gt=0, description="seconds for a whole fetch, redirects included")
    fetch_max_bytes: int = Field(default=5_000_000, ge=1_000, description="bytes read from a page at most")
    fetch_max_redirects: int = Field(default=5, ge=0, le=20)
    fetch_allow_networks: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="CIDR ranges fetch may reach although private/loopback/link-local (e.g. 127.0.0.1/32)",
    )
    ignore_robots_txt: bool = Field(default=False, description="fetch pages robots.txt disallows")
    user_agent: str = "PyGentFactory/0.1 (+https://github.com/pygent-factory; autonomous)"

    roots: Annotated[list[Path], NoDecode] = Field(
        default_factory=list,
        description="folders local_search indexes; default: the data folder's workspace ($PYGENT_HOME/workspace)",
    )
    index_max_files: int = Field(default=20_000, ge=1, description="files indexed at most")
    index_max_file_bytes: int = Field(default=1_000_000, ge=1_000, description="larger files are skipped")
    index_refresh_seconds: float = Field(default=60.0, ge=0, description="re-scan the roots at most this often")
    index_extensions: Annotated[list[str], NoDecode] = Field(default_factory=lambda: list(TEXT_EXTENSIONS))

    _split_lists = field_validator("academic", "fetch_allow_networks", "roots", "index_extensions", mode="before")(
        split_list
    )

    @field_validator("fetch_allow_networks", mode="after")
    @classmethod
    def _networks(cls, value: list[str]) -> list[str]:
        for network in value:
            ipaddress.ip_network(network, strict=False)
        return value

    @field_validator("roots", mode="after")
    @classmethod
    def _absolute_roots(cls, value: list[Path]) -> list[Path]:
        return [root.expanduser().resolve() for root in value]

    @model_validator(mode="after")
    def _default_roots(self) -> Self:
        # Not the working directory: a desktop app launches servers in `/`.
        if not self.roots:
            self.roots = [self.data.workspace.resolve()]
        return self

    @field_validator("searxng_url", "brave_url", "arxiv_url", "semantic_scholar_url", mode="after")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError("must be an http(s) URL")
        return value.rstrip("/") if value else value

    def secret(self, name: Literal["brave_api_key", "semantic_scholar_api_key"]) -> str | None:
        value: SecretStr | None = getattr(self, name)
        return value.get_secret_value() if value is not None and value.get_secret_value() else None
