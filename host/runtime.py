"""Everything the host runs, assembled from settings: store, registry, mesh, gateway faces.

    async with HostRuntime.open(settings) as runtime:
        await runtime.mesh.wait_settled(10)
        runtime.aggregate          # the /mcp, /sse and stdio face
        await runtime.server_face("memory")   # the /servers/memory/mcp face

Shared by `pygent serve` (HTTP), `pygent mcp` (stdio) and CLI commands that run
a mesh in-process.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Mapping
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field

import anyio
import anyio.abc
from pygent.agents.conversations import ConversationStore
from pygent.agents.events import Event
from pygent.core.db import open_engine
from pygent.core.errors import NotFoundError
from pygent.core.ratelimit import RateLimiter
from pygent.core.settings import Settings
from pygent.host.agents.service import AgentService
from pygent.host.events_feed import EventFeed, MeshWatcher
from pygent.host.gateway.agent_tools import AgentTools, agent_view
from pygent.host.gateway.pending import PendingCalls
from pygent.host.gateway.server import GatewayFace
from pygent.host.gateway.views import AggregateView, ServerView, ToolboxView
from pygent.host.guard import ToolGuard
from pygent.host.mesh.mesh import Mesh
from pygent.host.meshconfig import config_views, open_registry, policy_from
from pygent.host.tool_views import ViewToolbox
from pygent.host.view_store import ViewStore
from pygent.registry.registry import Registry


@dataclass
class HostRuntime:
    settings: Settings
    registry: Registry
    mesh: Mesh
    pending: PendingCalls
    aggregate: GatewayFace
    group: anyio.abc.TaskGroup
    guard: ToolGuard
    agents: AgentService
    extras: AgentTools
    views: ViewStore
    feed: EventFeed
    _faces: dict[str, GatewayFace] = field(default_factory=dict)
    _faces_lock: anyio.Lock = field(default_factory=anyio.Lock)

    @classmethod
    @asynccontextmanager
    async def open(
        cls, settings: Settings, environ: Mapping[str, str] | None = None, *, http: bool = True
    ) -> AsyncIterator[HostRuntime]:
        env = dict(os.environ if environ is None else environ)
        registry = await open_registry(settings, env)
        views = ViewStore(open_engine(settings.database_url, settings.data.state_db), config_views(settings))
        await views.create()
        async with AsyncExitStack() as stack:
            group = await stack.enter_async_context(anyio.create_task_group())
            limiter = RateLimiter(settings.rate_limit_storage)
            mesh = await stack.enter_async_context(Mesh(registry, policy_from(settings), env, limiter))
            pending = PendingCalls()
            pending.attach(group)
            guard = ToolGuard()
            conversations = ConversationStore(open_engine(settings.database_url, settings.data.state_db))
            await conversations.create()
            agents = AgentService(mesh, settings, conversations, guard)
            extras = AgentTools(agents)
            aggregate = GatewayFace(
                AggregateView(mesh), pending, max_body_bytes=settings.max_body_bytes, guard=guard, extras=extras
            )
            if http:
                await stack.enter_async_context(aggregate.running())
            feed = EventFeed()
            runtime = cls(settings, registry, mesh, pending, aggregate, group, guard, agents, extras, views, feed)
            mesh.add_listener(MeshWatcher(mesh, feed).changed)
            agents.listeners.append(runtime._agent_event)
            mesh.add_listener(runtime._mesh_changed)
            mesh.add_resource_listener(runtime._resource_updated)
            try:
                yield runtime
            finally:
                group.cancel_scope.cancel()

    async def _agent_event(self, event: Event, owner: str) -> None:
        await self.feed.publish(event.model_dump(by_alias=True, mode="json"), owner=owner)

    async def _mesh_changed(self) -> None:
        for face in [self.aggregate, *self._faces.values()]:
            await face.notify_changed()

    async def _resource_updated(self, server: str, uri: str) -> None:
        for face in [self.aggregate, *self._faces.values()]:
            await face.handlers.resource_updated(server, uri)

    async def server_face(self, name: str) -> GatewayFace:
        """The pass-through face of one server, started on first use.

        Raises:
            NotFoundError: no such server is registered.
        """
        if name not in self.registry:
            raise NotFoundError(f"unknown server {name!r}")
        face = self._faces.get(name)
        if face is None:
            async with self._faces_lock:
                face = self._faces.get(name)
                if face is None:
                    face = GatewayFace(
                        ServerView(self.mesh, name),
                        self.pending,
                        instructions=None,
                        max_body_bytes=self.settings.max_body_bytes,
                        guard=self.guard,
                    )
                    await self.group.start(self._run_face, face)
                    self._faces[name] = face
        return face

    async def agent_face(self, name: str) -> GatewayFace:
        """The face of one agent (its view's tools plus `ask`), started on first use.

        Raises:
            NotFoundError: no such agent.
        """
        spec = await self.agents.directory.get(name)
        instructions = f"The PyGent agent '{name}': {spec.description}".strip()
        return await self._toolbox_face(agent_view(name), self.agents.toolbox_for(spec), instructions)

    async def view_face(self, name: str, *, search: bool = False) -> GatewayFace:
        """The face of a named view (`/views/<name>/mcp`; with `search`, always as find_tools/call_tool).

        Raises:
            NotFoundError: no such view.
        """
        view = await self.views.get(name)
        toolbox = ViewToolbox(self.mesh, view, self.agents.search, label=f"view {name}", force_search=search)
        instructions = f"The PyGent view '{name}': {view.description}".strip()
        return await self._toolbox_face(f"view:{name}" + ("?search" if search else ""), toolbox, instructions)

    async def _toolbox_face(self, key: str, toolbox: ViewToolbox, instructions: str) -> GatewayFace:
        face = self._faces.get(key)
        if face is not None:
            view = face.handlers.view
            if isinstance(view, ToolboxView):
                view.toolbox = toolbox  # the latest version of the spec
            return face
        async with self._faces_lock:
            face = self._faces.get(key)
            if face is None:
                face = GatewayFace(
                    ToolboxView(key.split("?")[0], toolbox),
                    self.pending,
                    instructions=instructions,
                    max_body_bytes=self.settings.max_body_bytes,
                    guard=self.guard,
                    extras=self.extras,
                )
                await self.group.start(self._run_face, face)
                self._faces[key] = face
        return face

    async def _run_face(self, face: GatewayFace, *, task_status: anyio.abc.TaskStatus[None]) -> None:
        async with face.running():
            task_status.started()
            await anyio.sleep_forever()
