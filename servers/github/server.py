"""Build the GitHub MCP server from its settings: toolsets, read-only mode, resources, prompts.

    mcp = create_server(GitHubSettings.load({"toolsets": ["repos", "git"], "write": True}))

Without write access (the default) no write tool is registered at all, so an
agent cannot even see one.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, Any

from fastmcp import FastMCP
from pydantic import Field
from pygent.core.server_kit import create_server as create_house_server
from pygent.servers.github.client import RAW, GitHubClient
from pygent.servers.github.git_runner import LocalGit
from pygent.servers.github.git_tools import add_git_tools
from pygent.servers.github.issues import add_issue_tools
from pygent.servers.github.models import GitHubResult
from pygent.servers.github.params import Fields, Repo, content_path, repo_path
from pygent.servers.github.projection import project
from pygent.servers.github.pulls import add_pull_tools
from pygent.servers.github.repos import READ, add_repo_tools
from pygent.servers.github.settings import GitHubSettings

INSTRUCTIONS = (
    "GitHub (REST API) and local git repositories. Tools named *_read / *_write take a `method`; "
    '`fields` picks which keys come back (dotted paths, ["*"] for all). Local git tools work on '
    "repositories under the configured roots only."
)


def create_server(settings: GitHubSettings | None = None) -> FastMCP[Any]:
    """The GitHub server for `settings` (loaded from the environment when omitted)."""
    settings = settings or GitHubSettings.load()
    gh = GitHubClient(settings)

    @asynccontextmanager
    async def lifespan(server: FastMCP[Any]) -> AsyncIterator[dict[str, Any]]:
        try:
            yield {}
        finally:
            await gh.aclose()

    mcp: FastMCP[Any] = create_house_server("github", instructions=INSTRUCTIONS, lifespan=lifespan)
    toolsets = set(settings.toolsets)
    if "context" in toolsets:
        _add_context_tools(mcp, gh)
    if "repos" in toolsets:
        add_repo_tools(mcp, gh, settings, write=settings.write)
        _add_contents_resource(mcp, gh)
    if "issues" in toolsets:
        add_issue_tools(mcp, gh, write=settings.write)
    if "pull_requests" in toolsets:
        add_pull_tools(mcp, gh, settings, write=settings.write)
        _add_review_prompt(mcp)
    if "git" in toolsets:
        add_git_tools(mcp, LocalGit(settings.git_roots, timeout=settings.git_timeout), settings, write=settings.write)
    return mcp


def _add_context_tools(mcp: FastMCP[Any], gh: GitHubClient) -> None:
    @mcp.tool(annotations=READ, tags={"context"})
    async def get_me(fields: Fields = None) -> GitHubResult:
        """The GitHub user the token belongs to."""
        gh.require_token("get_me")
        return GitHubResult(method="get_me", item=project(await gh.get("/user"), fields, "user"))


def _add_contents_resource(mcp: FastMCP[Any], gh: GitHubClient) -> None:
    @mcp.resource("github://repos/{owner}/{repo}/contents/{path*}", mime_type="text/plain")
    async def file_contents(owner: str, repo: str, path: str) -> str:
        """A text file of a repository on its default branch."""
        target = f"{repo_path(f'{owner}/{repo}')}/contents/{content_path(path)}"
        text: str = await gh.get_text(target, RAW)
        return text


def _add_review_prompt(mcp: FastMCP[Any]) -> None:
    @mcp.prompt(description="Review a pull request: read it, its diff and its discussion, then give a verdict")
    def review_pull_request(repo: Repo, number: Annotated[int, Field(ge=1)]) -> str:
        return (
            f"Review pull request #{number} of {repo}.\n"
            f"1. pull_request_read method=get for its description and state.\n"
            f"2. pull_request_read method=get_diff (and get_files for the list of files).\n"
            f"3. pull_request_read method=get_reviews and get_comments for what was already said.\n"
            "Then report: what the change does, risks or bugs with file and line, missing tests, and a "
            "verdict (approve, request changes, or comment). If write access is available, submit it with "
            "pull_request_write method=review."
        )
