"""Rate limits protect without throttling a local user (issue 9, point 4): each is driven to a 429 and back."""

from __future__ import annotations

import secrets
from pathlib import Path

import anyio
import httpx2
import pytest
from fastmcp import Client

from tests.fixtures.host import running_host, toy_entry

pytestmark = pytest.mark.anyio


async def until_refused(http: httpx2.AsyncClient, method: str, path: str, **kwargs: object) -> httpx2.Response:
    for _ in range(100):
        response = await http.request(method, path, **kwargs)  # type: ignore[arg-type]
        if response.status_code == 429:
            return response
    raise AssertionError(f"{method} {path} was never limited")


async def until_admitted(http: httpx2.AsyncClient, method: str, path: str, **kwargs: object) -> httpx2.Response:
    with anyio.fail_after(10):
        while True:
            response = await http.request(method, path, **kwargs)  # type: ignore[arg-type]
            if response.status_code != 429:
                return response
            await anyio.sleep(0.1)


async def test_each_credential_has_its_own_limit_with_headers_and_recovers(tmp_path: Path) -> None:
    tokens = ["alice-token", "bob-token"]
    async with running_host(tmp_path, {"toy": toy_entry()}, tokens=tokens, rate_limit=5) as host:
        alice = {"Authorization": "Bearer alice-token"}
        bob = {"Authorization": "Bearer bob-token"}
        async with httpx2.AsyncClient(base_url=host.url) as http:
            refused = await until_refused(http, "GET", "/api/servers", headers=alice)
            assert refused.json() == {"error": "Too Many Requests: slow down and retry later"}
            assert 1 <= int(refused.headers["retry-after"]) <= 2
            assert refused.headers["ratelimit-limit"] == refused.headers["x-ratelimit-limit"] == "5"
            assert refused.headers["ratelimit-remaining"] == "0"
            assert int(refused.headers["x-ratelimit-reset"]) > 1_700_000_000  # epoch seconds
            assert (await http.get("/api/servers", headers=bob)).status_code == 200
            for _ in range(20):
                assert (await http.get("/healthz")).status_code == 200
            assert (await until_admitted(http, "GET", "/api/servers", headers=alice)).status_code == 200


async def test_a_local_user_without_tokens_is_never_throttled(tmp_path: Path) -> None:
    async with running_host(tmp_path, {"toy": toy_entry()}, rate_limit=2) as host:
        async with httpx2.AsyncClient(base_url=host.url) as http:
            statuses = {(await http.get("/api/servers")).status_code for _ in range(60)}
        async with Client(host.url + "/mcp") as client:
            for n in range(30):
                assert (await client.call_tool("toy_add", {"a": n, "b": 1})).data == n + 1
    assert statuses == {200}


async def test_a_servers_own_rate_limit_holds_for_every_face(tmp_path: Path) -> None:
    async with running_host(tmp_path, {"toy": {**toy_entry(), "rateLimit": 2}}) as host:
        async with Client(host.url + "/mcp") as client:
            outcomes = [await client.call_tool("toy_echo", {"text": "x"}, raise_on_error=False) for _ in range(6)]
        refused = [r for r in outcomes if r.is_error]
        assert refused, "the server's limit never applied"
        text = refused[0].content[0].text  # type: ignore[union-attr]
        assert text.startswith("server 'toy' is over its rate limit of 2 calls/s; retry in ")
        async with httpx2.AsyncClient(base_url=host.url) as http:
            body = {"arguments": {"text": "y"}}
            over = await until_refused(http, "POST", "/api/tools/toy_echo/call", json=body)
            assert over.json()["error"].startswith("server 'toy' is over its rate limit")
            assert int(over.headers["retry-after"]) >= 1
            assert (await until_admitted(http, "POST", "/api/tools/toy_echo/call", json=body)).status_code == 200


async def test_replicas_on_redis_share_a_credentials_limit(tmp_path: Path) -> None:
    token = "shared-" + secrets.token_hex(8)  # a fresh key: other runs may share this Redis
    options = {"tokens": [token], "rate_limit": 5, "rate_limit_storage": "redis://127.0.0.1:6379"}
    headers = {"Authorization": f"Bearer {token}"}
    for replica in ("one", "two"):
        (tmp_path / replica).mkdir()
    async with (
        running_host(tmp_path / "one", {}, home=tmp_path / "one" / "home", **options) as one,
        running_host(tmp_path / "two", {}, home=tmp_path / "two" / "home", **options) as two,
    ):
        async with httpx2.AsyncClient(base_url=one.url) as first, httpx2.AsyncClient(base_url=two.url) as second:
            await until_refused(first, "GET", "/api/servers", headers=headers)
            assert (await second.get("/api/servers", headers=headers)).status_code == 429
            assert (await until_admitted(second, "GET", "/api/servers", headers=headers)).status_code == 200
