"""The pull_requests toolset: `pull_request_read` and `pull_request_write` (create, update, merge, review).

add_pull_tools(mcp, gh, settings, write=True)
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastmcp import FastMCP
from pydantic import BaseModel, Field
from pygent.servers.github.client import DIFF, GitHubClient
from pygent.servers.github.issues import search_query
from pygent.servers.github.models import GitHubResult
from pygent.servers.github.params import Fields, Limit, Number, Repo, State, need, repo_path
from pygent.servers.github.projection import project
from pygent.servers.github.repos import READ, WRITE
from pygent.servers.github.settings import GitHubSettings

PullReadMethod = Literal["get", "get_diff", "get_files", "get_reviews", "get_comments", "list", "search"]
PullWriteMethod = Literal["create", "update", "merge", "review"]


class ReviewComment(BaseModel):
    path: str = Field(min_length=1)
    line: int = Field(ge=1, description="line in the new version of the file")
    body: str = Field(min_length=1)


def add_pull_tools(mcp: FastMCP[Any], gh: GitHubClient, settings: GitHubSettings, *, write: bool) -> None:
    cap = settings.max_output_chars

    @mcp.tool(annotations=READ, tags={"pull_requests"})
    async def pull_request_read(
        method: PullReadMethod,
        repo: Repo | None = None,
        pull_number: Number | None = None,
        query: Annotated[str | None, Field(description="GitHub search syntax (search)")] = None,
        state: State = "open",
        head: Annotated[str | None, Field(description="filter by head, user:branch (list)")] = None,
        base: Annotated[str | None, Field(description="filter by base branch (list)")] = None,
        limit: Limit = 30,
        fields: Fields = None,
    ) -> GitHubResult:
        """Read pull requests. method: get, get_diff, get_files, get_reviews, get_comments (repo,
        pull_number), list (repo, state, head, base), search (query, optional repo)."""
        if method == "search":
            page = await gh.get_list(
                "/search/issues", {"q": search_query(need(query, "query", method), "pr", repo)}, limit=limit
            )
            items = [project(i, fields, "issue") for i in page.items]
            return GitHubResult(method=method, items=items, total_count=page.total_count, has_more=page.has_more)
        pulls = f"{repo_path(need(repo, 'repo', method))}/pulls"
        if method == "list":
            params = {key: value for key, value in {"state": state, "head": head, "base": base}.items() if value}
            page = await gh.get_list(pulls, params, limit=limit)
            return GitHubResult(
                method=method, items=[project(p, fields, "pull") for p in page.items], has_more=page.has_more
            )
        target = f"{pulls}/{need(pull_number, 'pull_number', method)}"
        if method == "get":
            return GitHubResult(method=method, item=project(await gh.get(target), fields, "pull_detail"))
        if method == "get_diff":
            diff = await gh.get_text(target, DIFF)
            return GitHubResult(method=method, text=diff[:cap], truncated=len(diff) > cap or None)
        suffix, kind = {"get_files": ("files", "file"), "get_reviews": ("reviews", "review")}.get(
            method, ("comments", "review_comment")
        )
        page = await gh.get_list(f"{target}/{suffix}", limit=limit)
        return GitHubResult(method=method, items=[project(i, fields, kind) for i in page.items], has_more=page.has_more)

    if not write:
        return

    @mcp.tool(annotations=WRITE, tags={"pull_requests", "write"})
    async def pull_request_write(
        method: PullWriteMethod,
        repo: Repo,
        pull_number: Number | None = None,
        title: str | None = None,
        body: Annotated[str | None, Field(description="description (create, update) or review text (review)")] = None,
        head: Annotated[str | None, Field(description="branch with the changes (create)")] = None,
        base: Annotated[str | None, Field(description="branch to merge into (create, update)")] = None,
        draft: bool | None = None,
        state: Literal["open", "closed"] | None = None,
        merge_method: Literal["merge", "squash", "rebase"] = "merge",
        commit_title: str | None = None,
        event: Annotated[
            Literal["APPROVE", "REQUEST_CHANGES", "COMMENT"], Field(description="review verdict")
        ] = "COMMENT",
        comments: Annotated[list[ReviewComment] | None, Field(description="line comments (review)")] = None,
    ) -> GitHubResult:
        """Change pull requests. method: create (repo, title, head, base, body, draft), update (repo,
        pull_number, title, body, base, state), merge (repo, pull_number, merge_method, commit_title),
        review (repo, pull_number, event, body, comments)."""
        gh.require_token(f"pull_request_write {method}")
        pulls = f"{repo_path(repo)}/pulls"
        if method == "create":
            payload: dict[str, Any] = {
                "title": need(title, "title", method),
                "head": need(head, "head", method),
                "base": need(base, "base", method),
            }
            payload |= {key: value for key, value in {"body": body, "draft": draft}.items() if value is not None}
            return GitHubResult(method=method, item=project(await gh.send("POST", pulls, payload), None, "pull"))
        target = f"{pulls}/{need(pull_number, 'pull_number', method)}"
        if method == "update":
            payload = {
                k: v for k, v in {"title": title, "body": body, "base": base, "state": state}.items() if v is not None
            }
            need(payload or None, "a field to change", method)
            return GitHubResult(method=method, item=project(await gh.send("PATCH", target, payload), None, "pull"))
        if method == "merge":
            payload = {"merge_method": merge_method} | ({"commit_title": commit_title} if commit_title else {})
            return GitHubResult(
                method=method, item=project(await gh.send("PUT", f"{target}/merge", payload), None, "merge")
            )
        review: dict[str, Any] = {"event": event}
        if body:
            review["body"] = body
        if comments:
            review["comments"] = [c.model_dump() for c in comments]
        if event != "APPROVE" and not body and not comments:
            need(None, "body or comments", method)
        return GitHubResult(
            method=method, item=project(await gh.send("POST", f"{target}/reviews", review), None, "review")
        )
