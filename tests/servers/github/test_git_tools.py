"""Local git tools on real repositories made by the tests, including the published escape attempts."""

from __future__ import annotations

import subprocess
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from fastmcp import Client
from fastmcp.exceptions import ToolError
from pygent.servers.github.server import create_server
from pygent.servers.github.settings import GitHubSettings

from tests.fixtures.results import structured

pytestmark = pytest.mark.anyio


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True).stdout


def make_repo(path: Path) -> Path:
    path.mkdir(parents=True)
    git(path, "init", "-q", "-b", "main")
    git(path, "config", "user.name", "Ada")
    git(path, "config", "user.email", "ada@example.com")
    (path / "README.md").write_text("line one\nline two\n", encoding="utf-8")
    git(path, "add", "README.md")
    git(path, "commit", "-q", "-m", "first commit")
    return path


@pytest.fixture
def roots(tmp_path: Path) -> Path:
    return tmp_path / "roots"


@pytest.fixture
def repo(roots: Path) -> Path:
    return make_repo(roots / "app")


@pytest.fixture
async def client(roots: Path, repo: Path) -> AsyncIterator[Client[Any]]:
    settings = GitHubSettings.load({"toolsets": ["git"], "git_roots": [roots], "write": True})
    async with Client(create_server(settings)) as connected:
        yield connected


def state(repo: Path) -> tuple[str, str]:
    """Everything a failed call must leave untouched: the index and the commit history."""
    return git(repo, "status", "--porcelain"), git(repo, "log", "--format=%H")


async def test_status_reports_branch_and_changes(client: Client[Any], repo: Path) -> None:
    (repo / "README.md").write_text("changed\n", encoding="utf-8")
    (repo / "new.txt").write_text("n\n", encoding="utf-8")
    result = await client.call_tool("git_status", {"repo_path": str(repo)})
    data = structured(result)
    assert data["branch"] == "main"
    assert {(e["path"], e["index"], e["worktree"]) for e in data["entries"]} == {
        ("README.md", " ", "M"),
        ("new.txt", "?", "?"),
    }


async def test_repo_paths_may_be_relative_to_the_first_root(client: Client[Any]) -> None:
    result = await client.call_tool("git_branch", {"repo_path": "app"})
    assert structured(result)["branches"] == ["main"]
    assert structured(result)["current"] == "main"


async def test_add_commit_log_show_and_diff(client: Client[Any], repo: Path) -> None:
    (repo / "README.md").write_text("line one\nline 2\n", encoding="utf-8")
    unstaged = await client.call_tool("git_diff", {"repo_path": str(repo)})
    assert "+line 2" in structured(unstaged)["text"]
    await client.call_tool("git_add", {"repo_path": str(repo), "files": ["README.md"]})
    staged = await client.call_tool("git_diff", {"repo_path": str(repo), "mode": "staged"})
    assert "-line two" in structured(staged)["text"]
    commit = await client.call_tool("git_commit", {"repo_path": str(repo), "message": "-m looks like an option"})
    sha = structured(commit)["sha"]
    assert git(repo, "log", "-1", "--format=%H %s").strip() == f"{sha} -m looks like an option"
    log = await client.call_tool("git_log", {"repo_path": str(repo), "max_count": 5, "path": "README.md"})
    assert [c["subject"] for c in structured(log)["commits"]] == ["-m looks like an option", "first commit"]
    assert structured(log)["commits"][0]["author"] == "Ada"
    shown = await client.call_tool("git_show", {"repo_path": str(repo), "revision": sha})
    assert "+line 2" in structured(shown)["text"]
    against = await client.call_tool("git_diff", {"repo_path": str(repo), "mode": "ref", "target": "HEAD~1"})
    assert "+line 2" in structured(against)["text"]


async def test_log_filters_by_date(client: Client[Any], repo: Path) -> None:
    future = await client.call_tool("git_log", {"repo_path": str(repo), "since": "2999-01-01T00:00:00Z"})
    past = await client.call_tool("git_log", {"repo_path": str(repo), "until": "2999-01-01T00:00:00Z"})
    assert structured(future)["commits"] == []
    assert len(structured(past)["commits"]) == 1


async def test_branches_create_and_checkout(client: Client[Any], repo: Path) -> None:
    await client.call_tool("git_create_branch", {"repo_path": str(repo), "name": "feature/x"})
    await client.call_tool("git_checkout", {"repo_path": str(repo), "branch": "feature/x"})
    result = await client.call_tool("git_branch", {"repo_path": str(repo)})
    assert structured(result) == {"repo": str(repo), "current": "feature/x", "branches": ["feature/x", "main"]}
    with pytest.raises(ToolError, match="no local branch 'nope'"):
        await client.call_tool("git_checkout", {"repo_path": str(repo), "branch": "nope"})
    with pytest.raises(ToolError, match="not a valid branch name"):
        await client.call_tool("git_create_branch", {"repo_path": str(repo), "name": "bad..name"})


async def test_blame_names_the_author_of_each_line(client: Client[Any], repo: Path) -> None:
    result = await client.call_tool(
        "git_blame", {"repo_path": str(repo), "path": "README.md", "start_line": 2, "end_line": 2}
    )
    [line] = structured(result)["lines"]
    assert (line["line"], line["author"], line["text"]) == (2, "Ada", "line two")


async def test_commit_with_nothing_staged_is_a_clear_error(client: Client[Any], repo: Path) -> None:
    with pytest.raises(ToolError, match="nothing is staged"):
        await client.call_tool("git_commit", {"repo_path": str(repo), "message": "empty"})


@pytest.mark.parametrize(
    "files", [["../../x"], ["../outside.txt"], ["/etc/passwd"], [".git/config"], ["ok.txt", "../../x"]]
)
async def test_git_add_cannot_reach_outside_the_repository(
    client: Client[Any], repo: Path, roots: Path, files: list[str]
) -> None:
    (roots / "outside.txt").write_text("secret", encoding="utf-8")
    (repo / "ok.txt").write_text("ok", encoding="utf-8")
    before = state(repo)
    with pytest.raises(ToolError, match=r"outside the repository|inside \.git"):
        await client.call_tool("git_add", {"repo_path": str(repo), "files": files})
    assert state(repo) == before


async def test_a_symlink_out_of_the_repository_is_refused(client: Client[Any], repo: Path, tmp_path: Path) -> None:
    (tmp_path / "target.txt").write_text("x", encoding="utf-8")
    (repo / "link.txt").symlink_to(tmp_path / "target.txt")
    with pytest.raises(ToolError, match="outside the repository"):
        await client.call_tool("git_blame", {"repo_path": str(repo), "path": "link.txt"})


@pytest.mark.parametrize(
    ("tool", "arguments"),
    [
        ("git_diff", {"mode": "ref", "target": "--output=OUT"}),
        ("git_log", {"ref": "--output=OUT"}),
        ("git_show", {"revision": "--output=OUT"}),
        ("git_blame", {"path": "README.md", "revision": "--contents=OUT"}),
        ("git_create_branch", {"name": "--force"}),
        ("git_create_branch", {"name": "x", "start_point": "--orphan"}),
        ("git_checkout", {"branch": "-b"}),
    ],
)
async def test_option_injection_is_refused_and_changes_nothing(
    client: Client[Any], repo: Path, tmp_path: Path, tool: str, arguments: dict[str, Any]
) -> None:
    out = tmp_path / "pwned"
    arguments = {
        key: value.replace("OUT", str(out)) if isinstance(value, str) else value for key, value in arguments.items()
    }
    before = state(repo)
    with pytest.raises(ToolError, match="not allowed"):
        await client.call_tool(tool, {"repo_path": str(repo), **arguments})
    assert not out.exists()
    assert state(repo) == before
    assert git(repo, "branch", "--format=%(refname:short)").split() == ["main"]


async def test_repositories_outside_the_roots_are_refused(client: Client[Any], tmp_path: Path) -> None:
    outside = make_repo(tmp_path / "elsewhere")
    for path in (str(outside), "../elsewhere", "/"):
        with pytest.raises(ToolError, match="outside the allowed git roots"):
            await client.call_tool("git_status", {"repo_path": path})
    before = state(outside)
    (outside / "x.txt").write_text("x", encoding="utf-8")
    with pytest.raises(ToolError, match="outside the allowed git roots"):
        await client.call_tool("git_add", {"repo_path": str(outside), "files": ["x.txt"]})
    assert git(outside, "diff", "--cached", "--name-only") == ""
    assert state(outside)[1] == before[1]


async def test_a_symlinked_repository_leading_out_of_the_roots_is_refused(
    client: Client[Any], roots: Path, tmp_path: Path
) -> None:
    outside = make_repo(tmp_path / "elsewhere")
    (roots / "sneaky").symlink_to(outside)
    with pytest.raises(ToolError, match="outside the allowed git roots"):
        await client.call_tool("git_status", {"repo_path": "sneaky"})


async def test_git_does_not_climb_above_a_root_to_find_a_repository(tmp_path: Path) -> None:
    outer = make_repo(tmp_path / "outer")
    root = outer / "projects"
    (root / "plain").mkdir(parents=True)
    settings = GitHubSettings.load({"toolsets": ["git"], "git_roots": [root]})
    async with Client(create_server(settings)) as connected:
        with pytest.raises(ToolError, match="is not a git repository"):
            await connected.call_tool("git_status", {"repo_path": "plain"})


async def test_a_missing_folder_is_not_found(client: Client[Any], roots: Path) -> None:
    with pytest.raises(ToolError, match="no folder at"):
        await client.call_tool("git_status", {"repo_path": str(roots / "missing")})


async def test_read_only_mode_has_no_git_write_tools(roots: Path, repo: Path) -> None:
    settings = GitHubSettings.load({"toolsets": ["git"], "git_roots": [roots]})
    async with Client(create_server(settings)) as connected:
        names = {tool.name for tool in await connected.list_tools()}
        assert names == {"git_status", "git_diff", "git_log", "git_show", "git_branch", "git_blame"}
        with pytest.raises(ToolError, match="Unknown tool"):
            await connected.call_tool("git_commit", {"repo_path": str(repo), "message": "x"})
