"""`AgentFactory`: create agents and talk to them from Python, with or without a running host.

    from pygent import AgentFactory, Settings

    factory = AgentFactory(Settings())
    agent = await factory.create_agent("reasoning", name="r1")
    reply = await agent.chat("Make 24 from 4 9 10 13")
    async for event in agent.stream("And from 1 1 1 8?"):
        print(event.type)
    await factory.aclose()

When a host answers at the configured address (`pygent serve`), the factory
is its HTTP client (`AsyncPyGentClient`); otherwise it starts the whole mesh
in this process (the servers of `mcp.json` as child processes) on first use.
`async with AgentFactory(...) as factory:` scopes that mesh to the block;
without it, `aclose()` (from the same task) stops it, and so does the end of
the event loop. An `Agent` keeps its conversation: each `chat` continues it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from types import TracebackType
from typing import Any, Protocol

import anyio
from pygent.agents.events import Event
from pygent.client import AsyncPyGentClient, ChatReply, reply_of
from pygent.core.agent_spec import AgentSpec
from pygent.core.errors import PygentError
from pygent.core.network import is_loopback
from pygent.core.settings import Settings
from pygent.host.auth import ANONYMOUS
from pygent.host.runtime import HostRuntime

SETTLE_SECONDS = 60.0


class _Backend(Protocol):
    async def create(self, name: str, template: str | None, spec: dict[str, Any] | None) -> AgentSpec: ...
    async def get(self, name: str) -> AgentSpec: ...
    async def listing(self) -> list[dict[str, Any]]: ...
    async def delete(self, name: str) -> None: ...
    def stream(self, agent: str, message: str, conversation_id: str | None) -> AsyncIterator[Event]: ...
    async def decide(self, run_id: str, call_id: str, approve: bool) -> None: ...
    async def cancel(self, run_id: str) -> None: ...


class _Remote:
    def __init__(self, client: AsyncPyGentClient) -> None:
        self.client = client

    async def create(self, name: str, template: str | None, spec: dict[str, Any] | None) -> AgentSpec:
        return await self.client.agents.create(name, template, spec)

    async def get(self, name: str) -> AgentSpec:
        return await self.client.agents.get(name)

    async def listing(self) -> list[dict[str, Any]]:
        return await self.client.agents.list()

    async def delete(self, name: str) -> None:
        await self.client.agents.delete(name)

    def stream(self, agent: str, message: str, conversation_id: str | None) -> AsyncIterator[Event]:
        return self.client.chat.stream(agent, message, conversation_id)

    async def decide(self, run_id: str, call_id: str, approve: bool) -> None:
        await self.client.runs.approve(run_id, call_id, approve)

    async def cancel(self, run_id: str) -> None:
        await self.client.runs.cancel(run_id)


class _Embedded:
    def __init__(self, runtime: HostRuntime) -> None:
        self.runtime = runtime
        self.directory = runtime.agents.directory

    async def create(self, name: str, template: str | None, spec: dict[str, Any] | None) -> AgentSpec:
        return await self.directory.create(name, template, spec)

    async def get(self, name: str) -> AgentSpec:
        return await self.directory.get(name)

    async def listing(self) -> list[dict[str, Any]]:
        return await self.directory.listing()

    async def delete(self, name: str) -> None:
        await self.directory.delete(name)

    async def decide(self, run_id: str, call_id: str, approve: bool) -> None:
        self.runtime.agents.runs.decide(run_id, call_id, approve, ANONYMOUS)

    async def cancel(self, run_id: str) -> None:
        self.runtime.agents.runs.cancel(run_id, ANONYMOUS)

    async def stream(self, agent: str, message: str, conversation_id: str | None) -> AsyncIterator[Event]:
        send, receive = anyio.create_memory_object_stream[Event | PygentError](256)

        async def turn() -> None:
            async with send:
                try:
                    await self.runtime.agents.chat(
                        agent, message, send.send, owner=ANONYMOUS, conversation_id=conversation_id
                    )
                except PygentError as exc:
                    await send.send(exc)

        # The turn runs in the runtime's own task group, so this generator holds no task group of its own.
        self.runtime.group.start_soon(turn)
        async with receive:
            async for item in receive:
                if isinstance(item, PygentError):
                    raise item
                yield item


class Agent:
    """One agent and the conversation you have with it."""

    def __init__(self, spec: AgentSpec, backend: _Backend) -> None:
        self.spec = spec
        self.name = spec.name
        self.conversation_id: str | None = None
        self._backend = backend

    async def stream(self, message: str) -> AsyncIterator[Event]:
        """The turn's events as they happen (`text.delta`, `tool.call.*`, ..., `run.completed`)."""
        async for event in self._backend.stream(self.name, message, self.conversation_id):
            if event.type == "run.started":
                self.conversation_id = event.conversation_id
            yield event

    async def reply(self, message: str) -> ChatReply:
        return reply_of([event async for event in self.stream(message)])

    async def chat(self, message: str) -> str:
        """The agent's answer to `message` (the conversation goes on)."""
        return (await self.reply(message)).output

    async def approve(self, run_id: str, call_id: str, approve: bool = True) -> None:
        """Answer an `approval.requested` event of a running turn."""
        await self._backend.decide(run_id, call_id, approve)

    async def cancel(self, run_id: str) -> None:
        """Stop a running turn (its stream ends with `run.completed`, stop reason "cancelled")."""
        await self._backend.cancel(run_id)


class AgentFactory:
    """Agents through a running host, or an embedded mesh when none answers."""

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        url: str | None = None,
        token: str | None = None,
        embedded: bool | None = None,
    ) -> None:
        self.settings = settings or Settings.load()
        self._url = url
        self._token = token or (self.settings.tokens[0] if self.settings.tokens else None)
        self._embedded = embedded
        self._stack = AsyncExitStack()
        self._backend: _Backend | None = None
        self.mode: str | None = None  # "host" or "embedded", once connected

    async def __aenter__(self) -> AgentFactory:
        await self._connect()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        self._backend = None
        await self._stack.aclose()

    def _host_url(self) -> str:
        if self._url:
            return self._url
        host = self.settings.host if is_loopback(self.settings.host) else "127.0.0.1"
        shown = f"[{host}]" if ":" in host else host
        return f"http://{shown}:{self.settings.port}"

    async def _connect(self) -> _Backend:
        if self._backend is not None:
            return self._backend
        if self._embedded is not True:
            client = AsyncPyGentClient(self._host_url(), self._token)
            if self._url or await client.healthy():
                self._stack.push_async_callback(client.aclose)
                self._backend, self.mode = _Remote(client), "host"
                return self._backend
            await client.aclose()
        runtime = await self._stack.enter_async_context(HostRuntime.open(self.settings, http=False))
        await runtime.mesh.wait_settled(SETTLE_SECONDS)
        self._backend, self.mode = _Embedded(runtime), "embedded"
        return self._backend

    async def create_agent(self, type: str = "custom", name: str | None = None, **spec: Any) -> Agent:
        """A new agent from a template (reasoning, research, coding, search, general) or `custom`.

        `spec` fields (snake_case or camelCase) override the template's.

        Raises:
            InvalidArgumentError: a bad name or field (one line naming it).
            ConflictError: the name is taken.
        """
        backend = await self._connect()
        made = await backend.create(
            name or type,
            None if type == "custom" else type,
            {"type": type, **spec} if spec or type == "custom" else None,
        )
        return Agent(made, backend)

    async def get_agent(self, name: str) -> Agent:
        backend = await self._connect()
        return Agent(await backend.get(name), backend)

    async def list_agents(self) -> list[dict[str, Any]]:
        return await (await self._connect()).listing()

    async def delete_agent(self, name: str) -> None:
        await (await self._connect()).delete(name)
