"""A web page in the user's browser cannot make the host run anything (issue 9, point 1).

Each request below is what a browser sends for a page on another origin: a
"simple" cross-origin POST (text/plain, no preflight), a dev server on another
loopback port, a same-site page without an Origin header. None may register a
server, call a tool, or start a process; the host's own origin and clients
without an Origin (CLI, SDKs, curl) keep working.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import httpx2
import pytest

from tests.fixtures.host import RunningHost, running_host, toy_entry

pytestmark = pytest.mark.anyio


def attack(marker: Path) -> bytes:
    """The body of the issue's request: register /bin/sh writing a marker file."""
    config = {"command": "/bin/sh", "args": ["-c", f"id > {marker}"]}
    return json.dumps({"name": "x", "config": config}).encode()


async def server_names(http: httpx2.AsyncClient) -> list[str]:
    return [row["name"] for row in (await http.get("/api/servers")).json()]


def own_origin(host: RunningHost) -> str:
    return host.url  # http://127.0.0.1:<port>


BROWSER_ATTACKS = [
    pytest.param(
        {"Origin": "http://localhost:5173", "Content-Type": "text/plain;charset=UTF-8", "Sec-Fetch-Site": "same-site"},
        403,
        id="the-issue's-request",
    ),
    pytest.param(
        {"Origin": "http://localhost:5173", "Content-Type": "application/json", "Sec-Fetch-Site": "same-site"},
        403,
        id="another-loopback-port-with-json",
    ),
    pytest.param(
        {"Origin": "http://evil.example", "Content-Type": "application/json", "Sec-Fetch-Site": "cross-site"},
        403,
        id="a-foreign-site",
    ),
    pytest.param(
        {"Content-Type": "application/json", "Sec-Fetch-Site": "same-site"},
        403,
        id="same-site-without-origin",
    ),
    pytest.param({"Content-Type": "text/plain;charset=UTF-8"}, 415, id="a-simple-request-without-origin"),
    pytest.param(
        {"Content-Type": "application/x-www-form-urlencoded", "Origin": "null"},
        403,
        id="a-form-from-a-sandboxed-frame",
    ),
]


@pytest.mark.parametrize(("headers", "status"), BROWSER_ATTACKS)
async def test_a_browser_request_from_another_origin_registers_nothing_and_runs_nothing(
    tmp_path: Path, headers: dict[str, str], status: int
) -> None:
    marker = tmp_path / "ran.txt"
    async with running_host(tmp_path, {"toy": toy_entry()}) as host:
        async with httpx2.AsyncClient(base_url=host.url) as http:
            response = await http.post("/api/servers", content=attack(marker), headers=headers)
            assert response.status_code == status, response.text
            called = await http.post("/api/tools/toy_pid/call", content=b'{"arguments": {}}', headers=headers)
            assert called.status_code == status
            assert await server_names(http) == ["toy"]
    assert not marker.exists()


async def test_only_json_bodies_change_state_even_from_the_hosts_own_origin(tmp_path: Path) -> None:
    async with running_host(tmp_path, {"toy": toy_entry()}) as host:
        async with httpx2.AsyncClient(base_url=host.url) as http:
            for content_type in ("text/plain", "multipart/form-data; boundary=x", None):
                headers = {"Origin": own_origin(host)} | ({"Content-Type": content_type} if content_type else {})
                response = await http.post("/api/servers/toy/disable", content=b"{}", headers=headers)
                assert response.status_code == 415
                assert response.json() == {"error": "Unsupported Media Type: send the request body as application/json"}
            assert (await http.get("/api/servers/toy")).json()["enabled"] is True


async def test_the_hosts_own_origin_and_clients_without_origin_work(tmp_path: Path) -> None:
    async with running_host(tmp_path, {"toy": toy_entry()}) as host:
        async with httpx2.AsyncClient(base_url=host.url) as http:
            page = {"Origin": own_origin(host), "Sec-Fetch-Site": "same-origin"}
            same_host = {"Origin": own_origin(host).replace("127.0.0.1", "localhost")}
            for headers in (page, same_host, {}):
                called = await http.post(
                    "/api/tools/toy_add/call", json={"arguments": {"a": 2, "b": 3}}, headers=headers
                )
                assert called.status_code == 200 and called.json()["structuredContent"] == {"result": 5}


async def test_registering_a_stdio_server_answers_with_the_exact_argv(tmp_path: Path) -> None:
    async with running_host(tmp_path, {}) as host:
        async with httpx2.AsyncClient(base_url=host.url) as http:
            config = {"command": Path(sys.executable).name, "args": ["-c", "pass"]}
            created = await http.post("/api/servers", json={"name": "probe", "config": config})
            assert created.status_code == 201
            argv = created.json()["argv"]
            assert Path(argv[0]).is_absolute() and Path(argv[0]).name == Path(sys.executable).name
            assert argv[1:] == ["-c", "pass"]
            assert (await http.get("/api/servers/probe")).json()["argv"] == argv


async def test_a_cors_preflight_from_a_foreign_origin_is_refused(tmp_path: Path) -> None:
    async with running_host(tmp_path, {"toy": toy_entry()}) as host:
        async with httpx2.AsyncClient(base_url=host.url) as http:
            preflight = {
                "Origin": "http://localhost:3000",
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "content-type",
            }
            for path in ("/api/servers", "/mcp", "/api/tools/toy_pid/call"):
                response = await http.options(path, headers=preflight)
                assert response.status_code == 403
                assert "access-control-allow-origin" not in response.headers


async def test_a_listed_origin_is_allowed(tmp_path: Path) -> None:
    async with running_host(tmp_path, {"toy": toy_entry()}, allowed_origins=["http://localhost:5173"]) as host:
        async with httpx2.AsyncClient(base_url=host.url) as http:
            headers = {"Origin": "http://localhost:5173", "Sec-Fetch-Site": "same-site"}
            called = await http.post("/api/tools/toy_add/call", json={"arguments": {"a": 1, "b": 1}}, headers=headers)
            assert called.status_code == 200


GET_PATHS = [
    "/healthz",
    "/openapi.json",
    "/api/servers",
    "/api/servers/toy",
    "/api/tools",
    "/api/servers/toy/disable",
    "/api/servers/toy/restart",
    "/api/tools/toy_pid/call",
]


async def test_no_get_or_head_changes_state(tmp_path: Path) -> None:
    async with running_host(tmp_path, {"toy": toy_entry()}) as host:
        backend = host.runtime.mesh.backends["toy"]
        pid, restarts = backend.pid, backend.restarts
        async with httpx2.AsyncClient(base_url=host.url) as http:
            before = (await http.get("/api/servers")).json()
            for path in GET_PATHS:
                for method in ("GET", "HEAD"):
                    response = await http.request(method, path, headers={"Origin": "http://evil.example"})
                    assert response.status_code == 403  # a foreign page cannot even read
                    response = await http.request(method, path)
                    assert response.status_code in (200, 405), (method, path, response.status_code)
            after = (await http.get("/api/servers")).json()
        assert [(r["name"], r["enabled"], r["restarts"]) for r in after] == [
            (r["name"], r["enabled"], r["restarts"]) for r in before
        ]
        assert (backend.pid, backend.restarts) == (pid, restarts)
