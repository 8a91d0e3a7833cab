"""Structured results of the GitHub and git tools (each gives the tool an output schema).

One `GitHubResult` shape serves every consolidated `*_read`/`*_write` tool: a
single object (`item`), a list (`items`, with `has_more` when pages remain), or
text (`text`: a diff or a file's contents, with `truncated` when it was cut).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class GitHubResult(BaseModel):
    """The outcome of one GitHub tool call."""

    method: str
    item: dict[str, Any] | None = None
    items: list[Any] | None = None
    text: str | None = None
    total_count: int | None = Field(default=None, description="matches in total (search)")
    has_more: bool | None = Field(default=None, description="more items exist beyond `limit`")
    truncated: bool | None = Field(default=None, description="`text` was cut at the output cap")


class StatusEntry(BaseModel):
    path: str
    index: str = Field(description="staged state: M, A, D, R, C, ? or space")
    worktree: str = Field(description="unstaged state: M, D, ? or space")
    original_path: str | None = None


class GitStatus(BaseModel):
    repo: str
    branch: str | None
    upstream: str | None = None
    ahead: int = 0
    behind: int = 0
    entries: list[StatusEntry]


class GitText(BaseModel):
    """Text output of git (a diff, a show), cut at the output cap."""

    repo: str
    text: str
    truncated: bool = False


class Commit(BaseModel):
    sha: str
    author: str
    email: str
    date: str
    subject: str


class GitLog(BaseModel):
    repo: str
    commits: list[Commit]


class GitBranches(BaseModel):
    repo: str
    current: str | None
    branches: list[str]


class BlameLine(BaseModel):
    line: int
    sha: str
    author: str
    date: str
    text: str


class GitBlame(BaseModel):
    repo: str
    path: str
    lines: list[BlameLine]


class GitChange(BaseModel):
    """What a mutating git tool did."""

    repo: str
    message: str
    sha: str | None = None
    branch: str | None = None
    staged: list[str] | None = None
