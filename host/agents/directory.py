"""Agent specs, read and written through the factory server like any MCP client would.

    directory = AgentDirectory(mesh)
    spec = await directory.create("notes", template="general")
    await directory.get("notes")           # the latest AgentSpec
    directory.names()                      # cached, for the gateway's synchronous tool listing

The host talks to servers only over MCP (DESIGN, rule 1), so specs live in the
factory server's store, and an agent created anywhere — the UI, the CLI, Claude
Desktop calling `factory_create_agent` — is seen everywhere: the cache is
refreshed after every factory call that passes through the host.
"""

from __future__ import annotations

import time
from typing import Any

from pygent.core.agent_spec import AgentSpec
from pygent.core.errors import ConflictError, InvalidArgumentError, NotFoundError, PygentError, UnavailableError
from pygent.host.mesh.interactions import NoInteractions
from pygent.host.mesh.mesh import Mesh

FACTORY = "factory"
REFRESH_AFTER = 5.0  # seconds a cached listing is trusted


def _error(text: str) -> PygentError:
    """The error a factory tool error stands for (its message is kept as is)."""
    if text.startswith("unknown agent"):
        return NotFoundError(text)
    if "already exists" in text:
        return ConflictError(text)
    return InvalidArgumentError(text)


class AgentDirectory:
    """The factory server's agents, with a cached listing."""

    def __init__(self, mesh: Mesh) -> None:
        self.mesh = mesh
        self._summaries: list[dict[str, Any]] = []
        self._listed_at = 0.0

    async def _call(self, tool: str, arguments: dict[str, Any]) -> dict[str, Any]:
        try:
            route = self.mesh.route_tool(f"{FACTORY}_{tool}")
        except NotFoundError as exc:
            raise UnavailableError(f"agents need the factory server: {exc.message}") from None
        result = await route.backend.call_tool(route.tool.name, arguments, interactions=NoInteractions())
        if not isinstance(result, dict):
            raise UnavailableError("the factory server asked for input")
        if result.get("isError"):
            text = " ".join(block.get("text", "") for block in result.get("content", []))
            raise _error(text.strip() or f"factory {tool} failed")
        structured = result.get("structuredContent")
        if not isinstance(structured, dict):
            raise UnavailableError(f"the factory server's {tool} returned no structured result")
        return structured

    async def listing(self) -> list[dict[str, Any]]:
        """Every agent's summary: name, type, description, version, updatedAt."""
        listed = await self._call("list_agents", {})
        self._summaries = list(listed.get("agents", []))
        self._listed_at = time.monotonic()
        return self._summaries

    async def names(self) -> list[str]:
        """Agent names, from a listing at most a few seconds old (empty without a factory server)."""
        if time.monotonic() - self._listed_at > REFRESH_AFTER:
            try:
                await self.listing()
            except PygentError:
                self._summaries, self._listed_at = [], time.monotonic()
        return [summary["name"] for summary in self._summaries]

    def summaries(self) -> list[dict[str, Any]]:
        return list(self._summaries)

    def invalidate(self) -> None:
        self._listed_at = 0.0

    async def get(self, name: str, version: int | None = None) -> AgentSpec:
        """Raises NotFoundError for an unknown agent or version."""
        arguments: dict[str, Any] = {"name": name}
        if version is not None:
            arguments["version"] = version
        return AgentSpec.model_validate((await self._call("get_agent", arguments))["agent"])

    async def versions(self, name: str) -> list[int]:
        return list((await self._call("get_agent", {"name": name}))["versions"])

    async def create(self, name: str, template: str | None = None, spec: dict[str, Any] | None = None) -> AgentSpec:
        arguments: dict[str, Any] = {"name": name}
        if template is not None:
            arguments["template"] = template
        if spec:
            arguments["spec"] = spec
        made = await self._call("create_agent", arguments)
        self.invalidate()
        return AgentSpec.model_validate(made["agent"])

    async def update(self, name: str, changes: dict[str, Any]) -> AgentSpec:
        updated = await self._call("update_agent", {"name": name, "changes": changes})
        self.invalidate()
        return AgentSpec.model_validate(updated["agent"])

    async def delete(self, name: str) -> None:
        await self._call("delete_agent", {"name": name})
        self.invalidate()

    async def templates(self) -> list[AgentSpec]:
        return [AgentSpec.model_validate(t) for t in (await self._call("list_templates", {}))["templates"]]
