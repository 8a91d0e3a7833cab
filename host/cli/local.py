"""The mesh without a host: the registry read and changed here, servers started in-process for tools.

    async with LocalControl.open(settings) as control:     # opens the registry once
        await control.add("notes", StdioServer(command="notes-mcp"))
        await control.call_tool("notes_search", {"q": "x"})  # starts the mesh, once

Status is configuration only (`stopped` or `disabled`); tool lists and the
last health event come from what the last running host recorded.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any

import anyio
from pygent.core.errors import UnavailableError
from pygent.core.logs import configure_logging
from pygent.core.settings import Settings
from pygent.host.api import ServerDetail, ServerSummary, call_backend_tool
from pygent.host.cli.output import say
from pygent.host.mesh.backend import Status
from pygent.host.mesh.mesh import Mesh
from pygent.host.mesh.stdio_process import command_line
from pygent.host.meshconfig import open_registry, policy_from
from pygent.registry.models import ServerEntry, StdioServer, dump_entry
from pygent.registry.registry import Registration, Registry
from pygent.registry.secrets import mask_entry

NOT_RUNNING = "the host is not running"


class LocalControl:
    """`MeshControl` on the registry of these settings."""

    live = False

    def __init__(self, settings: Settings, registry: Registry, stack: AsyncExitStack) -> None:
        self.settings = settings
        self.registry = registry
        self._stack = stack
        self._mesh: Mesh | None = None

    @classmethod
    @asynccontextmanager
    async def open(cls, settings: Settings) -> AsyncIterator[LocalControl]:
        registry = await open_registry(settings, os.environ)
        async with AsyncExitStack() as stack:
            yield cls(settings, registry, stack)

    async def _summary(self, registration: Registration) -> ServerSummary:
        entry = registration.entry
        shown = mask_entry(entry)
        catalog = await self.registry.store.catalog(registration.name) or []
        return ServerSummary(
            name=registration.name,
            source=registration.source,
            transport=entry.transport,
            enabled=registration.enabled,
            status=Status.STOPPED.value if registration.enabled else "disabled",
            restarts=0,
            tool_count=len(catalog),
            last_error=None,
            pid=None,
            protocol_version=None,
            tags=list(entry.tags),
            stderr_tail=[],
            config=dump_entry(shown),
            argv=command_line(shown, os.environ) if isinstance(shown, StdioServer) else None,
        )

    async def servers(self) -> list[ServerSummary]:
        return [await self._summary(registration) for registration in self.registry.all()]

    async def server(self, name: str) -> ServerDetail:
        summary = await self._summary(self.registry.get(name))
        tools = await self.registry.store.catalog(name) or []
        history = await self.registry.store.health_history(name)
        health = [{"at": e.at, "status": e.status, "detail": e.detail} for e in history]
        return ServerDetail(**summary.model_dump(), tools=tools, health=health)

    async def add(self, name: str, entry: ServerEntry) -> ServerSummary:
        return await self._summary(await self.registry.add(name, entry))

    async def remove(self, name: str) -> None:
        await self.registry.remove(name)

    async def set_enabled(self, name: str, enabled: bool) -> ServerSummary:
        return await self._summary(await self.registry.set_enabled(name, enabled))

    async def restart(self, name: str) -> ServerSummary:
        self.registry.get(name)
        raise UnavailableError(f"{NOT_RUNNING}: nothing to restart (`pygent serve` starts every enabled server)")

    async def entries(self) -> dict[str, ServerEntry]:
        return {registration.name: registration.entry for registration in self.registry.all()}

    async def _running_mesh(self) -> Mesh:
        if self._mesh is None:
            configure_logging("ERROR")
            mesh = Mesh(self.registry, policy_from(self.settings), os.environ)
            self._mesh = await self._stack.enter_async_context(mesh)
            await _settle(self._mesh, self.settings.connect_timeout)
        return self._mesh

    async def tools(self) -> list[dict[str, Any]]:
        mesh = await self._running_mesh()
        tools = []
        for name, route in mesh.tool_routes().items():
            info: dict[str, Any] = route.tool.model_dump(by_alias=True, exclude_none=True, mode="json")
            info.update(name=name, server=route.backend.name, tool=route.tool.name)
            tools.append(info)
        return tools

    async def call_tool(self, name: str, arguments: dict[str, Any]) -> dict[str, Any]:
        route = (await self._running_mesh()).route_tool(name)
        return await call_backend_tool(route.backend, route.tool.name, arguments)


async def _settle(mesh: Mesh, timeout: float) -> None:
    """Wait for every server to be ready or failed, saying how far it got."""
    total = len(mesh.backends)
    say(f"starting {total} servers in-process ({NOT_RUNNING})...")
    with anyio.move_on_after(timeout):
        while True:
            settled = sum(b.status in (Status.READY, Status.FAILED) for b in mesh.backends.values())
            if settled == total:
                break
            say(f"  {settled}/{total} servers settled")
            with anyio.move_on_after(1.0):
                await mesh.wait_settled()
    for backend in mesh.backends.values():
        if backend.status != Status.READY:
            say(f"  {backend.name}: {backend.status.value} {backend.last_error or ''}")
