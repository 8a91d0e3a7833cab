"""The server as a client sees it: toolsets, read-only mode, annotations, prompt, both protocol eras."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastmcp import Client
from pygent.servers.github.server import create_server
from pygent.servers.github.settings import GitHubSettings

from tests.fixtures.results import structured
from tests.servers.github.conftest import TOKEN, Connect
from tests.servers.github.fake_github import FakeGitHub

pytestmark = pytest.mark.anyio

READ_TOOLS = {
    "get_me",
    "repo_read",
    "issue_read",
    "pull_request_read",
    "git_status",
    "git_diff",
    "git_log",
    "git_show",
    "git_branch",
    "git_blame",
}
WRITE_TOOLS = {
    "repo_write",
    "issue_write",
    "pull_request_write",
    "git_create_branch",
    "git_checkout",
    "git_add",
    "git_commit",
}


async def test_read_only_by_default_exposes_no_write_tool_at_all(tmp_path: Path) -> None:
    async with Client(create_server(GitHubSettings.load({"token": TOKEN, "git_roots": [tmp_path]}))) as client:
        tools = await client.list_tools()
    assert {tool.name for tool in tools} == READ_TOOLS
    assert all(tool.annotations and tool.annotations.read_only_hint for tool in tools)


async def test_write_access_adds_the_write_tools_with_honest_hints(tmp_path: Path) -> None:
    async with Client(create_server(GitHubSettings.load({"write": True, "git_roots": [tmp_path]}))) as client:
        tools = {tool.name: tool for tool in await client.list_tools()}
    assert set(tools) == READ_TOOLS | WRITE_TOOLS
    for name in WRITE_TOOLS:
        hints = tools[name].annotations
        assert hints is not None and hints.read_only_hint is False
    for tool in tools.values():
        hints = tool.annotations
        assert hints is not None
        assert None not in (hints.read_only_hint, hints.destructive_hint, hints.idempotent_hint, hints.open_world_hint)
        assert tool.output_schema is not None and tool.description


@pytest.mark.parametrize(
    ("toolsets", "expected"),
    [
        (["context"], {"get_me"}),
        (["issues"], {"issue_read", "issue_write"}),
        (["repos", "pull_requests"], {"repo_read", "repo_write", "pull_request_read", "pull_request_write"}),
    ],
)
async def test_toolsets_choose_the_tools(tmp_path: Path, toolsets: list[str], expected: set[str]) -> None:
    settings = GitHubSettings.load({"toolsets": toolsets, "write": True, "git_roots": [tmp_path]})
    async with Client(create_server(settings)) as client:
        assert {tool.name for tool in await client.list_tools()} == expected


def test_the_token_comes_from_github_token_and_is_masked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TOKEN", "not-this-one")
    assert GitHubSettings.load().token is None
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    settings = GitHubSettings.load()
    assert settings.token is not None and settings.token.get_secret_value() == TOKEN
    assert TOKEN not in repr(settings) and TOKEN not in str(settings.model_dump())


def test_environment_lists_and_bad_toolsets(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PYGENT_GITHUB_TOOLSETS", "repos,git")
    monkeypatch.setenv("PYGENT_GITHUB_GIT_ROOTS", f"{tmp_path},{tmp_path / 'b'}")
    settings = GitHubSettings.load()
    assert settings.toolsets == ["repos", "git"]
    assert settings.git_roots == [tmp_path.resolve(), (tmp_path / "b").resolve()]
    monkeypatch.setenv("PYGENT_GITHUB_TOOLSETS", "repos,gists")
    from pygent.core.errors import ConfigError

    with pytest.raises(ConfigError, match="PYGENT_GITHUB_TOOLSETS"):
        GitHubSettings.load()


async def test_review_prompt_walks_through_the_read_methods(connect: Connect) -> None:
    async with connect() as client:
        prompt = await client.get_prompt("review_pull_request", {"repo": "octo/hello", "number": "3"})
    text = prompt.messages[0].content.text  # type: ignore[union-attr]
    assert "pull request #3 of octo/hello" in text and "method=get_diff" in text


@pytest.mark.parametrize("mode", ["auto", "legacy"])
async def test_both_protocol_eras_call_tools(fake: FakeGitHub, mode: str) -> None:
    fake.on("GET", "/user", {"login": "ada"})
    settings = GitHubSettings.load({"api_url": fake.api_url, "token": TOKEN, "toolsets": ["context"]})
    async with Client(create_server(settings), mode=mode) as client:
        result = await client.call_tool("get_me", {"fields": ["login"]})
    assert structured(result)["item"] == {"login": "ada"}
