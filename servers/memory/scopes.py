"""Scopes: whose memory a row is. One scope never sees another's rows unless asked.

A scope is `default`, or `agent:<id>`, `user:<id>` or `conversation:<id>`, where
the id is 1-128 letters, digits or `._@-`. The strict shape keeps scopes safe
to place in a filter and makes a typo an error instead of a silent new scope.
"""

from __future__ import annotations

import re

from pygent.core.embeddings.sql import sql_list
from pygent.core.errors import InvalidArgumentError

DEFAULT_SCOPE = "default"
SCOPE_PATTERN = r"^(default|(agent|user|conversation):[A-Za-z0-9._@-]{1,128})$"
_SCOPE = re.compile(SCOPE_PATTERN)
SCOPE_HELP = "a scope: 'default', 'agent:<id>', 'user:<id>' or 'conversation:<id>'"


def check_scope(scope: str) -> str:
    """The scope, unchanged, if it is well formed.

    Raises:
        InvalidArgumentError: it is not.
    """
    if not _SCOPE.match(scope):
        raise InvalidArgumentError(f"invalid scope {scope!r}: expected {SCOPE_HELP}")
    return scope


def scope_filter(scopes: list[str]) -> str:
    """`scope IN (...)` for well-formed scopes."""
    return f"scope IN ({sql_list([check_scope(scope) for scope in scopes])})"
