"""HTTP clients of a running PyGent host: `AsyncPyGentClient` and its blocking twin `PyGentClient`.

    async with AsyncPyGentClient("http://127.0.0.1:8000") as client:
        spec = await client.agents.create("notes", template="general")
        async for event in client.chat.stream("notes", "remember that my build runs on Fridays"):
            print(event.type)
        reply = await client.chat.create("notes", "when does my build run?")   # ChatReply(output=..., ...)

    with PyGentClient() as client:
        client.agents.list()

Namespaces follow the OpenAI SDKs: `agents`, `chat`, `runs`, `conversations`,
`tools`. Both clients speak the same pydantic models as the host (AgentSpec,
the event union of agents/events.py); an error answer raises the error class
of its status (`NotFoundError`, `ConflictError`, ...) with the host's message.
"""

from __future__ import annotations

import builtins
import json
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any
from urllib.parse import quote

import httpx2
from pygent.agents.events import Event, RunCompleted, parse_event
from pygent.core.agent_spec import AgentSpec
from pygent.core.errors import UnavailableError, error_for_status

DEFAULT_URL = "http://127.0.0.1:8000"
TIMEOUT = httpx2.Timeout(10.0, read=600.0)


@dataclass
class ChatReply:
    """A finished turn: the answer and everything that happened on the way."""

    output: str
    conversation_id: str
    run_id: str
    stop_reason: str
    events: list[Event] = field(default_factory=list)


def reply_of(events: list[Event]) -> ChatReply:
    started = next(e for e in events if e.type == "run.started")
    done = next((e for e in reversed(events) if isinstance(e, RunCompleted)), None)
    return ChatReply(
        output=done.output if done else "",
        conversation_id=getattr(started, "conversation_id", ""),
        run_id=started.run_id,
        stop_reason=done.stop_reason if done else "error",
        events=events,
    )


def answer_of(response: httpx2.Response) -> Any:
    """A host answer's JSON, or the PygentError its status and message stand for."""
    if response.status_code >= 400:
        try:
            message = str(response.json().get("error", response.text))
        except (ValueError, AttributeError):
            message = response.text.strip() or response.reason_phrase
        raise error_for_status(response.status_code, message)
    return response.json() if response.content else None


def _headers(token: str | None) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"} if token else {}


def _chat_body(message: str, conversation_id: str | None) -> dict[str, Any]:
    body: dict[str, Any] = {"message": message}
    if conversation_id is not None:
        body["conversationId"] = conversation_id
    return body


def _event(line: str) -> Event | None:
    return parse_event(json.loads(line[5:].strip())) if line.startswith("data:") else None


def _agent(name: str, suffix: str = "") -> str:
    return f"/api/agents/{quote(name, safe='')}{suffix}"


# ---------------------------------------------------------------------- async


class AsyncPyGentClient:
    """A running host's REST API, asynchronously."""

    def __init__(
        self, base_url: str = DEFAULT_URL, token: str | None = None, timeout: httpx2.Timeout = TIMEOUT
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.http = httpx2.AsyncClient(base_url=self.base_url, headers=_headers(token), timeout=timeout)
        self.agents = _AsyncAgents(self)
        self.chat = _AsyncChat(self)
        self.runs = _AsyncRuns(self)
        self.conversations = _AsyncConversations(self)

    async def __aenter__(self) -> AsyncPyGentClient:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self.http.aclose()

    async def request(self, method: str, path: str, body: Any = None, params: dict[str, Any] | None = None) -> Any:
        """The answer's JSON.

        Raises:
            PygentError: the class of the answer's status, with the host's message.
            UnavailableError: the host cannot be reached.
        """
        # State-changing requests are JSON only (the host's CSRF rule), bodiless ones included.
        payload = {} if body is None and method in ("POST", "PUT", "PATCH") else body
        try:
            response = await self.http.request(method, path, json=payload, params=params)
        except httpx2.HTTPError as exc:
            raise UnavailableError(f"cannot reach the host at {self.base_url}: {exc}") from None
        return answer_of(response)

    async def healthy(self, timeout: float = 1.0) -> bool:
        try:
            return (await self.http.get("/healthz", timeout=timeout)).status_code == 200
        except httpx2.HTTPError:
            return False


class _AsyncAgents:
    def __init__(self, client: AsyncPyGentClient) -> None:
        self._c = client

    async def list(self) -> builtins.list[dict[str, Any]]:
        return builtins.list(await self._c.request("GET", "/api/agents"))

    async def templates(self) -> builtins.list[AgentSpec]:
        return [AgentSpec.model_validate(t["spec"]) for t in await self._c.request("GET", "/api/agents/templates")]

    async def create(self, name: str, template: str | None = None, spec: dict[str, Any] | None = None) -> AgentSpec:
        body = {"name": name, "template": template, "spec": spec}
        return AgentSpec.model_validate(await self._c.request("POST", "/api/agents", body))

    async def get(self, name: str, version: int | None = None) -> AgentSpec:
        params = {"version": version} if version is not None else None
        return AgentSpec.model_validate(await self._c.request("GET", _agent(name), params=params))

    async def versions(self, name: str) -> builtins.list[int]:
        return builtins.list(await self._c.request("GET", _agent(name, "/versions")))

    async def update(self, name: str, changes: dict[str, Any]) -> AgentSpec:
        return AgentSpec.model_validate(await self._c.request("PUT", _agent(name), {"changes": changes}))

    async def delete(self, name: str) -> None:
        await self._c.request("DELETE", _agent(name))


class _AsyncChat:
    def __init__(self, client: AsyncPyGentClient) -> None:
        self._c = client

    async def stream(self, agent: str, message: str, conversation_id: str | None = None) -> AsyncIterator[Event]:
        """The turn's events as they happen; ends after `run.completed`."""
        body = _chat_body(message, conversation_id)
        try:
            async with self._c.http.stream("POST", _agent(agent, "/chat"), json=body) as response:
                if response.status_code >= 400:
                    await response.aread()
                    answer_of(response)
                async for line in response.aiter_lines():
                    event = _event(line)
                    if event is not None:
                        yield event
                        if event.type == "run.completed":
                            return
        except httpx2.HTTPError as exc:
            raise UnavailableError(f"cannot reach the host at {self._c.base_url}: {exc}") from None

    async def create(self, agent: str, message: str, conversation_id: str | None = None) -> ChatReply:
        return reply_of([event async for event in self.stream(agent, message, conversation_id)])


class _AsyncRuns:
    def __init__(self, client: AsyncPyGentClient) -> None:
        self._c = client

    async def cancel(self, run_id: str) -> None:
        await self._c.request("POST", f"/api/runs/{quote(run_id, safe='')}/cancel")

    async def approve(self, run_id: str, call_id: str, approve: bool = True) -> None:
        path = f"/api/runs/{quote(run_id, safe='')}/approvals/{quote(call_id, safe='')}"
        await self._c.request("POST", path, {"approve": approve})


class _AsyncConversations:
    def __init__(self, client: AsyncPyGentClient) -> None:
        self._c = client

    async def list(self, agent: str | None = None) -> builtins.list[dict[str, Any]]:
        return builtins.list(
            await self._c.request("GET", "/api/conversations", params={"agent": agent} if agent else None)
        )

    async def get(self, conversation_id: str) -> dict[str, Any]:
        return dict(await self._c.request("GET", f"/api/conversations/{quote(conversation_id, safe='')}"))

    async def delete(self, conversation_id: str) -> None:
        await self._c.request("DELETE", f"/api/conversations/{quote(conversation_id, safe='')}")


# ----------------------------------------------------------------------- sync


class PyGentClient:
    """A running host's REST API, blocking (scripts, notebooks)."""

    def __init__(
        self, base_url: str = DEFAULT_URL, token: str | None = None, timeout: httpx2.Timeout = TIMEOUT
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.http = httpx2.Client(base_url=self.base_url, headers=_headers(token), timeout=timeout)
        self.agents = _Agents(self)
        self.chat = _Chat(self)

    def __enter__(self) -> PyGentClient:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        self.http.close()

    def request(self, method: str, path: str, body: Any = None, params: dict[str, Any] | None = None) -> Any:
        """As `AsyncPyGentClient.request`."""
        payload = {} if body is None and method in ("POST", "PUT", "PATCH") else body
        try:
            response = self.http.request(method, path, json=payload, params=params)
        except httpx2.HTTPError as exc:
            raise UnavailableError(f"cannot reach the host at {self.base_url}: {exc}") from None
        return answer_of(response)


class _Agents:
    def __init__(self, client: PyGentClient) -> None:
        self._c = client

    def list(self) -> builtins.list[dict[str, Any]]:
        return builtins.list(self._c.request("GET", "/api/agents"))

    def create(self, name: str, template: str | None = None, spec: dict[str, Any] | None = None) -> AgentSpec:
        return AgentSpec.model_validate(
            self._c.request("POST", "/api/agents", {"name": name, "template": template, "spec": spec})
        )

    def get(self, name: str, version: int | None = None) -> AgentSpec:
        params = {"version": version} if version is not None else None
        return AgentSpec.model_validate(self._c.request("GET", _agent(name), params=params))

    def delete(self, name: str) -> None:
        self._c.request("DELETE", _agent(name))


class _Chat:
    def __init__(self, client: PyGentClient) -> None:
        self._c = client

    def stream(self, agent: str, message: str, conversation_id: str | None = None) -> Iterator[Event]:
        body = _chat_body(message, conversation_id)
        try:
            with self._c.http.stream("POST", _agent(agent, "/chat"), json=body) as response:
                if response.status_code >= 400:
                    response.read()
                    answer_of(response)
                for line in response.iter_lines():
                    event = _event(line)
                    if event is not None:
                        yield event
                        if event.type == "run.completed":
                            return
        except httpx2.HTTPError as exc:
            raise UnavailableError(f"cannot reach the host at {self._c.base_url}: {exc}") from None

    def create(self, agent: str, message: str, conversation_id: str | None = None) -> ChatReply:
        return reply_of(list(self.stream(agent, message, conversation_id)))
