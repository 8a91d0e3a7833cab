"""Argument types shared by the GitHub tools, and the checks that build API paths from them.

    repo_path("octo/hello")            # "/repos/octo/hello"
    content_path("docs/read me.md")    # "docs/read%20me.md"

Every piece of a URL path that comes from an agent goes through here, so a
value such as `../../user` can never change which endpoint is called.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal, TypeVar
from urllib.parse import quote

from pydantic import Field
from pygent.core.errors import InvalidArgumentError

Repo = Annotated[str, Field(description="owner/name", pattern=r"^[\w.-]+/[\w.-]+$", max_length=140)]
Fields = Annotated[
    list[str] | None,
    Field(description='keys to return, dotted for nesting ("user.login"); ["*"] = all; default: a compact set'),
]
Limit = Annotated[int, Field(ge=1, le=500, description="max items; pages are followed")]
Number = Annotated[int, Field(ge=1, description="issue or pull request number")]
State = Literal["open", "closed", "all"]

_SEGMENT = re.compile(r"^[\w.-]+$")
T = TypeVar("T")


def _segment(value: str, what: str) -> str:
    if not _SEGMENT.match(value) or value in {".", ".."}:
        raise InvalidArgumentError(f"{what} {value!r} is not a valid GitHub name")
    return value


def repo_path(repo: str) -> str:
    """`/repos/{owner}/{name}` for an `owner/name` string.

    Raises:
        InvalidArgumentError: not of the form owner/name.
    """
    owner, sep, name = repo.partition("/")
    if not sep:
        raise InvalidArgumentError(f"repository {repo!r} must be written owner/name")
    return f"/repos/{_segment(owner, 'owner')}/{_segment(name, 'repository name')}"


def owner_path(owner: str) -> str:
    return _segment(owner, "owner")


def file_path(path: str) -> str:
    """A file path inside a repository, normalised, with no `.`/`..` segments.

    Raises:
        InvalidArgumentError: the path climbs out of the repository.
    """
    parts = [part for part in path.strip("/").split("/") if part]
    if any(part in {".", ".."} for part in parts):
        raise InvalidArgumentError(f"path {path!r} may not contain '.' or '..' segments")
    return "/".join(parts)


def content_path(path: str) -> str:
    """`file_path(path)` percent-encoded for use in a URL."""
    return quote(file_path(path), safe="/")


def ref_segment(ref: str) -> str:
    """A branch, tag or SHA for use inside a URL path.

    Raises:
        InvalidArgumentError: empty, or with characters git refs cannot hold.
    """
    if (
        not ref
        or ref.startswith(("-", "/"))
        or ".." in ref
        or any(ch in ref for ch in " ~^:?*[\\\x7f")
        or any(ord(ch) < 32 for ch in ref)
    ):
        raise InvalidArgumentError(f"{ref!r} is not a valid branch, tag or commit")
    return quote(ref, safe="/")


def need(value: T | None, name: str, method: str) -> T:
    """`value`, or a clear error saying that `method` needs `name`."""
    if value is None or value == "" or value == []:
        raise InvalidArgumentError(f"method {method!r} needs `{name}`")
    return value
