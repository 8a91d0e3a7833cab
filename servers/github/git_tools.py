"""The git toolset: local repositories under the configured roots.

    add_git_tools(mcp, LocalGit(settings.git_roots), settings, write=False)

Read tools: git_status, git_diff, git_log, git_show, git_branch, git_blame.
Write tools (only with write access): git_create_branch, git_checkout, git_add, git_commit.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any, Literal

from fastmcp import FastMCP
from pydantic import Field
from pygent.core.errors import InvalidArgumentError, NotFoundError
from pygent.servers.github import git_parse
from pygent.servers.github.git_runner import LocalGit, check_value
from pygent.servers.github.models import GitBlame, GitBranches, GitChange, GitLog, GitStatus, GitText
from pygent.servers.github.settings import GitHubSettings

LOCAL_READ = {"readOnlyHint": True, "destructiveHint": False, "idempotentHint": True, "openWorldHint": False}
LOCAL_WRITE = {"readOnlyHint": False, "destructiveHint": False, "idempotentHint": False, "openWorldHint": False}

RepoPath = Annotated[
    str, Field(min_length=1, description="repository folder: absolute, or relative to the first git root")
]
NO_PROGRAMS = ("--no-ext-diff", "--no-textconv", "--no-color")


def _git_date(moment: datetime) -> str:
    """A date git parses unambiguously; no zone means UTC. git only knows 1970-2099, so clamp."""
    aware = (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)
    aware = min(max(aware, datetime(1970, 1, 1, 0, 0, 1, tzinfo=UTC)), datetime(2099, 12, 31, 23, 59, 59, tzinfo=UTC))
    return aware.strftime("%Y-%m-%d %H:%M:%S +0000")


def add_git_tools(mcp: FastMCP[Any], git: LocalGit, settings: GitHubSettings, *, write: bool) -> None:
    cap = settings.max_output_chars

    def text(repo: str, output: str) -> GitText:
        return GitText(repo=repo, text=output[:cap], truncated=len(output) > cap)

    @mcp.tool(annotations=LOCAL_READ, tags={"git"})
    async def git_status(repo_path: RepoPath) -> GitStatus:
        """Branch, upstream and changed files of a local repository."""
        repo = await git.open(repo_path)
        output = await git.run(repo, "status", "--porcelain=v1", "--branch", "-z", "--untracked-files=normal")
        return git_parse.status(str(repo), output)

    @mcp.tool(annotations=LOCAL_READ, tags={"git"})
    async def git_diff(
        repo_path: RepoPath,
        mode: Annotated[
            Literal["unstaged", "staged", "ref"], Field(description="ref: working tree against `target`")
        ] = "unstaged",
        target: Annotated[str | None, Field(description="ref or range for mode=ref, e.g. main or main..HEAD")] = None,
        paths: list[str] | None = None,
        context_lines: Annotated[int, Field(ge=0, le=100)] = 3,
    ) -> GitText:
        """Diff of a local repository: unstaged changes, staged changes, or against a ref."""
        repo = await git.open(repo_path)
        args = ["diff", *NO_PROGRAMS, f"-U{context_lines}"]
        if mode == "staged":
            args.append("--cached")
        elif mode == "ref":
            if not target:
                raise InvalidArgumentError("mode 'ref' needs `target`")
            args.append(check_value(target, "target"))
        elif target:
            raise InvalidArgumentError(f"`target` only applies to mode 'ref', not {mode!r}")
        files = [git.file_in(repo, p) for p in paths or []]
        return text(str(repo), await git.run(repo, *args, "--", *files))

    @mcp.tool(annotations=LOCAL_READ, tags={"git"})
    async def git_log(
        repo_path: RepoPath,
        max_count: Annotated[int, Field(ge=1, le=1000)] = 20,
        since: datetime | None = None,
        until: datetime | None = None,
        path: Annotated[str | None, Field(description="only commits touching this path")] = None,
        ref: Annotated[str | None, Field(description="branch, tag or range; default HEAD")] = None,
    ) -> GitLog:
        """Commits of a local repository, newest first."""
        repo = await git.open(repo_path)
        args = ["log", "--no-color", f"--format={git_parse.LOG_FORMAT}", f"--max-count={max_count}"]
        if since:
            args.append(f"--since={_git_date(since)}")
        if until:
            args.append(f"--until={_git_date(until)}")
        if ref:
            args.append(check_value(ref, "ref"))
        files = [git.file_in(repo, path)] if path else []
        return GitLog(repo=str(repo), commits=git_parse.log(await git.run(repo, *args, "--", *files)))

    _add_git_history_tools(mcp, git, text)
    if write:
        _add_git_write_tools(mcp, git)


def _add_git_history_tools(mcp: FastMCP[Any], git: LocalGit, text: Callable[[str, str], GitText]) -> None:
    @mcp.tool(annotations=LOCAL_READ, tags={"git"})
    async def git_show(repo_path: RepoPath, revision: str = "HEAD") -> GitText:
        """A commit of a local repository: message, stats and patch."""
        repo = await git.open(repo_path)
        args = ["show", *NO_PROGRAMS, "--format=fuller", "--stat", "--patch", check_value(revision, "revision"), "--"]
        return text(str(repo), await git.run(repo, *args))

    @mcp.tool(annotations=LOCAL_READ, tags={"git"})
    async def git_branch(repo_path: RepoPath, kind: Literal["local", "remote", "all"] = "local") -> GitBranches:
        """Branches of a local repository and the current one."""
        repo = await git.open(repo_path)
        flags = {"local": [], "remote": ["--remotes"], "all": ["--all"]}[kind]
        names = await git.run(repo, "branch", "--no-color", "--format=%(refname:short)", *flags)
        current = (await git.run(repo, "branch", "--show-current")).strip() or None
        return GitBranches(repo=str(repo), current=current, branches=[n for n in names.splitlines() if n])

    @mcp.tool(annotations=LOCAL_READ, tags={"git"})
    async def git_blame(
        repo_path: RepoPath,
        path: str,
        start_line: Annotated[int, Field(ge=1)] = 1,
        end_line: Annotated[int | None, Field(ge=1)] = None,
        revision: str | None = None,
    ) -> GitBlame:
        """Who last changed each line of a file in a local repository."""
        repo = await git.open(repo_path)
        rel = git.file_in(repo, path)
        span = f"{start_line},{end_line}" if end_line else f"{start_line},"
        args = ["blame", "--porcelain", "-L", span]
        if revision:
            args.append(check_value(revision, "revision"))
        return GitBlame(repo=str(repo), path=rel, lines=git_parse.blame(await git.run(repo, *args, "--", rel)))


def _add_git_write_tools(mcp: FastMCP[Any], git: LocalGit) -> None:
    async def branch_name(repo: Path, name: str) -> str:
        check_value(name, "branch name")
        try:
            checked: str = await git.run(repo, "check-ref-format", "--branch", name)
        except InvalidArgumentError:
            raise InvalidArgumentError(f"{name!r} is not a valid branch name") from None
        return checked.strip()

    @mcp.tool(annotations=LOCAL_WRITE, tags={"git", "write"})
    async def git_create_branch(repo_path: RepoPath, name: str, start_point: str | None = None) -> GitChange:
        """Create a branch in a local repository (it does not switch to it)."""
        repo = await git.open(repo_path)
        args = ["branch", await branch_name(repo, name)]
        if start_point:
            args.append(check_value(start_point, "start_point"))
        await git.run(repo, *args)
        return GitChange(repo=str(repo), branch=name, message=f"created branch {name}")

    @mcp.tool(annotations=LOCAL_WRITE, tags={"git", "write"})
    async def git_checkout(repo_path: RepoPath, branch: str) -> GitChange:
        """Switch a local repository to an existing local branch."""
        repo = await git.open(repo_path)
        name = await branch_name(repo, branch)
        try:
            await git.run(repo, "rev-parse", "--verify", "--quiet", f"refs/heads/{name}")
        except InvalidArgumentError:
            raise NotFoundError(f"no local branch {name!r} in {repo}") from None
        await git.run(repo, "checkout", name, "--")
        return GitChange(repo=str(repo), branch=name, message=f"switched to {name}")

    @mcp.tool(annotations=LOCAL_WRITE, tags={"git", "write"})
    async def git_add(repo_path: RepoPath, files: Annotated[list[str], Field(min_length=1)]) -> GitChange:
        """Stage files of a local repository for the next commit."""
        repo = await git.open(repo_path)
        rels = [git.file_in(repo, f) for f in files]
        await git.run(repo, "add", "--", *rels)
        return GitChange(repo=str(repo), staged=rels, message=f"staged {len(rels)} path(s)")

    @mcp.tool(annotations=LOCAL_WRITE, tags={"git", "write"})
    async def git_commit(repo_path: RepoPath, message: Annotated[str, Field(min_length=1)]) -> GitChange:
        """Commit the staged changes of a local repository."""
        repo = await git.open(repo_path)
        if not (await git.run(repo, "diff", "--cached", "--name-only")).strip():
            raise InvalidArgumentError("nothing is staged; stage files with git_add first")
        await git.run(repo, "commit", "--file=-", "--no-edit", stdin=message.encode())
        sha = (await git.run(repo, "rev-parse", "HEAD")).strip()
        return GitChange(repo=str(repo), sha=sha, message=f"committed {sha[:12]}")
