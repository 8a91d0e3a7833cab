"""GitHub's HTTP errors, mapped to our error types with messages a person can act on.

    raise_for_status(response, "GET /repos/o/r", has_token=True)   # 404 -> NotFoundError

Messages name the request and quote GitHub's own explanation; the token never
appears in them (`redact` removes it should GitHub ever echo it).
"""

from __future__ import annotations

from typing import Any

import httpx2
from pygent.core.errors import (
    ConflictError,
    InvalidArgumentError,
    NotFoundError,
    PermissionDeniedError,
    PygentError,
    UpstreamError,
)


def redact(text: str, secret: str | None) -> str:
    """`text` with every occurrence of `secret` masked."""
    return text.replace(secret, "***") if secret else text


def github_message(response: httpx2.Response) -> str:
    """GitHub's explanation from an error body: `message` plus any field `errors`."""
    try:
        body: Any = response.json()
    except ValueError:
        return response.reason_phrase or "no explanation"
    if not isinstance(body, dict):
        return response.reason_phrase or "no explanation"
    message = str(body.get("message") or response.reason_phrase or "no explanation")
    details = []
    for error in body.get("errors") or []:
        if isinstance(error, dict):
            text = error.get("message") or " ".join(
                str(error[key]) for key in ("resource", "field", "code") if error.get(key)
            )
            details.append(str(text))
        else:
            details.append(str(error))
    return f"{message} ({'; '.join(details)})" if details else message


def error_for(response: httpx2.Response, request: str, *, has_token: bool, token: str | None) -> PygentError:
    """The error to raise for a non-success GitHub response to `request` ("GET /path")."""
    status = response.status_code
    message = redact(github_message(response), token)
    if status == 401:
        if has_token:
            return PermissionDeniedError(f"GitHub rejected the token for {request} (401 {message}); check GITHUB_TOKEN")
        return PermissionDeniedError(f"GitHub needs a token for {request} (401 {message}); set GITHUB_TOKEN")
    if status == 403:
        hint = "the token may lack a scope or permission" if has_token else "set GITHUB_TOKEN if this needs access"
        return PermissionDeniedError(f"GitHub refused {request} (403 {message}); {hint}")
    if status == 404:
        hint = "and that the token can see it" if has_token else "or set GITHUB_TOKEN if it is private"
        return NotFoundError(
            f"GitHub found nothing for {request} (404); check the owner, repository, number or path, {hint}"
        )
    if status == 409:
        return ConflictError(f"GitHub reported a conflict for {request} (409 {message})")
    if status == 422:
        return InvalidArgumentError(f"GitHub rejected {request} (422 {message})")
    return UpstreamError(f"GitHub answered {status} to {request}: {message}")
