"""issue_read and issue_write against the fake GitHub API."""

from __future__ import annotations

import pytest
from fastmcp.exceptions import ToolError

from tests.fixtures.results import structured
from tests.servers.github.conftest import Connect
from tests.servers.github.fake_github import FakeGitHub

pytestmark = pytest.mark.anyio

ISSUE = {
    "number": 7,
    "title": "Crash on start",
    "state": "open",
    "state_reason": None,
    "user": {"login": "ada", "id": 1, "avatar_url": "x"},
    "labels": [{"name": "bug", "color": "red"}, {"name": "p1", "color": "blue"}],
    "assignees": [{"login": "bob"}],
    "milestone": None,
    "comments": 2,
    "created_at": "2026-01-01T00:00:00Z",
    "updated_at": "2026-01-02T00:00:00Z",
    "closed_at": None,
    "body": "It crashes.",
    "html_url": "https://github.com/octo/hello/issues/7",
    "reactions": {"+1": 3},
}


async def test_get_returns_a_compact_issue_by_default(fake: FakeGitHub, connect: Connect) -> None:
    fake.on("GET", "/repos/octo/hello/issues/7", ISSUE)
    async with connect() as client:
        result = await client.call_tool("issue_read", {"method": "get", "repo": "octo/hello", "issue_number": 7})
    item = structured(result)["item"]
    assert item["labels"] == ["bug", "p1"]
    assert item["user"] == {"login": "ada"}
    assert item["assignees"] == ["bob"]
    assert "reactions" not in item and "avatar_url" not in str(item)


async def test_fields_choose_what_comes_back(fake: FakeGitHub, connect: Connect) -> None:
    fake.on("GET", "/repos/octo/hello/issues/7", ISSUE)
    async with connect() as client:
        picked = await client.call_tool(
            "issue_read", {"method": "get", "repo": "octo/hello", "issue_number": 7, "fields": ["title", "reactions"]}
        )
        everything = await client.call_tool(
            "issue_read", {"method": "get", "repo": "octo/hello", "issue_number": 7, "fields": ["*"]}
        )
    assert structured(picked)["item"] == {"title": "Crash on start", "reactions": {"+1": 3}}
    assert structured(everything)["item"] == ISSUE


async def test_list_sends_filters_and_leaves_out_pull_requests(fake: FakeGitHub, connect: Connect) -> None:
    pull = {**ISSUE, "number": 8, "pull_request": {"url": "x"}}
    fake.on("GET", "/repos/octo/hello/issues", lambda seen: fake.page(seen, [ISSUE, pull]))
    async with connect() as client:
        result = await client.call_tool(
            "issue_read",
            {
                "method": "list",
                "repo": "octo/hello",
                "state": "all",
                "labels": ["bug", "p1"],
                "sort": "updated",
                "direction": "asc",
                "since": "2026-01-01T00:00:00Z",
                "limit": 5,
            },
        )
    assert [item["number"] for item in structured(result)["items"]] == [7]
    assert fake.requests[0].query == {
        "state": "all",
        "sort": "updated",
        "direction": "asc",
        "labels": "bug,p1",
        "since": "2026-01-01T00:00:00+00:00",
        "per_page": "5",
    }


async def test_search_is_scoped_to_issues_and_the_repository(fake: FakeGitHub, connect: Connect) -> None:
    fake.on("GET", "/search/issues", lambda seen: fake.page(seen, [ISSUE], search=True))
    async with connect() as client:
        result = await client.call_tool(
            "issue_read", {"method": "search", "query": "crash label:bug", "repo": "octo/hello"}
        )
    assert structured(result)["total_count"] == 1
    assert fake.requests[0].query["q"] == "crash label:bug is:issue repo:octo/hello"


async def test_get_comments(fake: FakeGitHub, connect: Connect) -> None:
    comment = {
        "id": 1,
        "user": {"login": "bob"},
        "body": "same here",
        "created_at": "t",
        "html_url": "u",
        "node_id": "n",
    }
    fake.on("GET", "/repos/octo/hello/issues/7/comments", lambda seen: fake.page(seen, [comment]))
    async with connect() as client:
        result = await client.call_tool(
            "issue_read", {"method": "get_comments", "repo": "octo/hello", "issue_number": 7}
        )
    assert structured(result)["items"] == [
        {"id": 1, "user": {"login": "bob"}, "created_at": "t", "body": "same here", "html_url": "u"}
    ]


async def test_create_update_and_comment_send_githubs_bodies(fake: FakeGitHub, connect: Connect) -> None:
    fake.on("POST", "/repos/octo/hello/issues", lambda s: fake.json(s, {**ISSUE, "number": 9}, 201))
    fake.on("PATCH", "/repos/octo/hello/issues/9", {**ISSUE, "number": 9, "state": "closed"})
    fake.on("POST", "/repos/octo/hello/issues/9/comments", lambda s: fake.json(s, {"id": 5, "body": "done"}, 201))
    async with connect(write=True) as client:
        created = await client.call_tool(
            "issue_write",
            {
                "method": "create",
                "repo": "octo/hello",
                "title": "New",
                "body": "text",
                "labels": ["bug"],
                "assignees": ["ada"],
            },
        )
        closed = await client.call_tool(
            "issue_write",
            {
                "method": "update",
                "repo": "octo/hello",
                "issue_number": 9,
                "state": "closed",
                "state_reason": "completed",
            },
        )
        await client.call_tool(
            "issue_write", {"method": "comment", "repo": "octo/hello", "issue_number": 9, "body": "done"}
        )
    assert structured(created)["item"]["number"] == 9
    assert structured(closed)["item"]["state"] == "closed"
    create, update, comment = fake.requests
    assert create.body == {"title": "New", "body": "text", "labels": ["bug"], "assignees": ["ada"]}
    assert update.body == {"state": "closed", "state_reason": "completed"}
    assert comment.body == {"body": "done"}


async def test_update_with_nothing_to_change_is_refused(fake: FakeGitHub, connect: Connect) -> None:
    async with connect(write=True) as client:
        with pytest.raises(ToolError, match="method 'update' needs `a field to change`"):
            await client.call_tool("issue_write", {"method": "update", "repo": "octo/hello", "issue_number": 9})
        with pytest.raises(ToolError, match="method 'create' needs `title`"):
            await client.call_tool("issue_write", {"method": "create", "repo": "octo/hello"})
    assert fake.requests == []


async def test_bad_arguments_are_rejected_by_the_schema(connect: Connect, fake: FakeGitHub) -> None:
    async with connect() as client:
        with pytest.raises(ToolError, match=r"^invalid argument 'repo': String should match pattern"):
            await client.call_tool("issue_read", {"method": "get", "repo": "not a repo", "issue_number": 1})
        with pytest.raises(ToolError, match=r"^invalid argument 'method': Input should be"):
            await client.call_tool("issue_read", {"method": "explode", "repo": "octo/hello"})
        with pytest.raises(ToolError, match=r"^invalid argument 'limit': Input should be greater than or equal to 1$"):
            await client.call_tool("issue_read", {"method": "list", "repo": "octo/hello", "limit": 0})
    assert fake.requests == []
