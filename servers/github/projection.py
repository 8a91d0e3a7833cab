"""Field projection: keep only the parts of a GitHub object an agent asked for.

    project({"number": 1, "user": {"login": "ada", "id": 7}}, ["number", "user.login"])
    # -> {"number": 1, "user": {"login": "ada"}}

Dotted paths walk into objects and map over lists (`labels.name` keeps each
label's name). `["*"]` keeps the whole object. Each kind of object has a compact
default, so a list of issues does not flood an agent's context with URLs.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

DEFAULT_FIELDS: dict[str, tuple[str, ...]] = {
    "user": ("login", "name", "html_url", "company", "public_repos", "created_at"),
    "repository": (
        "full_name",
        "description",
        "private",
        "default_branch",
        "language",
        "stargazers_count",
        "open_issues_count",
        "updated_at",
        "html_url",
    ),
    "commit": ("sha", "commit.message", "commit.author.name", "commit.author.date", "html_url"),
    "commit_detail": (
        "sha",
        "commit.message",
        "commit.author.name",
        "commit.author.date",
        "stats",
        "files.filename",
        "files.status",
        "files.additions",
        "files.deletions",
        "html_url",
    ),
    "branch": ("name", "commit.sha", "protected"),
    "issue": (
        "number",
        "title",
        "state",
        "user.login",
        "labels.name",
        "assignees.login",
        "comments",
        "created_at",
        "updated_at",
        "html_url",
    ),
    "issue_detail": (
        "number",
        "title",
        "state",
        "state_reason",
        "user.login",
        "labels.name",
        "assignees.login",
        "milestone.title",
        "comments",
        "created_at",
        "updated_at",
        "closed_at",
        "body",
        "html_url",
    ),
    "comment": ("id", "user.login", "created_at", "body", "html_url"),
    "review_comment": ("id", "user.login", "path", "line", "created_at", "body", "html_url"),
    "pull": (
        "number",
        "title",
        "state",
        "draft",
        "user.login",
        "head.ref",
        "base.ref",
        "created_at",
        "updated_at",
        "html_url",
    ),
    "pull_detail": (
        "number",
        "title",
        "state",
        "draft",
        "merged",
        "mergeable",
        "mergeable_state",
        "user.login",
        "head.ref",
        "head.sha",
        "base.ref",
        "labels.name",
        "requested_reviewers.login",
        "commits",
        "additions",
        "deletions",
        "changed_files",
        "created_at",
        "updated_at",
        "body",
        "html_url",
    ),
    "file": ("filename", "status", "additions", "deletions", "changes", "patch"),
    "review": ("id", "user.login", "state", "submitted_at", "body", "html_url"),
    "content": ("name", "path", "type", "size", "sha"),
    "ref": ("ref", "object.sha"),
    "merge": ("merged", "sha", "message"),
    "file_commit": ("content.path", "content.sha", "commit.sha", "commit.html_url"),
}


def _pick(value: Any, path: Sequence[str]) -> Any:
    if not path:
        return value
    if isinstance(value, list):
        return [_pick(item, path) for item in value]
    if isinstance(value, dict) and path[0] in value:
        return _pick(value[path[0]], path[1:])
    return _MISSING


_MISSING = object()


def _merge(target: dict[str, Any], path: Sequence[str], value: Any) -> None:
    head, rest = path[0], path[1:]
    if not rest:
        target[head] = value
        return
    if isinstance(value, list):
        existing = target.get(head)
        if not isinstance(existing, list):
            existing = [{} for _ in value]
            target[head] = existing
        for slot, item in zip(existing, value, strict=False):
            if isinstance(slot, dict) and item is not _MISSING:
                _merge(slot, rest, item)
        return
    child = target.setdefault(head, {})
    if isinstance(child, dict):
        _merge(child, rest, value)


def _collapse(value: Any) -> Any:
    """Lists of one-key dicts (`labels: [{"name": "bug"}]`) become plain lists (`["bug"]`)."""
    if isinstance(value, dict):
        return {key: _collapse(item) for key, item in value.items()}
    if isinstance(value, list):
        items = [_collapse(item) for item in value]
        if items and all(isinstance(item, dict) and len(item) == 1 for item in items):
            keys = {next(iter(item)) for item in items}
            if len(keys) == 1:
                return [next(iter(item.values())) for item in items]
        return items
    return value


def project(obj: Any, fields: Sequence[str] | None, kind: str) -> Any:
    """`obj` reduced to `fields` (or the kind's default); `["*"]` keeps everything."""
    if not isinstance(obj, dict):
        return obj
    chosen = tuple(fields) if fields else DEFAULT_FIELDS.get(kind, ())
    if not chosen or "*" in chosen:
        return obj
    result: dict[str, Any] = {}
    for field in chosen:
        path = [part for part in field.split(".") if part]
        if not path:
            continue
        value = _pick(obj, path)
        if value is not _MISSING:
            _merge(result, path, value)
    return _collapse(result)
