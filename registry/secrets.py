"""Masking of credentials in server entries, for every place an entry is shown.

    mask_entry(RemoteServer(url="https://x/mcp", headers={"Authorization": "Bearer abc"})).headers
    # {'Authorization': 'Bearer ***'}

The REST API, `pygent servers list|show|add` and `pygent servers export` show
entries through this one function, so a credential is hidden the same way
everywhere. Hidden are: header and environment values whose name looks like a
credential (Authorization, Cookie, *token*, *key*, *secret*, *password*), the
same in URL query parameters, URL passwords and arguments (`--api-key X`,
`--token=X`, `X-Api-Key:X`), and a `Bearer …` or `Basic …` value anywhere.

    >>> mask_text("--header=Authorization: Bearer abc.def")
    '--header=Authorization: Bearer ***'
    >>> mask_args(["--api-key", "sk-1", "--port", "80", "TOKEN=abc"])
    ['--api-key', '***', '--port', '80', 'TOKEN=***']
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from pygent.registry.models import RemoteServer, ServerEntry, StdioServer

MASK = "***"
_SECRET_HINTS = ("authorization", "cookie", "token", "key", "secret", "password", "credential")
_SCHEME = re.compile(r"(?i)\b(bearer|basic)(\s+)\S+")
_PAIR = re.compile(r"^(-{0,2}[A-Za-z][\w.-]*)([=:])(.+)$")


def is_secret_name(name: str) -> bool:
    """Whether a header, variable, parameter or option with this name holds a credential."""
    lowered = name.lower()
    return any(hint in lowered for hint in _SECRET_HINTS)


def mask_text(text: str) -> str:
    """`Bearer <token>` (and `Basic <credentials>`) with the credential hidden."""
    return _SCHEME.sub(rf"\1\2{MASK}", text)


def _mask_value(name: str, value: str) -> str:
    if not is_secret_name(name):
        return mask_text(value)
    # Keep the scheme when there is one: it says what kind of credential is set.
    return mask_text(value) if _SCHEME.search(value) else MASK


def mask_args(args: list[str]) -> list[str]:
    """Command-line arguments with credential values hidden."""
    masked: list[str] = []
    hide_next = False
    for arg in args:
        if hide_next and not arg.startswith("-"):
            masked.append(MASK)
            hide_next = False
            continue
        hide_next = arg.startswith("-") and is_secret_name(arg)
        pair = _PAIR.match(arg)
        if pair is not None:
            hide_next = False
            name, sep, value = pair.groups()
            masked.append(f"{name}{sep}{_mask_value(name, value)}")
        else:
            masked.append(mask_text(arg))
    return masked


def _mask_url(url: str) -> str:
    parts = urlsplit(url)
    netloc = parts.netloc
    credentials, at, host = netloc.rpartition("@")
    if at and ":" in credentials:
        netloc = f"{credentials.partition(':')[0]}:{MASK}@{host}"
    query = parse_qsl(parts.query, keep_blank_values=True)
    hidden = [(k, MASK if is_secret_name(k) else v) for k, v in query]
    new_query = urlencode(hidden, safe="*") if hidden != query else parts.query
    return urlunsplit((parts.scheme, netloc, parts.path, new_query, parts.fragment))


def mask_entry(entry: ServerEntry) -> ServerEntry:
    """The entry with its credentials replaced by `***` (masking twice changes nothing)."""
    if isinstance(entry, StdioServer):
        env = {name: _mask_value(name, value) for name, value in entry.env.items()}
        return entry.model_copy(update={"env": env, "args": mask_args(entry.args)})
    assert isinstance(entry, RemoteServer)
    headers = {name: _mask_value(name, value) for name, value in entry.headers.items()}
    return entry.model_copy(update={"headers": headers, "url": _mask_url(entry.url)})
