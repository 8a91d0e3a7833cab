"""The mesh: every registered server's backend, and the aggregated, namespaced catalog.

    >>> import sys, tempfile, anyio
    >>> from pathlib import Path
    >>> from pygent.core.db import open_engine
    >>> from pygent.registry.models import parse_entry
    >>> from pygent.registry.registry import Registry
    >>> from pygent.registry.store import RegistryStore
    >>> ADD = "import fastmcp; m = fastmcp.FastMCP('demo'); m.tool(name='add')(lambda a, b: a + b); m.run()"
    >>> async def demo(state: Path) -> str:
    ...     store = RegistryStore(open_engine(None, state))
    ...     await store.create()
    ...     registry = Registry({"demo": parse_entry({"command": sys.executable, "args": ["-c", ADD]})}, store)
    ...     await registry.load()
    ...     async with Mesh(registry, SupervisorPolicy(), {}) as mesh:
    ...         await mesh.wait_settled(30)
    ...         route = mesh.route_tool("demo_add")          # namespaced: <server>_<tool>
    ...         result = await route.backend.call_tool(route.tool.name, {"a": 2, "b": 3})
    ...         return result["content"][0]["text"]
    >>> anyio.run(demo, Path(tempfile.mkdtemp()) / "state.db")
    '5'

Each backend runs its own supervisor in the mesh's task group, so one slow or
crashing server never delays another. Listeners (the gateway) hear about
every catalog or status change.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from types import TracebackType

import anyio
import anyio.abc
import mcp_types as types
from pygent.core.errors import NotFoundError, PygentError
from pygent.core.ratelimit import RateLimiter
from pygent.host.mesh.backend import Backend, Status, SupervisorPolicy
from pygent.host.mesh.namespacing import original_uri, resource_uri, tool_name
from pygent.host.mesh.stdio_process import command_line
from pygent.registry.models import ServerEntry, StdioServer
from pygent.registry.registry import Registration, Registry

log = logging.getLogger("pygent.host.mesh")

Listener = Callable[[], Awaitable[None]]
ResourceListener = Callable[[str, str], Awaitable[None]]
SETTLED = (Status.READY, Status.FAILED)


@dataclass(frozen=True)
class ToolRoute:
    backend: Backend
    tool: types.Tool  # the server's own definition (un-namespaced)


class Mesh:
    """All backends of a registry, supervised in one task group."""

    def __init__(
        self,
        registry: Registry,
        policy: SupervisorPolicy,
        environ: Mapping[str, str],
        limiter: RateLimiter | None = None,
    ) -> None:
        self.registry = registry
        self.policy = policy
        self.limiter = limiter or RateLimiter()
        self._environ = dict(environ)
        self._backends: dict[str, Backend] = {}
        self._group: anyio.abc.TaskGroup | None = None
        self._listeners: list[Listener] = []
        self._resource_listeners: list[ResourceListener] = []
        self._tool_routes: dict[str, ToolRoute] | None = None
        self._changed = anyio.Event()
        self._recording = 0  # status changes whose health and catalog are still being written
        self._lock = anyio.Lock()
        self._running: AbstractAsyncContextManager[Mesh]

    async def __aenter__(self) -> Mesh:
        self._running = self._run()
        return await self._running.__aenter__()

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self._running.__aexit__(exc_type, exc, tb)

    @asynccontextmanager
    async def _run(self) -> AsyncIterator[Mesh]:
        async with anyio.create_task_group() as group:
            self._group = group
            for registration in self.registry.all():
                if registration.enabled:
                    self._start(registration)
            try:
                yield self
            finally:
                with anyio.CancelScope(shield=True):
                    async with anyio.create_task_group() as stopping:
                        for backend in list(self._backends.values()):
                            stopping.start_soon(backend.stop)
                group.cancel_scope.cancel()

    # -------------------------------------------------------------- backends

    def _start(self, registration: Registration) -> Backend:
        assert self._group is not None, "the mesh is not running"
        backend = Backend(
            registration.name,
            registration.entry,
            self.policy,
            self._environ,
            self._backend_changed,
            self._resource_updated,
            self.limiter,
        )
        self._backends[registration.name] = backend
        self._group.start_soon(backend.supervise, name=f"supervise {registration.name}")
        return backend

    async def _stop(self, name: str) -> None:
        backend = self._backends.pop(name, None)
        if backend is not None:
            await backend.stop()
            await self._notify()

    @property
    def backends(self) -> dict[str, Backend]:
        return dict(self._backends)

    def backend(self, name: str) -> Backend:
        """The running backend of an enabled server.

        Raises:
            NotFoundError: unknown server, or disabled.
        """
        backend = self._backends.get(name)
        if backend is None:
            if name in self.registry:
                raise NotFoundError(f"server {name!r} is disabled")
            raise NotFoundError(f"unknown server {name!r}")
        return backend

    def command_line(self, entry: ServerEntry) -> list[str] | None:
        """The argv a stdio entry runs as (None for a remote server)."""
        return command_line(entry, self._environ) if isinstance(entry, StdioServer) else None

    async def add_server(self, name: str, entry: ServerEntry) -> Registration:
        async with self._lock:
            registration = await self.registry.add(name, entry)
            if registration.enabled:
                self._start(registration)
            await self._notify()
            return registration

    async def remove_server(self, name: str) -> None:
        async with self._lock:
            await self.registry.remove(name)
            await self._stop(name)

    async def set_enabled(self, name: str, enabled: bool) -> Registration:
        async with self._lock:
            registration = await self.registry.set_enabled(name, enabled)
            if enabled and name not in self._backends:
                self._start(registration)
            elif not enabled:
                await self._stop(name)
            await self._notify()
            return registration

    async def restart(self, name: str) -> None:
        await self.backend(name).restart()

    async def wait_settled(self, timeout: float | None = None) -> None:
        """Wait until every backend is ready or failed and its catalog recorded (or the timeout passes).

        Servers that read the recorded catalogs (the factory checks views against
        them) see every settled server's tools once this returns.
        """
        with anyio.move_on_after(timeout if timeout is not None else float("inf")):
            while self._recording or not all(b.status in SETTLED for b in self._backends.values()):
                changed = self._changed
                await changed.wait()

    # ---------------------------------------------------------- change events

    def add_listener(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def add_resource_listener(self, listener: ResourceListener) -> None:
        self._resource_listeners.append(listener)

    async def _resource_updated(self, backend: Backend, uri: str) -> None:
        for listener in list(self._resource_listeners):
            try:
                await listener(backend.name, uri)
            except Exception:
                log.exception("resource listener failed")

    async def _backend_changed(self, backend: Backend) -> None:
        # At once, not after recording: whoever sees the new status must see the routes that go with it.
        self._tool_routes = None
        store = self.registry.store
        self._recording += 1
        try:
            await store.record_health(backend.name, backend.status.value, backend.last_error)
            if backend.status == Status.READY:
                tools = [t.model_dump(by_alias=True, exclude_none=True, mode="json") for t in backend.catalog.tools]
                await store.save_catalog(backend.name, tools)
        except PygentError:
            log.warning("could not record server health", extra={"server": backend.name})
        finally:
            self._recording -= 1
        await self._notify()

    async def _notify(self) -> None:
        self._tool_routes = None
        changed, self._changed = self._changed, anyio.Event()
        changed.set()
        for listener in list(self._listeners):
            try:
                await listener()
            except Exception:
                log.exception("mesh listener failed")

    # ------------------------------------------------------ aggregated views

    def _ready(self) -> list[Backend]:
        return [b for _, b in sorted(self._backends.items()) if b.status == Status.READY]

    def tool_routes(self) -> dict[str, ToolRoute]:
        """Namespaced tool name -> route, for every ready server (include/exclude applied)."""
        if self._tool_routes is None:
            routes: dict[str, ToolRoute] = {}
            for backend in self._ready():
                for tool in backend.catalog.tools:
                    if backend.entry.allows_tool(tool.name):
                        routes[tool_name(backend.name, tool.name)] = ToolRoute(backend, tool)
            self._tool_routes = routes
        return self._tool_routes

    def route_tool(self, name: str) -> ToolRoute:
        """The route of a namespaced tool.

        Raises:
            NotFoundError: no ready server offers it; when the name is in the
                namespace of a disabled or unready server, the error says so.
        """
        route = self.tool_routes().get(name)
        if route is None:
            raise NotFoundError(self._why_unknown(name))
        return route

    def _why_unknown(self, name: str) -> str:
        for registration in self.registry.all():
            if not name.startswith(registration.name + "_"):
                continue
            backend = self._backends.get(registration.name)
            if backend is None:
                return f"tool {name!r} belongs to server {registration.name!r}, which is disabled"
            if backend.status != Status.READY:
                detail = f": {backend.last_error}" if backend.last_error else ""
                return f"tool {name!r} belongs to server {registration.name!r}, which is {backend.status.value}{detail}"
        return f"Unknown tool: {name!r}"

    def list_tools(self) -> list[types.Tool]:
        return [route.tool.model_copy(update={"name": name}) for name, route in self.tool_routes().items()]

    def list_resources(self) -> list[types.Resource]:
        return [
            resource.model_copy(update={"uri": resource_uri(backend.name, str(resource.uri))})
            for backend in self._ready()
            for resource in backend.catalog.resources
        ]

    def list_resource_templates(self) -> list[types.ResourceTemplate]:
        return [
            template.model_copy(update={"uri_template": resource_uri(backend.name, template.uri_template)})
            for backend in self._ready()
            for template in backend.catalog.templates
        ]

    def list_prompts(self) -> list[types.Prompt]:
        return [
            prompt.model_copy(update={"name": tool_name(backend.name, prompt.name)})
            for backend in self._ready()
            for prompt in backend.catalog.prompts
        ]

    def route_uri(self, uri: str) -> tuple[Backend, str]:
        """Find the server a namespaced resource URI belongs to.

        Raises:
            NotFoundError: no ready server's namespace matches.
        """
        for backend in self._ready():
            original = original_uri(backend.name, uri)
            if original is not None:
                return backend, original
        raise NotFoundError(f"Resource not found: {uri}")

    def route_prompt(self, name: str) -> tuple[Backend, str]:
        for backend in self._ready():
            for prompt in backend.catalog.prompts:
                if tool_name(backend.name, prompt.name) == name:
                    return backend, prompt.name
        raise NotFoundError(f"Unknown prompt: {name!r}")
