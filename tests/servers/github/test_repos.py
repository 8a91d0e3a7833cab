"""repo_read and repo_write against the fake GitHub API: exact requests, decoded results."""

from __future__ import annotations

import base64

import pytest
from fastmcp.exceptions import ToolError
from mcp.shared.exceptions import MCPError
from mcp_types import TextResourceContents
from starlette.responses import Response

from tests.fixtures.results import structured
from tests.servers.github.conftest import Connect
from tests.servers.github.fake_github import FakeGitHub, Seen, error

pytestmark = pytest.mark.anyio


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


async def test_get_file_contents_decodes_the_file_at_a_ref(fake: FakeGitHub, connect: Connect) -> None:
    file = {
        "type": "file",
        "name": "read me.md",
        "path": "docs/read me.md",
        "size": 6,
        "sha": "abc",
        "encoding": "base64",
        "content": b64("hello\n"),
    }
    fake.on("GET", "/repos/octo/hello/contents/docs/read me.md", file)
    async with connect() as client:
        result = await client.call_tool(
            "repo_read", {"method": "get_file_contents", "repo": "octo/hello", "path": "docs/read me.md", "ref": "dev"}
        )
    data = structured(result)
    assert data["text"] == "hello\n"
    assert data["item"] == {"name": "read me.md", "path": "docs/read me.md", "type": "file", "size": 6, "sha": "abc"}
    [seen] = fake.requests
    assert seen.query == {"ref": "dev"}


async def test_a_file_over_a_megabyte_is_read_through_the_raw_media_type(fake: FakeGitHub, connect: Connect) -> None:
    from starlette.responses import PlainTextResponse

    path = "/repos/octo/hello/contents/big.txt"
    meta = {
        "type": "file",
        "name": "big.txt",
        "path": "big.txt",
        "size": 2_000_000,
        "sha": "b",
        "encoding": "none",
        "content": "",
    }

    def answer(seen: Seen) -> Response:
        if seen.headers["accept"] == "application/vnd.github.raw+json":
            return PlainTextResponse("x" * 5000)
        return fake.json(seen, meta)

    fake.on("GET", path, answer)
    async with connect(max_output_chars=1000) as client:
        result = await client.call_tool(
            "repo_read", {"method": "get_file_contents", "repo": "octo/hello", "path": "big.txt"}
        )
    assert structured(result)["text"] == "x" * 1000
    assert structured(result)["truncated"] is True
    assert [seen.query for seen in fake.requests] == [{}, {}]


async def test_get_file_contents_of_a_folder_lists_it(fake: FakeGitHub, connect: Connect) -> None:
    listing = [{"type": "file", "name": "a.py", "path": "src/a.py", "size": 3, "sha": "1", "url": "x"}]
    fake.on("GET", "/repos/octo/hello/contents/src", listing)
    async with connect() as client:
        result = await client.call_tool(
            "repo_read", {"method": "get_file_contents", "repo": "octo/hello", "path": "src"}
        )
    assert structured(result)["items"] == [{"name": "a.py", "path": "src/a.py", "type": "file", "size": 3, "sha": "1"}]


async def test_paths_that_climb_out_are_refused_before_any_request(fake: FakeGitHub, connect: Connect) -> None:
    async with connect() as client:
        with pytest.raises(ToolError, match=r"may not contain '\.' or '\.\.' segments"):
            await client.call_tool(
                "repo_read", {"method": "get_file_contents", "repo": "octo/hello", "path": "../../user"}
            )
        with pytest.raises(ToolError, match="not a valid GitHub name"):
            await client.call_tool("repo_read", {"method": "list_branches", "repo": "octo/.."})
    assert fake.requests == []


async def test_list_commits_passes_filters_and_projects_fields(fake: FakeGitHub, connect: Connect) -> None:
    commit = {
        "sha": "f00",
        "commit": {"message": "fix", "author": {"name": "Ada", "date": "2026-01-01T00:00:00Z", "email": "a@x"}},
        "html_url": "u",
        "parents": [],
    }
    fake.on("GET", "/repos/octo/hello/commits", lambda seen: fake.page(seen, [commit]))
    async with connect() as client:
        result = await client.call_tool(
            "repo_read",
            {
                "method": "list_commits",
                "repo": "octo/hello",
                "ref": "main",
                "path": "src",
                "author": "ada",
                "since": "2026-01-01T00:00:00Z",
                "limit": 10,
                "fields": ["sha", "commit.author.name"],
            },
        )
    assert structured(result)["items"] == [{"sha": "f00", "commit": {"author": {"name": "Ada"}}}]
    [seen] = fake.requests
    assert seen.query == {
        "sha": "main",
        "path": "src",
        "author": "ada",
        "since": "2026-01-01T00:00:00+00:00",
        "per_page": "10",
    }


async def test_get_commit_and_list_branches(fake: FakeGitHub, connect: Connect) -> None:
    fake.on(
        "GET",
        "/repos/octo/hello/commits/abc123",
        {
            "sha": "abc123",
            "files": [{"filename": "a", "status": "modified", "additions": 1, "deletions": 0, "patch": "@@"}],
            "stats": {"total": 1},
        },
    )
    fake.on(
        "GET",
        "/repos/octo/hello/branches",
        lambda s: fake.page(s, [{"name": "main", "commit": {"sha": "1", "url": "x"}, "protected": True}]),
    )
    async with connect() as client:
        commit = await client.call_tool("repo_read", {"method": "get_commit", "repo": "octo/hello", "ref": "abc123"})
        branches = await client.call_tool("repo_read", {"method": "list_branches", "repo": "octo/hello"})
    assert structured(commit)["item"]["files"] == [
        {"filename": "a", "status": "modified", "additions": 1, "deletions": 0}
    ]
    assert structured(branches)["items"] == [{"name": "main", "commit": {"sha": "1"}, "protected": True}]


async def test_search_repositories_reports_the_total(fake: FakeGitHub, connect: Connect) -> None:
    repos = [{"full_name": f"octo/r{n}", "stargazers_count": n, "owner": {"login": "octo"}} for n in range(3)]
    fake.on("GET", "/search/repositories", lambda seen: fake.page(seen, repos, search=True))
    async with connect() as client:
        result = await client.call_tool("repo_read", {"method": "search_repositories", "query": "mcp language:python"})
    assert structured(result)["total_count"] == 3
    assert structured(result)["items"][0] == {"full_name": "octo/r0", "stargazers_count": 0}
    assert fake.requests[0].query == {"q": "mcp language:python", "per_page": "30"}


async def test_a_method_without_its_arguments_is_a_clear_error(fake: FakeGitHub, connect: Connect) -> None:
    async with connect() as client:
        with pytest.raises(ToolError, match="method 'get_commit' needs `ref`"):
            await client.call_tool("repo_read", {"method": "get_commit", "repo": "octo/hello"})
        with pytest.raises(ToolError, match="method 'search_repositories' needs `query`"):
            await client.call_tool("repo_read", {"method": "search_repositories"})
    assert fake.requests == []


async def test_create_or_update_file_looks_up_the_sha_it_replaces(fake: FakeGitHub, connect: Connect) -> None:
    path = "/repos/octo/hello/contents/docs/a.md"
    fake.on("GET", path, {"type": "file", "sha": "oldsha", "encoding": "base64", "content": b64("old")})
    fake.on("PUT", path, {"content": {"path": "docs/a.md", "sha": "newsha"}, "commit": {"sha": "c1", "html_url": "h"}})
    async with connect(write=True) as client:
        result = await client.call_tool(
            "repo_write",
            {
                "method": "create_or_update_file",
                "repo": "octo/hello",
                "branch": "dev",
                "path": "docs/a.md",
                "content": "new text",
                "message": "Update a.md",
            },
        )
    assert structured(result)["item"] == {
        "content": {"path": "docs/a.md", "sha": "newsha"},
        "commit": {"sha": "c1", "html_url": "h"},
    }
    get, put = fake.requests
    assert get.query == {"ref": "dev"}
    assert put.body == {"message": "Update a.md", "content": b64("new text"), "branch": "dev", "sha": "oldsha"}


async def test_create_file_that_does_not_exist_sends_no_sha(fake: FakeGitHub, connect: Connect) -> None:
    path = "/repos/octo/hello/contents/new.txt"
    fake.on("PUT", path, {"content": {"path": "new.txt", "sha": "s"}, "commit": {"sha": "c"}})
    async with connect(write=True) as client:
        await client.call_tool(
            "repo_write",
            {
                "method": "create_or_update_file",
                "repo": "octo/hello",
                "branch": "main",
                "path": "new.txt",
                "content": "x",
                "message": "add",
            },
        )
    assert "sha" not in fake.of("PUT", path)[0].body


async def test_create_branch_starts_from_the_default_branch(fake: FakeGitHub, connect: Connect) -> None:
    fake.on("GET", "/repos/octo/hello", {"full_name": "octo/hello", "default_branch": "trunk"})
    fake.on("GET", "/repos/octo/hello/git/ref/heads/trunk", {"ref": "refs/heads/trunk", "object": {"sha": "t1"}})
    fake.on(
        "POST",
        "/repos/octo/hello/git/refs",
        lambda s: fake.json(s, {"ref": "refs/heads/feature", "object": {"sha": "t1"}}, 201),
    )
    async with connect(write=True) as client:
        result = await client.call_tool(
            "repo_write", {"method": "create_branch", "repo": "octo/hello", "branch": "feature"}
        )
    assert structured(result)["item"] == {"ref": "refs/heads/feature", "object": {"sha": "t1"}}
    assert fake.of("POST", "/repos/octo/hello/git/refs")[0].body == {"ref": "refs/heads/feature", "sha": "t1"}


async def test_push_files_makes_one_commit_with_every_file(fake: FakeGitHub, connect: Connect) -> None:
    base = "/repos/octo/hello/git"
    fake.on("GET", f"{base}/ref/heads/dev", {"object": {"sha": "parent"}})
    fake.on("GET", f"{base}/commits/parent", {"sha": "parent", "tree": {"sha": "basetree"}})
    fake.on("POST", f"{base}/trees", lambda s: fake.json(s, {"sha": "newtree"}, 201))
    fake.on("POST", f"{base}/commits", lambda s: fake.json(s, {"sha": "newcommit"}, 201))
    fake.on("PATCH", f"{base}/refs/heads/dev", {"ref": "refs/heads/dev", "object": {"sha": "newcommit"}})
    files = [{"path": "a.txt", "content": "A"}, {"path": "dir/b.txt", "content": "B"}]
    async with connect(write=True) as client:
        result = await client.call_tool(
            "repo_write",
            {"method": "push_files", "repo": "octo/hello", "branch": "dev", "files": files, "message": "two files"},
        )
    assert structured(result)["item"] == {"sha": "newcommit", "branch": "dev", "files": ["a.txt", "dir/b.txt"]}
    assert [(s.method, s.path) for s in fake.requests] == [
        ("GET", f"{base}/ref/heads/dev"),
        ("GET", f"{base}/commits/parent"),
        ("POST", f"{base}/trees"),
        ("POST", f"{base}/commits"),
        ("PATCH", f"{base}/refs/heads/dev"),
    ]
    assert fake.requests[2].body == {
        "base_tree": "basetree",
        "tree": [
            {"path": "a.txt", "mode": "100644", "type": "blob", "content": "A"},
            {"path": "dir/b.txt", "mode": "100644", "type": "blob", "content": "B"},
        ],
    }
    assert fake.requests[3].body == {"message": "two files", "tree": "newtree", "parents": ["parent"]}
    assert fake.requests[4].body == {"sha": "newcommit"}


async def test_writes_without_a_token_are_refused_before_any_request(fake: FakeGitHub, connect: Connect) -> None:
    async with connect(write=True, token="") as client:
        with pytest.raises(ToolError, match="repo_write create_branch needs a GitHub token; set GITHUB_TOKEN"):
            await client.call_tool("repo_write", {"method": "create_branch", "repo": "octo/hello", "branch": "x"})
    assert fake.requests == []


async def test_an_unknown_repository_is_a_not_found_error(fake: FakeGitHub, connect: Connect) -> None:
    fake.on("GET", "/repos/octo/ghost/branches", lambda seen: error(404, "Not Found"))
    async with connect() as client:
        with pytest.raises(ToolError, match=r"GitHub found nothing for GET /api/v3/repos/octo/ghost/branches \(404\)"):
            await client.call_tool("repo_read", {"method": "list_branches", "repo": "octo/ghost"})


async def test_contents_resource_reads_raw_file_text(fake: FakeGitHub, connect: Connect) -> None:
    from starlette.responses import PlainTextResponse

    def raw(seen: Seen) -> PlainTextResponse:
        assert seen.headers["accept"] == "application/vnd.github.raw+json"
        return PlainTextResponse("# Title\n")

    fake.on("GET", "/repos/octo/hello/contents/docs/index.md", raw)
    async with connect() as client:
        [content] = await client.read_resource("github://repos/octo/hello/contents/docs/index.md")
    assert isinstance(content, TextResourceContents) and content.text == "# Title\n"


async def test_a_missing_file_resource_says_what_was_not_found(fake: FakeGitHub, connect: Connect) -> None:
    async with connect() as client:
        with pytest.raises(MCPError, match=r"GitHub found nothing for GET /api/v3/repos/octo/hello/contents/nope\.md"):
            await client.read_resource("github://repos/octo/hello/contents/nope.md")
