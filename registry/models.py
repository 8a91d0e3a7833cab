"""Pydantic models of `mcp.json`: Claude Desktop's `mcpServers` object plus our keys.

    {"mcpServers": {
        "memory": {"command": "pygent", "args": ["server", "memory"]},
        "docs":   {"url": "https://example.com/mcp", "headers": {"Authorization": "Bearer ${DOCS_TOKEN}"},
                   "transport": "http", "tags": ["remote"], "excludeTools": ["delete_*"], "timeout": 30}
    }}

Our optional keys, ignored by other clients: `enabled`, `tags`, `includeTools`,
`excludeTools` (glob patterns on the server's own tool names), `timeout`
(seconds per call), `rateLimit` (calls per second) and `protocolVersion`
(`2025-11-25`, the default, `2026-07-28` or `auto`). `${VAR}` and `${VAR:-default}` are expanded when the file
is loaded (see `loader`).
"""

from __future__ import annotations

import json
import re
from fnmatch import fnmatchcase
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, field_validator
from pygent.core.agent_spec import AGENT_NAME_PATTERN, ViewDefinition

SERVER_NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$"
_SERVER_NAME = re.compile(SERVER_NAME_PATTERN)

ProtocolChoice = Literal["2025-11-25", "2026-07-28", "auto"]
# Most published servers ask for sampling and elicitation with session requests,
# which only the handshake era carries; `auto` would pick 2026-07-28 for any
# FastMCP 4 server and break them.
DEFAULT_PROTOCOL: ProtocolChoice = "2025-11-25"

ServerName = Annotated[str, Field(pattern=SERVER_NAME_PATTERN, description="letters, digits, '-' and '_'")]


class _EntryBase(BaseModel):
    model_config = ConfigDict(populate_by_name=True, extra="forbid")

    enabled: bool = True
    tags: list[str] = Field(default_factory=list)
    include_tools: list[str] | None = Field(
        default=None, alias="includeTools", description="only these tools (glob patterns); all when absent"
    )
    exclude_tools: list[str] = Field(default_factory=list, alias="excludeTools", description="hide these tools")
    timeout: float | None = Field(default=None, gt=0, description="per-call timeout in seconds")
    rate_limit: float | None = Field(
        default=None, gt=0, alias="rateLimit", description="calls per second to this server, across all callers"
    )
    protocol_version: ProtocolChoice = Field(
        default=DEFAULT_PROTOCOL,
        alias="protocolVersion",
        description=(
            "the MCP era the mesh speaks to this server: 2025-11-25 (sessions; server requests such as "
            "sampling work the classic way), 2026-07-28 (stateless), or auto (the newest the server offers)"
        ),
    )
    description: str | None = None

    def allows_tool(self, tool_name: str) -> bool:
        """Whether the include/exclude lists let this tool through."""
        if self.include_tools is not None and not any(fnmatchcase(tool_name, p) for p in self.include_tools):
            return False
        return not any(fnmatchcase(tool_name, pattern) for pattern in self.exclude_tools)


class StdioServer(_EntryBase):
    """A local server the mesh spawns and talks to over stdin/stdout."""

    transport: Literal["stdio"] = "stdio"
    command: str = Field(min_length=1)
    args: list[str] = Field(default_factory=list)
    env: dict[str, str] = Field(default_factory=dict)
    cwd: str | None = None


class RemoteServer(_EntryBase):
    """A server reached over streamable HTTP (`http`) or legacy SSE (`sse`)."""

    transport: Literal["http", "sse"] = "http"
    url: str
    headers: dict[str, str] = Field(default_factory=dict)

    @field_validator("transport", mode="before")
    @classmethod
    def _aliases(cls, value: Any) -> Any:
        return "http" if value in ("streamable-http", "streamable_http", "streamableHttp") else value

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not re.match(r"^https?://[^\s/]+", value):
            raise ValueError(f"url must be an http:// or https:// URL, got {value!r}")
        return value


ServerEntry = StdioServer | RemoteServer

REMOTE_TRANSPORTS = ("http", "streamable-http", "sse")


def parse_entry(raw: Any) -> ServerEntry:
    """Validate one `mcpServers` entry, choosing the stdio or remote model by its keys.

    `type` (Cursor, VS Code) is accepted as a synonym of `transport`.

    Raises:
        ValueError: with a message that names the problem.
        pydantic.ValidationError: a field is invalid.
    """
    if not isinstance(raw, dict):
        raise ValueError("must be a JSON object")
    data = dict(raw)
    if "type" in data and "transport" not in data:
        data["transport"] = data.pop("type")
    elif "type" in data:
        data.pop("type")
    transport = data.get("transport")
    if transport is not None and transport != "stdio" and transport not in REMOTE_TRANSPORTS:
        raise ValueError(f"unknown transport {transport!r} (use stdio, http or sse)")
    if "command" in data:
        if transport not in (None, "stdio"):
            raise ValueError(f"transport {transport!r} needs a url, not a command")
        return StdioServer.model_validate(data)
    if "url" in data:
        if transport == "stdio":
            raise ValueError("transport 'stdio' needs a command, not a url")
        return RemoteServer.model_validate(data)
    if transport in REMOTE_TRANSPORTS:
        raise ValueError("missing url")
    raise ValueError("missing command (or url for a remote server)")


def dump_entry(entry: ServerEntry) -> dict[str, Any]:
    """The entry as it is written to `mcp.json`: aliases, and only non-default keys."""
    return entry.model_dump(by_alias=True, exclude_defaults=True, mode="json")


def is_valid_server_name(name: str) -> bool:
    return bool(_SERVER_NAME.match(name))


class MeshConfigModel(BaseModel):
    """The whole file; used to generate the JSON Schema."""

    model_config = ConfigDict(extra="allow", title="PyGent Factory mesh (mcp.json)")

    mcpServers: dict[ServerName, Annotated[StdioServer | RemoteServer, Field(union_mode="left_to_right")]] = Field(
        default_factory=dict, description="Claude Desktop's mcpServers object, plus PyGent keys"
    )
    views: dict[Annotated[str, Field(pattern=AGENT_NAME_PATTERN)], ViewDefinition] = Field(
        default_factory=dict, description="named selections of the mesh's tools, each served at /views/<name>/mcp"
    )


def json_schema() -> dict[str, Any]:
    """JSON Schema of `mcp.json`, generated from the models."""
    schema = TypeAdapter(MeshConfigModel).json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema


def schema_text() -> str:
    return json.dumps(json_schema(), indent=2, sort_keys=True) + "\n"
