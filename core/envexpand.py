"""`${VAR}` and `${VAR:-default}` expansion inside configuration values.

    >>> expand({"url": "${API:-http://127.0.0.1}/mcp"}, {"API": "http://x"})
    {'url': 'http://x/mcp'}
    >>> expand("${API:-http://127.0.0.1}/mcp", {})
    'http://127.0.0.1/mcp'

A reference to an unset variable without a default is an error, not an empty
string: a silently empty token or path is worse than a clear message.
`$${VAR}` escapes to a literal `${VAR}`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from pygent.core.errors import ConfigError

_PATTERN = re.compile(r"\$(\$?)\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")


def expand_string(value: str, environ: Mapping[str, str]) -> str:
    """Expand the references in one string.

    Raises:
        ConfigError: a referenced variable is unset and has no default.
    """

    def replace(match: re.Match[str]) -> str:
        escaped, name, default = match.group(1), match.group(2), match.group(3)
        if escaped:
            return match.group(0)[1:]
        if name in environ:
            return environ[name]
        if default is not None:
            return default
        raise ConfigError(f"environment variable {name} is not set (use ${{{name}:-default}} for a fallback)")

    return _PATTERN.sub(replace, value)


def expand(value: Any, environ: Mapping[str, str]) -> Any:
    """Expand references in every string of a JSON-like value, recursively."""
    if isinstance(value, str):
        return expand_string(value, environ)
    if isinstance(value, dict):
        return {key: expand(item, environ) for key, item in value.items()}
    if isinstance(value, list):
        return [expand(item, environ) for item in value]
    return value
