"""pull_request_read and pull_request_write against the fake GitHub API."""

from __future__ import annotations

import pytest
from fastmcp.exceptions import ToolError
from starlette.responses import PlainTextResponse, Response

from tests.fixtures.results import structured
from tests.servers.github.conftest import Connect
from tests.servers.github.fake_github import FakeGitHub, Seen

pytestmark = pytest.mark.anyio

PULL = {
    "number": 3,
    "title": "Add feature",
    "state": "open",
    "draft": False,
    "merged": False,
    "user": {"login": "ada"},
    "head": {"ref": "feature", "sha": "h1", "repo": {"full_name": "octo/hello"}},
    "base": {"ref": "main", "sha": "b1"},
    "body": "Adds it.",
    "html_url": "https://github.com/octo/hello/pull/3",
}
DIFF = "diff --git a/a.txt b/a.txt\n--- a/a.txt\n+++ b/a.txt\n@@ -1 +1 @@\n-old\n+new\n"


async def test_get_and_list(fake: FakeGitHub, connect: Connect) -> None:
    fake.on("GET", "/repos/octo/hello/pulls/3", PULL)
    fake.on("GET", "/repos/octo/hello/pulls", lambda seen: fake.page(seen, [PULL]))
    async with connect() as client:
        one = await client.call_tool("pull_request_read", {"method": "get", "repo": "octo/hello", "pull_number": 3})
        many = await client.call_tool("pull_request_read", {"method": "list", "repo": "octo/hello", "base": "main"})
    assert structured(one)["item"]["head"] == {"ref": "feature", "sha": "h1"}
    assert structured(many)["items"] == [
        {
            "number": 3,
            "title": "Add feature",
            "state": "open",
            "draft": False,
            "user": {"login": "ada"},
            "head": {"ref": "feature"},
            "base": {"ref": "main"},
            "html_url": PULL["html_url"],
        }
    ]
    assert fake.requests[1].query == {"state": "open", "base": "main", "per_page": "30"}


async def test_get_diff_asks_for_the_diff_media_type(fake: FakeGitHub, connect: Connect) -> None:
    def diff(seen: Seen) -> Response:
        assert seen.headers["accept"] == "application/vnd.github.diff"
        return PlainTextResponse(DIFF)

    fake.on("GET", "/repos/octo/hello/pulls/3", diff)
    async with connect() as client:
        result = await client.call_tool(
            "pull_request_read", {"method": "get_diff", "repo": "octo/hello", "pull_number": 3}
        )
    assert structured(result)["text"] == DIFF


async def test_a_huge_diff_is_cut_at_the_output_cap(fake: FakeGitHub, connect: Connect) -> None:
    fake.on("GET", "/repos/octo/hello/pulls/3", lambda seen: PlainTextResponse("+x\n" * 2000))
    async with connect(max_output_chars=1000) as client:
        result = await client.call_tool(
            "pull_request_read", {"method": "get_diff", "repo": "octo/hello", "pull_number": 3}
        )
    assert len(structured(result)["text"]) == 1000
    assert structured(result)["truncated"] is True


async def test_files_reviews_and_comments(fake: FakeGitHub, connect: Connect) -> None:
    fake.on(
        "GET",
        "/repos/octo/hello/pulls/3/files",
        lambda s: fake.page(
            s,
            [
                {
                    "filename": "a.txt",
                    "status": "modified",
                    "additions": 1,
                    "deletions": 1,
                    "changes": 2,
                    "patch": "@@",
                    "sha": "x",
                }
            ],
        ),
    )
    fake.on(
        "GET",
        "/repos/octo/hello/pulls/3/reviews",
        lambda s: fake.page(s, [{"id": 1, "user": {"login": "bob"}, "state": "APPROVED", "body": "ok"}]),
    )
    fake.on(
        "GET",
        "/repos/octo/hello/pulls/3/comments",
        lambda s: fake.page(s, [{"id": 2, "user": {"login": "bob"}, "path": "a.txt", "line": 1, "body": "nit"}]),
    )
    async with connect() as client:
        files = await client.call_tool(
            "pull_request_read", {"method": "get_files", "repo": "octo/hello", "pull_number": 3}
        )
        reviews = await client.call_tool(
            "pull_request_read", {"method": "get_reviews", "repo": "octo/hello", "pull_number": 3}
        )
        comments = await client.call_tool(
            "pull_request_read", {"method": "get_comments", "repo": "octo/hello", "pull_number": 3}
        )
    assert structured(files)["items"] == [
        {"filename": "a.txt", "status": "modified", "additions": 1, "deletions": 1, "changes": 2, "patch": "@@"}
    ]
    assert structured(reviews)["items"] == [{"id": 1, "user": {"login": "bob"}, "state": "APPROVED", "body": "ok"}]
    assert structured(comments)["items"] == [
        {"id": 2, "user": {"login": "bob"}, "path": "a.txt", "line": 1, "body": "nit"}
    ]


async def test_search_is_scoped_to_pull_requests(fake: FakeGitHub, connect: Connect) -> None:
    fake.on("GET", "/search/issues", lambda seen: fake.page(seen, [], search=True))
    async with connect() as client:
        await client.call_tool("pull_request_read", {"method": "search", "query": "author:ada"})
    assert fake.requests[0].query["q"] == "author:ada is:pr"


async def test_create_merge_and_review(fake: FakeGitHub, connect: Connect) -> None:
    fake.on("POST", "/repos/octo/hello/pulls", lambda s: fake.json(s, PULL, 201))
    fake.on(
        "PUT",
        "/repos/octo/hello/pulls/3/merge",
        {"merged": True, "sha": "m1", "message": "Pull Request successfully merged"},
    )
    fake.on(
        "POST", "/repos/octo/hello/pulls/3/reviews", {"id": 9, "state": "CHANGES_REQUESTED", "user": {"login": "me"}}
    )
    async with connect(write=True) as client:
        await client.call_tool(
            "pull_request_write",
            {
                "method": "create",
                "repo": "octo/hello",
                "title": "Add feature",
                "head": "feature",
                "base": "main",
                "draft": True,
            },
        )
        merged = await client.call_tool(
            "pull_request_write", {"method": "merge", "repo": "octo/hello", "pull_number": 3, "merge_method": "squash"}
        )
        review = await client.call_tool(
            "pull_request_write",
            {
                "method": "review",
                "repo": "octo/hello",
                "pull_number": 3,
                "event": "REQUEST_CHANGES",
                "body": "see notes",
                "comments": [{"path": "a.txt", "line": 1, "body": "typo"}],
            },
        )
    assert structured(merged)["item"] == {
        "merged": True,
        "sha": "m1",
        "message": "Pull Request successfully merged",
    }
    assert structured(review)["item"]["state"] == "CHANGES_REQUESTED"
    create, merge, submit = fake.requests
    assert create.body == {"title": "Add feature", "head": "feature", "base": "main", "draft": True}
    assert merge.body == {"merge_method": "squash"}
    assert submit.body == {
        "event": "REQUEST_CHANGES",
        "body": "see notes",
        "comments": [{"path": "a.txt", "line": 1, "body": "typo"}],
    }


async def test_a_review_asking_for_changes_needs_words(fake: FakeGitHub, connect: Connect) -> None:
    async with connect(write=True) as client:
        with pytest.raises(ToolError, match="needs `body or comments`"):
            await client.call_tool(
                "pull_request_write",
                {"method": "review", "repo": "octo/hello", "pull_number": 3, "event": "REQUEST_CHANGES"},
            )
    assert fake.requests == []
