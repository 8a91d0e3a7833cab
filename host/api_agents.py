"""REST face of agents and conversations (JSON; a chat answers as a stream of server-sent events).

    GET    /api/agents                         summaries
    GET    /api/agents/templates               the five templates, full specs
    POST   /api/agents                         {"name", "template"?, "spec"?}  -> 201 spec
    GET    /api/agents/{name}                  ?version=N
    GET    /api/agents/{name}/versions
    PUT    /api/agents/{name}                  {"changes": {...}}  -> the new version
    DELETE /api/agents/{name}
    POST   /api/agents/{name}/chat             {"message", "conversationId"?}  -> text/event-stream
    POST   /api/runs/{run_id}/cancel
    POST   /api/runs/{run_id}/approvals/{call_id}   {"approve": true|false}
    GET    /api/conversations                  ?agent=NAME
    GET    /api/conversations/{id}             with its turns
    PATCH  /api/conversations/{id}             {"title"}
    DELETE /api/conversations/{id}

Each SSE event is `event: <type>` with the event's JSON (agents/events.py) as
`data`. Errors found before the turn starts (unknown agent, a conversation
with a turn running, a bad body) are plain JSON errors with their status.
Everything is scoped to the caller's principal.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from typing import Any

import anyio
import anyio.abc
from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel
from pygent.agents.events import Event, event_json
from pygent.core.errors import PygentError, http_status
from pygent.host.agents.service import AgentService
from pygent.host.api import error, guarded, json_body
from pygent.host.auth import principal_of
from sse_starlette import EventSourceResponse
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route


class _Body(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid")


class CreateAgentBody(_Body):
    name: str
    template: str | None = None
    spec: dict[str, Any] | None = None


class UpdateAgentBody(_Body):
    changes: dict[str, Any]


class ChatBody(_Body):
    message: str = Field(min_length=1, max_length=100_000)
    conversation_id: str | None = None


class ApprovalBody(_Body):
    approve: bool


class RenameBody(_Body):
    title: str = Field(min_length=1, max_length=200)


def _spec_json(spec: Any) -> dict[str, Any]:
    data: dict[str, Any] = spec.model_dump(by_alias=True, mode="json")
    return data


class AgentsApi:
    """Route handlers over the host's agent service."""

    def __init__(self, get_service: Callable[[], AgentService], get_group: Callable[[], anyio.abc.TaskGroup]) -> None:
        self._service = get_service
        self._group = get_group

    @property
    def service(self) -> AgentService:
        return self._service()

    async def list_agents(self, request: Request) -> Response:
        return JSONResponse(await self.service.directory.listing())

    async def templates(self, request: Request) -> Response:
        specs = await self.service.directory.templates()
        return JSONResponse([{"type": s.type, "description": s.description, "spec": _spec_json(s)} for s in specs])

    async def create(self, request: Request) -> Response:
        body = await json_body(request, CreateAgentBody)
        spec = await self.service.directory.create(body.name, body.template, body.spec)
        return JSONResponse(_spec_json(spec), status_code=201)

    async def get(self, request: Request) -> Response:
        version = request.query_params.get("version")
        number = int(version) if version and version.isdigit() else None
        return JSONResponse(_spec_json(await self.service.directory.get(request.path_params["name"], number)))

    async def versions(self, request: Request) -> Response:
        return JSONResponse(await self.service.directory.versions(request.path_params["name"]))

    async def update(self, request: Request) -> Response:
        body = await json_body(request, UpdateAgentBody)
        return JSONResponse(_spec_json(await self.service.directory.update(request.path_params["name"], body.changes)))

    async def delete(self, request: Request) -> Response:
        await self.service.directory.delete(request.path_params["name"])
        return Response(status_code=204)

    async def chat(self, request: Request) -> Response:
        body = await json_body(request, ChatBody)
        name = request.path_params["name"]
        owner = principal_of(request.scope)
        send, receive = anyio.create_memory_object_stream[Event | PygentError](256)
        started = anyio.Event()
        scope = anyio.CancelScope()

        async def turn() -> None:
            async def emit(event: Event) -> None:
                started.set()
                await send.send(event)

            async with send:
                with scope:
                    try:
                        await self.service.chat(
                            name, body.message, emit, owner=owner, conversation_id=body.conversation_id
                        )
                    except PygentError as exc:
                        started.set()
                        await send.send(exc)

        self._group().start_soon(turn)
        await started.wait()
        first = await receive.receive()
        if isinstance(first, PygentError):
            await receive.aclose()
            return error(http_status(first), first.message)

        async def events() -> AsyncIterator[dict[str, str]]:
            try:
                yield {"event": first.type, "data": event_json(first)}
                async with receive:
                    async for item in receive:
                        if isinstance(item, PygentError):
                            yield {"event": "error", "data": json.dumps({"message": item.message})}
                        else:
                            yield {"event": item.type, "data": event_json(item)}
            finally:
                scope.cancel()  # the client went away: nobody can watch or answer the turn

        return EventSourceResponse(events(), ping=15)

    async def cancel(self, request: Request) -> Response:
        self.service.runs.cancel(request.path_params["run_id"], principal_of(request.scope))
        return JSONResponse({"cancelled": request.path_params["run_id"]}, status_code=202)

    async def approve(self, request: Request) -> Response:
        body = await json_body(request, ApprovalBody)
        run_id, call_id = request.path_params["run_id"], request.path_params["call_id"]
        self.service.runs.decide(run_id, call_id, body.approve, principal_of(request.scope))
        return JSONResponse({"runId": run_id, "callId": call_id, "approve": body.approve})

    async def conversations(self, request: Request) -> Response:
        found = await self.service.store.list_for(principal_of(request.scope), request.query_params.get("agent"))
        return JSONResponse([_conversation(c) for c in found])

    async def conversation(self, request: Request) -> Response:
        owner = principal_of(request.scope)
        conversation_id = request.path_params["id"]
        found = await self.service.store.get(conversation_id, owner)
        return JSONResponse({**_conversation(found), "turns": await self.service.store.turns(conversation_id, owner)})

    async def rename(self, request: Request) -> Response:
        body = await json_body(request, RenameBody)
        renamed = await self.service.store.rename(request.path_params["id"], principal_of(request.scope), body.title)
        return JSONResponse(_conversation(renamed))

    async def forget(self, request: Request) -> Response:
        await self.service.store.delete(request.path_params["id"], principal_of(request.scope))
        return Response(status_code=204)

    def routes(self) -> list[Route]:
        g = guarded
        return [
            Route("/api/agents", g(self.list_agents), methods=["GET"]),
            Route("/api/agents", g(self.create), methods=["POST"]),
            Route("/api/agents/templates", g(self.templates), methods=["GET"]),
            Route("/api/agents/{name}", g(self.get), methods=["GET"]),
            Route("/api/agents/{name}", g(self.update), methods=["PUT"]),
            Route("/api/agents/{name}", g(self.delete), methods=["DELETE"]),
            Route("/api/agents/{name}/versions", g(self.versions), methods=["GET"]),
            Route("/api/agents/{name}/chat", g(self.chat), methods=["POST"]),
            Route("/api/runs/{run_id}/cancel", g(self.cancel), methods=["POST"]),
            Route("/api/runs/{run_id}/approvals/{call_id}", g(self.approve), methods=["POST"]),
            Route("/api/conversations", g(self.conversations), methods=["GET"]),
            Route("/api/conversations/{id}", g(self.conversation), methods=["GET"]),
            Route("/api/conversations/{id}", g(self.rename), methods=["PATCH"]),
            Route("/api/conversations/{id}", g(self.forget), methods=["DELETE"]),
        ]


def _conversation(conversation: Any) -> dict[str, Any]:
    return {
        "id": conversation.id,
        "agent": conversation.agent,
        "title": conversation.title,
        "createdAt": conversation.created_at,
        "updatedAt": conversation.updated_at,
    }
