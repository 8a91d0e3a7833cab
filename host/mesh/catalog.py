"""What a server offers, as it last listed it, and how it is listed.

catalog = await list_catalog(client)      # every page of tools, resources, templates, prompts
catalog.header_schemas                    # tools that mirror arguments into Mcp-Param-* headers
catalog.ttl                               # seconds the listing stays fresh (2026-07-28 `ttlMs`), or None
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import mcp
import mcp_types as types

MAX_PAGES = 1000


@dataclass
class Catalog:
    """A server's components; replaced as a whole when the server's lists change."""

    tools: list[types.Tool] = field(default_factory=list)
    resources: list[types.Resource] = field(default_factory=list)
    templates: list[types.ResourceTemplate] = field(default_factory=list)
    prompts: list[types.Prompt] = field(default_factory=list)
    # The shortest `ttlMs` of the lists (SEP-2549), in seconds; None when the
    # server sent none (handshake era: its list_changed notifications say when).
    ttl: float | None = field(default=None, compare=False)

    @cached_property
    def _by_name(self) -> dict[str, types.Tool]:
        return {tool.name: tool for tool in self.tools}

    def tool(self, name: str) -> types.Tool | None:
        """The server's own definition of one of its tools."""
        return self._by_name.get(name)

    @cached_property
    def header_schemas(self) -> dict[str, dict[str, Any]]:
        """Input schemas of the tools that mirror arguments into `Mcp-Param-*` headers (SEP-2243)."""
        return {
            tool.name: dict(tool.input_schema) for tool in self.tools if "x-mcp-header" in json.dumps(tool.input_schema)
        }


async def list_catalog(client: mcp.Client) -> Catalog:
    """Everything the server advertises, every page of it."""
    caps = client.server_capabilities
    session = client.session
    catalog = Catalog()
    ttls: list[float] = []
    if caps.tools is not None:
        catalog.tools = await _paginate(lambda c: session.list_tools(params=_page(c)), "tools", ttls)
    if caps.resources is not None:
        catalog.resources = await _paginate(lambda c: session.list_resources(params=_page(c)), "resources", ttls)
        catalog.templates = await _paginate(
            lambda c: session.list_resource_templates(params=_page(c)), "resource_templates", ttls
        )
    if caps.prompts is not None:
        catalog.prompts = await _paginate(lambda c: session.list_prompts(params=_page(c)), "prompts", ttls)
    catalog.ttl = min(ttls, default=None)
    return catalog


def _page(cursor: str | None) -> types.PaginatedRequestParams | None:
    return None if cursor is None else types.PaginatedRequestParams(cursor=cursor)


async def _paginate(fetch: Callable[[str | None], Awaitable[Any]], attribute: str, ttls: list[float]) -> list[Any]:
    items: list[Any] = []
    cursor: str | None = None
    for _ in range(MAX_PAGES):
        page = await fetch(cursor)
        items.extend(getattr(page, attribute))
        if "ttl_ms" in page.model_fields_set:
            ttls.append(page.ttl_ms / 1000)
        cursor = page.next_cursor
        if not cursor:
            break
    return items
