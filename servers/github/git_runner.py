"""Local git, run as a program with an argument list, confined to configured roots.

    git = LocalGit([Path("/src")], timeout=30)
    repo = await git.open("/src/app")                  # PermissionDeniedError outside /src
    rel = git.file_in(repo, "docs/a.md")               # PermissionDeniedError for "../../x"
    out = await git.run(repo, "log", "-n", "5", "--", rel)

The guards, each against an escape seen in published git MCP servers:
- a repository must resolve (symlinks followed) inside a root, and git may not
  discover a repository above the root (`GIT_CEILING_DIRECTORIES`);
- every path must resolve inside the repository and is passed after `--`, with
  pathspec magic off (`GIT_LITERAL_PATHSPECS`);
- a value that git could read as an option (a leading `-`) is refused;
- `GIT_*` variables of the server's own environment are dropped, and config
  that runs programs on read (`core.fsmonitor`, external diff, textconv) is off.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Sequence
from pathlib import Path

import anyio
from pygent.core.errors import (
    CallTimeoutError,
    InvalidArgumentError,
    NotFoundError,
    PermissionDeniedError,
    PygentError,
)


def check_value(value: str, what: str) -> str:
    """A ref, revision or name that git must never read as an option.

    Raises:
        InvalidArgumentError: empty, starting with '-', or holding control characters.
    """
    if not value or value.startswith("-") or any(ord(ch) < 32 or ch == "\x7f" for ch in value):
        raise InvalidArgumentError(
            f"{what} {value!r} is not allowed (empty, starts with '-' or holds control characters)"
        )
    return value


def _inside(path: Path, parent: Path) -> bool:
    return path == parent or parent in path.parents


class LocalGit:
    """Runs git for repositories under `roots`."""

    def __init__(self, roots: Sequence[Path], *, timeout: float = 30.0) -> None:
        self.roots = [root.resolve() for root in roots]
        self.timeout = timeout

    def _root_of(self, path: Path) -> Path | None:
        return next((root for root in self.roots if _inside(path, root)), None)

    async def open(self, repo_path: str) -> Path:
        """The top folder of the repository at `repo_path` (absolute, or relative to the first root).

        Raises:
            PermissionDeniedError: outside every configured root.
            NotFoundError: no folder there, or not a git repository.
        """
        candidate, root = self._locate(repo_path)
        top = self._confine(await self._exec(candidate, root, ["rev-parse", "--show-toplevel"]), repo_path)
        return top

    def _locate(self, repo_path: str) -> tuple[Path, Path]:
        if "\x00" in repo_path:
            raise InvalidArgumentError("repo_path holds a NUL character")
        given = Path(repo_path).expanduser()
        candidate = (given if given.is_absolute() else self.roots[0] / given).resolve()
        root = self._root_of(candidate)
        if root is None:
            allowed = ", ".join(str(r) for r in self.roots)
            raise PermissionDeniedError(f"{repo_path} is outside the allowed git roots ({allowed})")
        if not candidate.is_dir():
            raise NotFoundError(f"no folder at {candidate}")
        return candidate, root

    def _confine(self, toplevel: str, repo_path: str) -> Path:
        top = Path(toplevel.strip()).resolve()
        if self._root_of(top) is None:
            raise PermissionDeniedError(f"the repository of {repo_path} lies outside the allowed git roots")
        return top

    def file_in(self, repo: Path, path: str) -> str:
        """`path` relative to the repository top, after checking it stays inside.

        Raises:
            PermissionDeniedError: the path (or a symlink on it) leads outside the repository, or into `.git`.
        """
        if not path or "\x00" in path:
            raise InvalidArgumentError(f"path {path!r} is empty or holds a NUL character")
        raw = Path(path)
        joined = raw if raw.is_absolute() else repo / raw
        lexical = Path(os.path.normpath(joined))
        resolved = joined.resolve()
        for candidate in (lexical, resolved):
            if not _inside(candidate, repo):
                raise PermissionDeniedError(f"path {path!r} is outside the repository {repo}")
            if _inside(candidate, repo / ".git"):
                raise PermissionDeniedError(f"path {path!r} is inside .git; git's own files are off limits")
        return lexical.relative_to(repo).as_posix() or "."

    async def run(self, repo: Path, *args: str, stdin: bytes | None = None) -> str:
        """git's standard output for `args` in `repo` (a folder returned by `open`).

        Raises:
            InvalidArgumentError: git failed; the message quotes git's explanation.
            CallTimeoutError: git ran past the timeout.
        """
        root = self._root_of(repo)
        if root is None:
            raise PermissionDeniedError(f"{repo} is outside the allowed git roots")
        return await self._exec(repo, root, list(args), stdin)

    async def _exec(self, cwd: Path, root: Path, args: list[str], stdin: bytes | None = None) -> str:
        env = {key: value for key, value in os.environ.items() if not key.startswith("GIT_")}
        env |= {
            "GIT_CEILING_DIRECTORIES": str(root.parent),
            "GIT_LITERAL_PATHSPECS": "1",
            "GIT_TERMINAL_PROMPT": "0",
            "GIT_OPTIONAL_LOCKS": "0",
            "LC_ALL": "C",
        }
        command = ["git", "-c", "core.fsmonitor=false", "-c", "core.quotepath=off", "-C", str(cwd), *args]
        try:
            with anyio.fail_after(self.timeout):
                # Never let git inherit stdin: on a stdio server it carries JSON-RPC.
                feed = {"input": stdin} if stdin is not None else {"stdin": subprocess.DEVNULL}
                result = await anyio.run_process(command, env=env, check=False, **feed)
        except TimeoutError:
            raise CallTimeoutError(f"git {args[0]} took longer than {self.timeout:g} s") from None
        if result.returncode != 0:
            raise _failure(args[0], cwd, result)
        return result.stdout.decode("utf-8", errors="replace")


def _failure(command: str, cwd: Path, result: subprocess.CompletedProcess[bytes]) -> PygentError:
    lines = [line.strip() for line in result.stderr.decode("utf-8", errors="replace").splitlines() if line.strip()]
    explanation = "; ".join(lines[:3]) or f"exit code {result.returncode}"
    if "not a git repository" in explanation:
        return NotFoundError(f"{cwd} is not a git repository")
    return InvalidArgumentError(f"git {command} failed: {explanation}")
