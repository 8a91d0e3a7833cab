"""The issues toolset: `issue_read` (get, comments, list, search) and `issue_write` (create, update, comment).

add_issue_tools(mcp, gh, write=False)
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastmcp import FastMCP
from pydantic import Field
from pygent.servers.github.client import GitHubClient
from pygent.servers.github.models import GitHubResult
from pygent.servers.github.params import Fields, Limit, Number, Repo, State, need, repo_path
from pygent.servers.github.projection import project
from pygent.servers.github.repos import READ, WRITE

IssueReadMethod = Literal["get", "get_comments", "list", "search"]
IssueWriteMethod = Literal["create", "update", "comment"]


def search_query(query: str, kind: str, repo: str | None) -> str:
    """GitHub search syntax restricted to issues or pull requests (and a repository)."""
    scope = f" repo:{repo_path(repo).removeprefix('/repos/')}" if repo else ""
    return f"{query} is:{kind}{scope}"


def add_issue_tools(mcp: FastMCP[Any], gh: GitHubClient, *, write: bool) -> None:
    @mcp.tool(annotations=READ, tags={"issues"})
    async def issue_read(
        method: IssueReadMethod,
        repo: Repo | None = None,
        issue_number: Number | None = None,
        query: Annotated[str | None, Field(description="GitHub search syntax (search)")] = None,
        state: State = "open",
        labels: list[str] | None = None,
        since: Annotated[datetime | None, Field(description="updated at or after (list)")] = None,
        sort: Literal["created", "updated", "comments"] = "created",
        direction: Literal["asc", "desc"] = "desc",
        limit: Limit = 30,
        fields: Fields = None,
    ) -> GitHubResult:
        """Read issues. method: get (repo, issue_number), get_comments (repo, issue_number), list (repo,
        state, labels, since, sort, direction), search (query, optional repo)."""
        if method == "search":
            q = search_query(need(query, "query", method), "issue", repo)
            page = await gh.get_list("/search/issues", {"q": q, "sort": sort, "order": direction}, limit=limit)
            items = [project(i, fields, "issue") for i in page.items]
            return GitHubResult(method=method, items=items, total_count=page.total_count, has_more=page.has_more)
        base = f"{repo_path(need(repo, 'repo', method))}/issues"
        if method == "list":
            params: dict[str, Any] = {"state": state, "sort": sort, "direction": direction}
            if labels:
                params["labels"] = ",".join(labels)
            if since:
                params["since"] = since.isoformat()
            page = await gh.get_list(base, params, limit=limit)
            # The issues endpoint also lists pull requests; they have their own tool.
            items = [project(i, fields, "issue") for i in page.items if "pull_request" not in i]
            return GitHubResult(method=method, items=items, has_more=page.has_more)
        number = need(issue_number, "issue_number", method)
        if method == "get":
            return GitHubResult(method=method, item=project(await gh.get(f"{base}/{number}"), fields, "issue_detail"))
        page = await gh.get_list(f"{base}/{number}/comments", limit=limit)
        return GitHubResult(
            method=method, items=[project(c, fields, "comment") for c in page.items], has_more=page.has_more
        )

    if not write:
        return

    @mcp.tool(annotations=WRITE, tags={"issues", "write"})
    async def issue_write(
        method: IssueWriteMethod,
        repo: Repo,
        issue_number: Number | None = None,
        title: str | None = None,
        body: Annotated[str | None, Field(description="issue text (create, update) or the comment (comment)")] = None,
        labels: list[str] | None = None,
        assignees: list[str] | None = None,
        state: Literal["open", "closed"] | None = None,
        state_reason: Literal["completed", "not_planned", "reopened"] | None = None,
        milestone: int | None = None,
    ) -> GitHubResult:
        """Change issues. method: create (repo, title, body, labels, assignees, milestone), update (repo,
        issue_number, any of title, body, labels, assignees, state, state_reason, milestone), comment
        (repo, issue_number, body)."""
        gh.require_token(f"issue_write {method}")
        base = f"{repo_path(repo)}/issues"
        if method == "comment":
            number = need(issue_number, "issue_number", method)
            created = await gh.send("POST", f"{base}/{number}/comments", {"body": need(body, "body", method)})
            return GitHubResult(method=method, item=project(created, None, "comment"))
        fields = {
            "title": title,
            "body": body,
            "labels": labels,
            "assignees": assignees,
            "state": state,
            "state_reason": state_reason,
            "milestone": milestone,
        }
        payload = {key: value for key, value in fields.items() if value is not None}
        if method == "create":
            need(title, "title", method)
            return GitHubResult(method=method, item=project(await gh.send("POST", base, payload), None, "issue"))
        number = need(issue_number, "issue_number", method)
        need(payload or None, "a field to change", method)
        return GitHubResult(
            method=method, item=project(await gh.send("PATCH", f"{base}/{number}", payload), None, "issue")
        )
