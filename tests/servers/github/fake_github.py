"""A fake GitHub REST API on 127.0.0.1, speaking the real wire format.

    async with running_fake_github() as fake:
        fake.on("GET", "/repos/o/r/issues", lambda req: fake.page(req, issues))
        ... GitHubSettings(api_url=fake.api_url, ...)
        assert fake.requests[0].query == {"state": "open", "per_page": "30"}

It serves under `/api/v3` like GitHub Enterprise Server, records every request
(method, path, query, headers, JSON body), and answers in GitHub's shape:
`Link` pagination headers, `X-RateLimit-*` headers on every response, `ETag`
with 304 for a matching `If-None-Match`, and `{"message": ...}` error bodies.
"""

from __future__ import annotations

import hashlib
import json
import socket
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import anyio
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

PREFIX = "/api/v3"
RESET_AT = 4102444800  # 2100-01-01: far in the future


@dataclass
class Seen:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: Any


Handler = Callable[[Seen], Response]


def error(status: int, message: str, **extra: Any) -> Response:
    return JSONResponse({"message": message, "documentation_url": "https://docs.github.com/rest", **extra}, status)


@dataclass
class FakeGitHub:
    url: str = ""
    requests: list[Seen] = field(default_factory=list)
    routes: dict[tuple[str, str], Handler | list[Handler]] = field(default_factory=dict)
    remaining: int = 5000

    @property
    def api_url(self) -> str:
        return self.url + PREFIX

    def on(self, method: str, path: str, handler: Handler | list[Handler] | Any) -> None:
        """Answer `method path` with a handler, a list of handlers used in turn, or fixed JSON."""
        handlers = isinstance(handler, list) and handler and all(callable(h) for h in handler)
        if not callable(handler) and not handlers:
            data = handler
            handler = lambda seen: self.json(seen, data)  # noqa: E731
        self.routes[(method, path)] = handler

    def json(self, seen: Seen, data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
        body = json.dumps(data).encode()
        etag = '"' + hashlib.sha1(body).hexdigest() + '"'
        if seen.method == "GET" and seen.headers.get("if-none-match") == etag:
            return Response(status_code=304, headers={"ETag": etag})
        return Response(body, status, headers={"ETag": etag, **(headers or {})}, media_type="application/json")

    def page(self, seen: Seen, items: list[Any], *, search: bool = False) -> Response:
        """One page of `items` as GitHub slices them, with a `Link` header to the others."""
        per_page = int(seen.query.get("per_page", "30"))
        number = int(seen.query.get("page", "1"))
        last = max((len(items) + per_page - 1) // per_page, 1)
        chunk = items[(number - 1) * per_page : number * per_page]
        links = []
        for rel, target in (("next", number + 1), ("last", last), ("first", 1), ("prev", number - 1)):
            if (rel in ("next", "last") and number < last) or (rel in ("first", "prev") and number > 1):
                query = urlencode({**seen.query, "page": target})
                links.append(f'<{self.api_url}{seen.path}?{query}>; rel="{rel}"')
        headers = {"Link": ", ".join(links)} if links else {}
        data: Any = {"total_count": len(items), "incomplete_results": False, "items": chunk} if search else chunk
        return self.json(seen, data, headers=headers)

    def of(self, method: str, path: str) -> list[Seen]:
        return [seen for seen in self.requests if seen.method == method and seen.path == path]

    async def dispatch(self, request: Request) -> Response:
        body_bytes = await request.body()
        path = request.url.path.removeprefix(PREFIX)
        seen = Seen(
            method=request.method,
            path=path,
            query=dict(request.query_params),
            headers={key.lower(): value for key, value in request.headers.items()},
            body=json.loads(body_bytes) if body_bytes else None,
        )
        self.requests.append(seen)
        handler = self.routes.get((request.method, path))
        if isinstance(handler, list):  # handlers used in turn, the last one repeatedly
            handler = handler.pop(0) if len(handler) > 1 else handler[0]
        response = handler(seen) if handler else error(404, "Not Found")
        if response.status_code != 304:
            self.remaining = max(self.remaining - 1, 0)
        resource = "search" if path.startswith("/search/") else "core"
        response.headers.setdefault("X-RateLimit-Limit", "5000")
        response.headers.setdefault("X-RateLimit-Remaining", str(self.remaining))
        response.headers.setdefault("X-RateLimit-Reset", str(RESET_AT))
        response.headers.setdefault("X-RateLimit-Resource", resource)
        return response


@asynccontextmanager
async def serve(app: Starlette) -> AsyncIterator[str]:
    """Run an ASGI app with uvicorn on a free 127.0.0.1 port; yields its base URL.

    The socket is bound and listening before uvicorn starts, so requests made at
    once wait in the backlog instead of failing: no polling for readiness.
    """
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    try:
        async with anyio.create_task_group() as group:
            group.start_soon(server.serve, [sock])
            try:
                yield f"http://127.0.0.1:{port}"
            finally:
                server.should_exit = True
    finally:
        sock.close()


@asynccontextmanager
async def running_fake_github() -> AsyncIterator[FakeGitHub]:
    fake = FakeGitHub()
    methods = ["GET", "POST", "PUT", "PATCH", "DELETE"]
    app = Starlette(routes=[Route("/{path:path}", fake.dispatch, methods=methods)])
    async with serve(app) as url:
        fake.url = url
        yield fake
