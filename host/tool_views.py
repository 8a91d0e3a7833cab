"""A view's tools as a client sees them: the tools themselves, or `find_tools` and `call_tool`.

    search = MeshToolSearch(mesh)                    # one hybrid index over the mesh's tools
    toolbox = ViewToolbox(mesh, view_spec, search)
    toolbox.tools()          # the view's tools; or the two meta-tools when over budget / asked
    await toolbox.find_tools("remember a fact", 3)   # [{"name": "memory_remember", ...}, ...]
    toolbox.route("memory_remember")                 # only tools of the view route

A view larger than its budget (too many tools, or tool definitions longer
than its token budget) would crowd a model's context; instead it offers two
meta-tools: `find_tools` searches only the view's tools (the offline embedder
plus BM25, core/tool_search.py) and `call_tool` runs one of them by name. The
same toolbox serves agents (host/agents) and MCP faces (`/views/<name>/mcp`,
`/agents/<name>/mcp`), so every client gets the same selection and rules.
"""

from __future__ import annotations

import json
from typing import Any

import anyio
import anyio.to_thread
import mcp_types as types
from pygent.core.agent_spec import ViewSpec
from pygent.core.embeddings.models import load_embedder
from pygent.core.errors import NotFoundError
from pygent.core.tool_search import ToolDoc, ToolIndex
from pygent.host.mesh.mesh import Mesh, ToolRoute

FIND_TOOLS = "find_tools"
CALL_TOOL = "call_tool"
META_TOOLS = (FIND_TOOLS, CALL_TOOL)
CHARS_PER_TOKEN = 4  # the usual estimate for English and JSON; bench/ measures real tokenizers

_READ_ONLY = types.ToolAnnotations(read_only_hint=True, destructive_hint=False, open_world_hint=False)


def meta_tools(view: str) -> list[types.Tool]:
    """`find_tools` and `call_tool` for the view named `view`."""
    return [
        types.Tool(
            name=FIND_TOOLS,
            description=f"Search the tools of {view} by what you want done; returns the best matches with "
            "their argument schemas. Then run one with call_tool.",
            input_schema={
                "type": "object",
                "properties": {
                    "query": {"type": "string", "minLength": 1, "description": "the task, in plain words"},
                    "k": {"type": "integer", "minimum": 1, "maximum": 20, "default": 5, "description": "how many"},
                },
                "required": ["query"],
            },
            annotations=_READ_ONLY,
        ),
        types.Tool(
            name=CALL_TOOL,
            description=f"Run one tool of {view} by its name (as find_tools gives it) with its arguments.",
            input_schema={
                "type": "object",
                "properties": {
                    "name": {"type": "string", "description": "the tool's name"},
                    "arguments": {"type": "object", "description": "the tool's arguments", "default": {}},
                },
                "required": ["name"],
            },
        ),
    ]


def definition_tokens(tools: list[types.Tool]) -> int:
    """An estimate of the tokens the tools' definitions take in a model's context."""
    dumped = [tool.model_dump(by_alias=True, mode="json", exclude_none=True) for tool in tools]
    return len(json.dumps(dumped)) // CHARS_PER_TOKEN


class MeshToolSearch:
    """One hybrid index over every tool of the mesh; each search is limited to one view's names.

    The embedder loads on the first search, and the index follows the mesh's
    catalog (only new or changed tools are embedded again).
    """

    def __init__(self, mesh: Mesh) -> None:
        self.mesh = mesh
        self._index: ToolIndex | None = None
        self._indexed: tuple[tuple[str, str], ...] = ()
        self._lock = anyio.Lock()

    async def search(self, query: str, k: int, allowed: list[str]) -> list[str]:
        """Names of the `k` best tools for `query` among `allowed`, best first."""
        async with self._lock:
            if self._index is None:
                self._index = ToolIndex(await anyio.to_thread.run_sync(load_embedder))
            routes = self.mesh.tool_routes()
            state = tuple(sorted((name, route.tool.model_dump_json()) for name, route in routes.items()))
            if state != self._indexed:
                docs = [
                    ToolDoc.from_tool(name, route.tool.description, route.tool.input_schema)
                    for name, route in routes.items()
                ]
                await anyio.to_thread.run_sync(self._index.update, docs)
                self._indexed = state
            index = self._index
        matches = await anyio.to_thread.run_sync(lambda: index.search(query, k, allowed=allowed))
        return [match.name for match in matches]


class ViewToolbox:
    """The tools of one view of the mesh, or its meta-tools.

    `search`: "auto" offers the meta-tools when the view is over its budget,
    "always" and "never" do what they say; `force_search` (a face opened with
    `?search=1`) turns them on whatever the spec says.
    """

    def __init__(
        self,
        mesh: Mesh,
        spec: ViewSpec,
        search: MeshToolSearch,
        *,
        label: str = "this view",
        force_search: bool = False,
    ) -> None:
        self.mesh = mesh
        self.spec = spec
        self.index = search
        self.label = label
        self.force_search = force_search

    def _routes(self) -> dict[str, ToolRoute]:
        tags = {r.name: list(r.entry.tags) for r in self.mesh.registry.all()}
        return {
            name: route
            for name, route in self.mesh.tool_routes().items()
            if self.spec.selects(route.backend.name, route.tool.name, tags.get(route.backend.name, []))
        }

    def view_tools(self) -> list[types.Tool]:
        """The view's own tools, namespaced, whatever the search mode."""
        return [route.tool.model_copy(update={"name": name}) for name, route in self._routes().items()]

    def searching(self, tools: list[types.Tool] | None = None) -> bool:
        """Whether the view offers the meta-tools instead of its tools."""
        if self.force_search or self.spec.search == "always":
            return True
        if self.spec.search == "never":
            return False
        tools = self.view_tools() if tools is None else tools
        budget = self.spec.budget
        return len(tools) > budget.max_tools or definition_tokens(tools) > budget.max_tokens

    def tools(self) -> list[types.Tool]:
        tools = self.view_tools()
        return meta_tools(self.label) if self.searching(tools) else tools

    def route(self, name: str) -> ToolRoute:
        """Raises NotFoundError for a name outside the view."""
        route = self._routes().get(name)
        if route is None:
            raise NotFoundError(f"Unknown tool: {name!r}")
        return route

    async def find_tools(self, query: str, k: int = 5) -> list[dict[str, Any]]:
        """The view's best tools for `query`, with what a client needs to call them."""
        routes = self._routes()
        names = await self.index.search(query, max(1, min(k, 20)), allowed=list(routes))
        return [
            {
                "name": name,
                "server": routes[name].backend.name,
                "description": routes[name].tool.description or "",
                "inputSchema": routes[name].tool.input_schema,
            }
            for name in names
            if name in routes
        ]
