"""Who is calling: the credential of an HTTP request, as a principal.

With bearer tokens configured, every request except the open paths must carry
one; the principal it stands for is put in the ASGI scope as `scope["user"]`
(an MCP SDK `AuthenticatedUser`), which is what the SDK's streamable-HTTP and
SSE transports bind their sessions to: a session opened with one credential
answers any other credential as if it did not exist.

    >>> tokens = BearerTokens(["s3cret"])
    >>> tokens.verify("Bearer s3cret").client_id
    'token:1ec1c26b50d5'
    >>> tokens.verify("Bearer nope") is None
    True
    >>> principal_of({"type": "http"})
    'anonymous'
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable
from typing import Any

from mcp.server.auth.middleware.bearer_auth import AuthenticatedUser
from mcp.server.auth.provider import AccessToken
from starlette.types import Scope

ANONYMOUS = "anonymous"


def token_id(token: str) -> str:
    """A stable, non-secret name for a token (logs, rate-limit buckets, session owners)."""
    return "token:" + hashlib.sha256(token.encode()).hexdigest()[:12]


class BearerTokens:
    """The static bearer tokens the host accepts (`--token`, `PYGENT_TOKENS`)."""

    def __init__(self, tokens: Iterable[str]) -> None:
        self._tokens = [(token.encode(), token_id(token)) for token in tokens if token]

    def __bool__(self) -> bool:
        return bool(self._tokens)

    def verify(self, header: str) -> AccessToken | None:
        """The access token an `Authorization` header value carries, or None."""
        scheme, _, value = header.partition(" ")
        value = value.strip()
        if scheme.lower() != "bearer" or not value:
            return None
        presented = value.encode()
        found: str | None = None
        for candidate, name in self._tokens:
            # Compare against every token, so timing does not tell which one is close.
            if hmac.compare_digest(candidate, presented):
                found = name
        if found is None:
            return None
        return AccessToken(token=value, client_id=found, scopes=[])


def authenticate(scope: Scope, token: AccessToken) -> None:
    """Record the request's principal where the MCP transports look for it."""
    scope["user"] = AuthenticatedUser(token)


def caller_of(ctx: Any) -> str:
    """The principal behind an MCP request context (`anonymous` on stdio and without tokens)."""
    request = getattr(ctx, "request", None)
    scope = getattr(request, "scope", None)
    return principal_of(scope) if isinstance(scope, dict) else ANONYMOUS


def principal_of(scope: Scope) -> str:
    """The principal a request was authenticated as, or `anonymous`."""
    user = scope.get("user")
    if isinstance(user, AuthenticatedUser):
        return user.access_token.client_id
    return ANONYMOUS
