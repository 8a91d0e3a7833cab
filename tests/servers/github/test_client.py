"""The GitHub HTTP client, seen through the tools: auth, pagination, ETags, rate limits, retries, errors."""

from __future__ import annotations

import logging
import time

import pytest
from fastmcp.exceptions import ToolError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from tests.fixtures.results import structured
from tests.servers.github.conftest import TOKEN, Connect
from tests.servers.github.fake_github import FakeGitHub, Seen, error, serve

pytestmark = pytest.mark.anyio


def issues(count: int) -> list[dict[str, object]]:
    return [
        {"number": n, "title": f"issue {n}", "state": "open", "user": {"login": "ada"}} for n in range(1, count + 1)
    ]


async def test_every_request_carries_the_token_and_api_headers(fake: FakeGitHub, connect: Connect) -> None:
    fake.on("GET", "/user", {"login": "ada", "name": "Ada", "id": 1})
    async with connect() as client:
        result = await client.call_tool("get_me", {})
    assert structured(result)["item"] == {"login": "ada", "name": "Ada"}
    [seen] = fake.requests
    assert seen.path == "/user"
    assert seen.headers["authorization"] == f"Bearer {TOKEN}"
    assert seen.headers["accept"] == "application/vnd.github+json"
    assert seen.headers["x-github-api-version"] == "2022-11-28"


async def test_pagination_follows_link_headers_over_several_pages(fake: FakeGitHub, connect: Connect) -> None:
    all_issues = issues(250)
    fake.on("GET", "/repos/octo/hello/issues", lambda seen: fake.page(seen, all_issues))
    async with connect() as client:
        result = await client.call_tool("issue_read", {"method": "list", "repo": "octo/hello", "limit": 250})
    data = structured(result)
    assert [item["number"] for item in data["items"]] == list(range(1, 251))
    assert data["has_more"] is False
    queries = [seen.query for seen in fake.of("GET", "/repos/octo/hello/issues")]
    base = {"state": "open", "sort": "created", "direction": "desc", "per_page": "100"}
    assert queries == [base, {**base, "page": "2"}, {**base, "page": "3"}]
    assert all(seen.headers["authorization"] == f"Bearer {TOKEN}" for seen in fake.requests)


async def test_a_limit_below_the_total_stops_early_and_says_more_exist(fake: FakeGitHub, connect: Connect) -> None:
    all_issues = issues(250)
    fake.on("GET", "/repos/octo/hello/issues", lambda seen: fake.page(seen, all_issues))
    async with connect() as client:
        result = await client.call_tool("issue_read", {"method": "list", "repo": "octo/hello", "limit": 150})
    assert len(structured(result)["items"]) == 150
    assert structured(result)["has_more"] is True
    assert len(fake.requests) == 2


async def test_a_repeated_read_is_revalidated_with_its_etag(fake: FakeGitHub, connect: Connect) -> None:
    fake.on("GET", "/repos/octo/hello/issues/7", {"number": 7, "title": "Crash", "state": "open", "body": "boom"})
    async with connect() as client:
        first = await client.call_tool("issue_read", {"method": "get", "repo": "octo/hello", "issue_number": 7})
        second = await client.call_tool("issue_read", {"method": "get", "repo": "octo/hello", "issue_number": 7})
    assert structured(first) == structured(second)
    assert structured(second)["item"]["title"] == "Crash"
    one, two = fake.requests
    assert "if-none-match" not in one.headers
    assert two.headers["if-none-match"].startswith('"')
    assert fake.remaining == 4999  # the 304 cost nothing


async def test_an_exhausted_rate_limit_fails_with_the_reset_time(fake: FakeGitHub, connect: Connect) -> None:
    reset = int(time.time()) + 3600
    limited = {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(reset), "X-RateLimit-Limit": "60"}

    def answer(seen: Seen) -> Response:
        response = error(403, "API rate limit exceeded for 203.0.113.9.")
        response.headers.update(limited)
        return response

    fake.on("GET", "/repos/octo/hello/issues/1", answer)
    async with connect() as client:
        with pytest.raises(ToolError, match=r"rate limit of 60 requests exhausted.*resets at \d\d:\d\d:\d\d UTC"):
            await client.call_tool("issue_read", {"method": "get", "repo": "octo/hello", "issue_number": 1})
        # The client remembers the limit and does not hammer GitHub until it resets.
        with pytest.raises(ToolError, match="rate limit exhausted; GET /api/v3/repos/octo/hello/issues/1 not sent"):
            await client.call_tool("issue_read", {"method": "get", "repo": "octo/hello", "issue_number": 1})
    assert len(fake.requests) == 1


async def test_a_short_secondary_limit_is_waited_out(fake: FakeGitHub, connect: Connect) -> None:
    def limited(seen: Seen) -> Response:
        response = error(429, "You have exceeded a secondary rate limit.")
        response.headers["Retry-After"] = "0"
        return response

    fake.on("GET", "/repos/octo/hello/issues/1", [limited, lambda seen: fake.json(seen, {"number": 1, "title": "ok"})])
    async with connect() as client:
        result = await client.call_tool("issue_read", {"method": "get", "repo": "octo/hello", "issue_number": 1})
    assert structured(result)["item"]["title"] == "ok"
    assert len(fake.requests) == 2


async def test_server_errors_on_reads_are_retried(fake: FakeGitHub, connect: Connect) -> None:
    fake.on(
        "GET",
        "/repos/octo/hello/issues/1",
        [lambda s: error(502, "Bad Gateway"), lambda s: fake.json(s, {"number": 1})],
    )
    async with connect() as client:
        result = await client.call_tool("issue_read", {"method": "get", "repo": "octo/hello", "issue_number": 1})
    assert structured(result)["item"]["number"] == 1
    assert len(fake.requests) == 2


async def test_server_errors_on_creates_are_not_retried(fake: FakeGitHub, connect: Connect) -> None:
    fake.on("POST", "/repos/octo/hello/issues", lambda s: error(502, "Bad Gateway"))
    async with connect(write=True) as client:
        with pytest.raises(ToolError, match="GitHub answered 502 to POST /api/v3/repos/octo/hello/issues"):
            await client.call_tool("issue_write", {"method": "create", "repo": "octo/hello", "title": "x"})
    assert len(fake.requests) == 1


@pytest.mark.parametrize(
    ("status", "message", "expected"),
    [
        (401, "Bad credentials", r"GitHub rejected the token .*401 Bad credentials.*check GITHUB_TOKEN"),
        (403, "Resource not accessible by integration", r"GitHub refused .*403 Resource not accessible"),
        (404, "Not Found", r"GitHub found nothing for GET /api/v3/repos/octo/nope/issues/1 \(404\)"),
    ],
)
async def test_http_errors_become_clear_tool_errors(
    fake: FakeGitHub, connect: Connect, status: int, message: str, expected: str
) -> None:
    fake.on("GET", "/repos/octo/nope/issues/1", lambda s: error(status, message))
    async with connect() as client:
        with pytest.raises(ToolError, match=expected) as caught:
            await client.call_tool("issue_read", {"method": "get", "repo": "octo/nope", "issue_number": 1})
    assert TOKEN not in str(caught.value)


async def test_validation_failures_quote_githubs_field_errors(fake: FakeGitHub, connect: Connect) -> None:
    errors = [{"resource": "Issue", "field": "title", "code": "missing_field"}]
    fake.on("POST", "/repos/octo/hello/issues", lambda s: error(422, "Validation Failed", errors=errors))
    async with connect(write=True) as client:
        with pytest.raises(ToolError, match=r"422 Validation Failed \(Issue title missing_field\)"):
            await client.call_tool("issue_write", {"method": "create", "repo": "octo/hello", "title": "t"})


async def test_a_redirect_to_another_host_is_refused_and_gets_no_token(fake: FakeGitHub, connect: Connect) -> None:
    elsewhere: list[Request] = []

    async def record(request: Request) -> Response:
        elsewhere.append(request)
        return JSONResponse({"number": 1})

    other = Starlette(routes=[Route("/{path:path}", record)])
    async with serve(other) as other_url:
        fake.on("GET", "/repos/octo/hello/issues/1", lambda s: RedirectResponse(f"{other_url}/steal", 307))
        async with connect() as client:
            with pytest.raises(ToolError, match=r"GitHub pointed to another host \(127.0.0.1\); not followed"):
                await client.call_tool("issue_read", {"method": "get", "repo": "octo/hello", "issue_number": 1})
    assert elsewhere == []


async def test_a_same_host_redirect_is_followed(fake: FakeGitHub, connect: Connect) -> None:
    fake.on(
        "GET", "/repos/octo/old/issues/1", lambda s: RedirectResponse(f"{fake.api_url}/repos/octo/new/issues/1", 301)
    )
    fake.on("GET", "/repos/octo/new/issues/1", {"number": 1, "title": "moved"})
    async with connect() as client:
        result = await client.call_tool("issue_read", {"method": "get", "repo": "octo/old", "issue_number": 1})
    assert structured(result)["item"]["title"] == "moved"
    assert [seen.headers["authorization"] for seen in fake.requests] == [f"Bearer {TOKEN}"] * 2


async def test_a_next_link_to_another_host_is_not_followed(fake: FakeGitHub, connect: Connect) -> None:
    def page(seen: Seen) -> Response:
        return fake.json(seen, issues(2), headers={"Link": '<http://203.0.113.7/api/v3/next?page=2>; rel="next"'})

    fake.on("GET", "/repos/octo/hello/issues", page)
    async with connect() as client:
        with pytest.raises(ToolError, match="another host"):
            await client.call_tool("issue_read", {"method": "list", "repo": "octo/hello", "limit": 5})


async def test_the_token_never_reaches_the_logs(
    fake: FakeGitHub, connect: Connect, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    fake.on("GET", "/user", lambda s: error(401, "Bad credentials"))
    fake.on("GET", "/repos/octo/hello/issues/1", {"number": 1})
    async with connect() as client:
        await client.call_tool("issue_read", {"method": "get", "repo": "octo/hello", "issue_number": 1})
        with pytest.raises(ToolError):
            await client.call_tool("get_me", {})
    assert caplog.records
    assert all(TOKEN not in record.getMessage() and TOKEN not in str(record.__dict__) for record in caplog.records)


async def test_without_a_token_reads_go_unauthenticated_and_get_me_says_what_to_set(
    fake: FakeGitHub, connect: Connect
) -> None:
    fake.on("GET", "/repos/octo/hello/issues/1", {"number": 1})
    async with connect(token="") as client:
        await client.call_tool("issue_read", {"method": "get", "repo": "octo/hello", "issue_number": 1})
        with pytest.raises(ToolError, match="get_me needs a GitHub token; set GITHUB_TOKEN"):
            await client.call_tool("get_me", {})
    [seen] = fake.requests
    assert "authorization" not in seen.headers


async def test_unreachable_github_is_a_clear_error(connect: Connect) -> None:
    async with connect(api_url="http://127.0.0.1:9/api/v3", max_retries=0) as client:
        with pytest.raises(ToolError, match=r"cannot reach GitHub at 127.0.0.1 \(ConnectError\)"):
            await client.call_tool("issue_read", {"method": "get", "repo": "octo/hello", "issue_number": 1})
