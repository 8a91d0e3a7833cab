"""The repos toolset: `repo_read` (contents, commits, branches, repositories) and `repo_write`.

    add_repo_tools(mcp, gh, settings, write=True)

`repo_write` can create a branch, create or update one file, or push several
files in one commit (Git Data API: tree, commit, ref update).
"""

from __future__ import annotations

import base64
import binascii
from datetime import datetime
from typing import Annotated, Any, Literal

from fastmcp import FastMCP
from pydantic import BaseModel, Field
from pygent.core.errors import InvalidArgumentError, NotFoundError
from pygent.servers.github.client import RAW, GitHubClient
from pygent.servers.github.models import GitHubResult
from pygent.servers.github.params import (
    Fields,
    Limit,
    Repo,
    content_path,
    file_path,
    need,
    owner_path,
    ref_segment,
    repo_path,
)
from pygent.servers.github.projection import project
from pygent.servers.github.settings import GitHubSettings

READ = {"readOnlyHint": True, "destructiveHint": False, "idempotentHint": True, "openWorldHint": True}
WRITE = {"readOnlyHint": False, "destructiveHint": True, "idempotentHint": False, "openWorldHint": True}

RepoReadMethod = Literal[
    "get_file_contents", "list_commits", "get_commit", "list_branches", "list_repositories", "search_repositories"
]
RepoWriteMethod = Literal["create_branch", "create_or_update_file", "push_files"]


class FileChange(BaseModel):
    path: str = Field(min_length=1, description="file path in the repository")
    content: str = Field(description="new file content (UTF-8 text)")


def _decode_file(data: dict[str, Any], cap: int) -> tuple[str | None, bool]:
    if data.get("encoding") != "base64":
        return None, False
    try:
        raw = base64.b64decode(data.get("content") or "")
        text = raw.decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None, False
    return text[:cap], len(text) > cap


async def _file_contents(
    gh: GitHubClient, repo: str, path: str, ref: str | None, fields: list[str] | None, cap: int
) -> GitHubResult:
    target = f"{repo_path(repo)}/contents/{content_path(path)}"
    data = await gh.get(target, {"ref": ref} if ref else None)
    if isinstance(data, list):
        return GitHubResult(method="get_file_contents", items=[project(entry, fields, "content") for entry in data])
    if data.get("type") == "file" and data.get("encoding") == "none":
        # Files over 1 MB come without content; the raw media type serves them.
        raw = await gh.get_text(target, RAW, {"ref": ref} if ref else None)
        data = {**data, "encoding": "base64", "content": base64.b64encode(raw.encode()).decode()}
    text, truncated = _decode_file(data, cap)
    item = project(data, fields, "content")
    if text is None and data.get("type") == "file":
        item["note"] = "binary or undecodable file; contents not shown"
    return GitHubResult(method="get_file_contents", item=item, text=text, truncated=truncated or None)


def add_repo_tools(mcp: FastMCP[Any], gh: GitHubClient, settings: GitHubSettings, *, write: bool) -> None:
    cap = settings.max_output_chars

    @mcp.tool(annotations=READ, tags={"repos"})
    async def repo_read(
        method: RepoReadMethod,
        repo: Repo | None = None,
        path: Annotated[str, Field(description="file or folder (get_file_contents); filter (list_commits)")] = "",
        ref: Annotated[str | None, Field(description="branch, tag or SHA")] = None,
        owner: Annotated[str | None, Field(description="user or org (list_repositories); default: you")] = None,
        query: Annotated[str | None, Field(description="GitHub search syntax (search_repositories)")] = None,
        author: Annotated[str | None, Field(description="login or email (list_commits)")] = None,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: Limit = 30,
        fields: Fields = None,
    ) -> GitHubResult:
        """Read repositories. method: get_file_contents (repo, path, ref), list_commits (repo, ref, path,
        author, since, until), get_commit (repo, ref), list_branches (repo), list_repositories (owner),
        search_repositories (query)."""
        if method == "get_file_contents":
            return await _file_contents(gh, need(repo, "repo", method), path, ref, fields, cap)
        if method == "list_commits":
            params: dict[str, Any] = {"sha": ref, "path": path or None, "author": author}
            params |= {"since": since.isoformat() if since else None, "until": until.isoformat() if until else None}
            page = await gh.get_list(f"{repo_path(need(repo, 'repo', method))}/commits", _clean(params), limit=limit)
            return GitHubResult(
                method=method, items=[project(c, fields, "commit") for c in page.items], has_more=page.has_more
            )
        if method == "get_commit":
            target = f"{repo_path(need(repo, 'repo', method))}/commits/{ref_segment(need(ref, 'ref', method))}"
            return GitHubResult(method=method, item=project(await gh.get(target), fields, "commit_detail"))
        if method == "list_branches":
            page = await gh.get_list(f"{repo_path(need(repo, 'repo', method))}/branches", limit=limit)
            return GitHubResult(
                method=method, items=[project(b, fields, "branch") for b in page.items], has_more=page.has_more
            )
        if method == "list_repositories":
            if owner is None:
                gh.require_token("listing your own repositories")
            target = f"/users/{owner_path(owner)}/repos" if owner else "/user/repos"
            page = await gh.get_list(target, {"sort": "updated"}, limit=limit)
            return GitHubResult(
                method=method, items=[project(r, fields, "repository") for r in page.items], has_more=page.has_more
            )
        page = await gh.get_list("/search/repositories", {"q": need(query, "query", method)}, limit=limit)
        return GitHubResult(
            method=method,
            items=[project(r, fields, "repository") for r in page.items],
            total_count=page.total_count,
            has_more=page.has_more,
        )

    if not write:
        return

    @mcp.tool(annotations=WRITE, tags={"repos", "write"})
    async def repo_write(
        method: RepoWriteMethod,
        repo: Repo,
        branch: Annotated[str, Field(min_length=1, description="branch to create or to commit to")],
        from_ref: Annotated[str | None, Field(description="start of a new branch; default: the default branch")] = None,
        path: Annotated[str | None, Field(description="file path (create_or_update_file)")] = None,
        content: Annotated[str | None, Field(description="file content (create_or_update_file)")] = None,
        message: Annotated[str | None, Field(description="commit message")] = None,
        sha: Annotated[
            str | None, Field(description="blob SHA of the file being replaced; looked up if omitted")
        ] = None,
        files: Annotated[list[FileChange] | None, Field(description="files to commit together (push_files)")] = None,
    ) -> GitHubResult:
        """Change repositories. method: create_branch (repo, branch, from_ref), create_or_update_file (repo,
        branch, path, content, message, sha), push_files (repo, branch, files, message: one commit)."""
        gh.require_token(f"repo_write {method}")
        base = repo_path(repo)
        if method == "create_branch":
            start = from_ref or (await gh.get(base))["default_branch"]
            ref = await gh.get(f"{base}/git/ref/heads/{ref_segment(start)}")
            created = await gh.send(
                "POST", f"{base}/git/refs", {"ref": f"refs/heads/{ref_segment(branch)}", "sha": ref["object"]["sha"]}
            )
            return GitHubResult(method=method, item=project(created, None, "ref"))
        text = need(message, "message", method)
        if method == "create_or_update_file":
            target = f"{base}/contents/{content_path(need(path, 'path', method))}"
            body: dict[str, Any] = {
                "message": text,
                "content": base64.b64encode(need(content, "content", method).encode()).decode(),
                "branch": ref_segment(branch),
            }
            existing = sha or await _existing_sha(gh, target, branch)
            if existing:
                body["sha"] = existing
            return GitHubResult(method=method, item=project(await gh.send("PUT", target, body), None, "file_commit"))
        changes = need(files, "files", method)
        head = await gh.get(f"{base}/git/ref/heads/{ref_segment(branch)}")
        parent = head["object"]["sha"]
        tree_sha = (await gh.get(f"{base}/git/commits/{parent}"))["tree"]["sha"]
        entries = [{"path": file_path(f.path), "mode": "100644", "type": "blob", "content": f.content} for f in changes]
        tree = await gh.send("POST", f"{base}/git/trees", {"base_tree": tree_sha, "tree": entries})
        commit = await gh.send(
            "POST", f"{base}/git/commits", {"message": text, "tree": tree["sha"], "parents": [parent]}
        )
        await gh.send("PATCH", f"{base}/git/refs/heads/{ref_segment(branch)}", {"sha": commit["sha"]})
        return GitHubResult(
            method=method, item={"sha": commit["sha"], "branch": branch, "files": [f.path for f in changes]}
        )


async def _existing_sha(gh: GitHubClient, target: str, branch: str) -> str | None:
    try:
        data = await gh.get(target, {"ref": branch})
    except NotFoundError:
        return None
    if isinstance(data, list):
        raise InvalidArgumentError("path names a folder; give a file path")
    return str(data["sha"])


def _clean(params: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in params.items() if value is not None}
