"""The exception tree of PyGent Factory, and its one mapping to MCP errors.

    PygentError                      base; never raised itself
    ├── ConfigError                  a settings or mcp.json problem (CLI exit code 2)
    ├── InvalidArgumentError         bad input from a caller
    │   └── LimitExceededError       input over a size or count cap
    ├── NotFoundError                unknown server, tool, resource, collection, ...
    ├── ConflictError                a name that is already taken
    ├── PermissionDeniedError        outside a sandbox, read-only, not allowed
    ├── UnavailableError             a backend is down, restarting or failed
    │   ├── CallTimeoutError         a call ran past its timeout
    │   └── RateLimitedError         a caller or a server is over its rate limit
    └── UpstreamError                a remote service answered with an error

Each class carries the JSON-RPC code an MCP client sees and the HTTP status a
REST client sees; `to_error_data` and `http_status` are the one mapping every
face uses, and `error_for_status` turns a REST answer back into the error.
Messages are written for the person reading them: they name the thing and say
what to do.

    >>> http_status(NotFoundError("unknown server 'x'"))
    404
    >>> to_error_data(RuntimeError("password=hunter2")).message
    'Internal error'
    >>> type(error_for_status(409, "taken")).__name__
    'ConflictError'
"""

from __future__ import annotations

import mcp_types


class PygentError(Exception):
    """Base of every error PyGent Factory raises on purpose."""

    code: int = mcp_types.INTERNAL_ERROR
    status: int = 500

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ConfigError(PygentError):
    """A settings file, an environment variable or `mcp.json` is invalid."""

    code = mcp_types.INVALID_PARAMS
    status = 400


class InvalidArgumentError(PygentError):
    """A caller passed an argument that cannot be used."""

    code = mcp_types.INVALID_PARAMS
    status = 400


class LimitExceededError(InvalidArgumentError):
    """An input is larger or more numerous than the configured cap."""


class NotFoundError(PygentError):
    """The named server, tool, resource or record does not exist."""

    code = mcp_types.INVALID_PARAMS
    status = 404


class ConflictError(PygentError):
    """A name is already taken (a server, a namespaced tool, an agent)."""

    code = mcp_types.INVALID_PARAMS
    status = 409


class PermissionDeniedError(PygentError):
    """The operation is not allowed: outside a sandbox root, read-only, forbidden."""

    code = mcp_types.INVALID_PARAMS
    status = 403


class UnavailableError(PygentError):
    """A backend server is not connected, crashed, or was marked failed."""

    code = mcp_types.INTERNAL_ERROR
    status = 503


class CallTimeoutError(UnavailableError):
    """A call did not finish within its timeout."""

    code = mcp_types.REQUEST_TIMEOUT
    status = 504


class RateLimitedError(UnavailableError):
    """Too many requests: a caller's or a server's rate limit is used up for now."""

    status = 429

    def __init__(self, message: str, retry_after: float) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class UpstreamError(PygentError):
    """A remote service (an HTTP API, a model server) answered with an error."""

    status = 502


def to_error_data(exc: BaseException) -> mcp_types.ErrorData:
    """Map any exception to the JSON-RPC error a client may see.

    Our own errors keep their message; anything else becomes a generic
    internal error, so internal exception text never reaches a client.
    """
    if isinstance(exc, PygentError):
        return mcp_types.ErrorData(code=exc.code, message=exc.message)
    return mcp_types.ErrorData(code=mcp_types.INTERNAL_ERROR, message="Internal error")


def http_status(exc: BaseException) -> int:
    """The HTTP status of any exception (500 for what is not ours)."""
    return exc.status if isinstance(exc, PygentError) else 500


_BY_STATUS: dict[int, type[PygentError]] = {
    400: InvalidArgumentError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    413: LimitExceededError,
    429: UnavailableError,
    502: UpstreamError,
    503: UnavailableError,
    504: CallTimeoutError,
}


def error_for_status(status: int, message: str) -> PygentError:
    """The error a REST answer with this status stands for (its message kept)."""
    return _BY_STATUS.get(status, UpstreamError)(message)
