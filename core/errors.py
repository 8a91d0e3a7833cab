"""The exception tree of PyGent Factory, and its one mapping to MCP errors.

    PygentError                      base; never raised itself
    ├── ConfigError                  a settings or mcp.json problem (CLI exit code 2)
    ├── InvalidArgumentError         bad input from a caller
    │   └── LimitExceededError       input over a size or count cap
    ├── NotFoundError                unknown server, tool, resource, collection, ...
    ├── ConflictError                a name that is already taken
    ├── PermissionDeniedError        outside a sandbox, read-only, not allowed
    ├── UnavailableError             a backend is down, restarting or failed
    │   └── CallTimeoutError         a call ran past its timeout
    └── UpstreamError                a remote service answered with an error

Each class carries the JSON-RPC code a client sees. Messages are written for the
person reading them: they name the thing and say what to do.
"""

from __future__ import annotations

import mcp_types


class PygentError(Exception):
    """Base of every error PyGent Factory raises on purpose."""

    code: int = mcp_types.INTERNAL_ERROR

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ConfigError(PygentError):
    """A settings file, an environment variable or `mcp.json` is invalid."""

    code = mcp_types.INVALID_PARAMS


class InvalidArgumentError(PygentError):
    """A caller passed an argument that cannot be used."""

    code = mcp_types.INVALID_PARAMS


class LimitExceededError(InvalidArgumentError):
    """An input is larger or more numerous than the configured cap."""


class NotFoundError(PygentError):
    """The named server, tool, resource or record does not exist."""

    code = mcp_types.INVALID_PARAMS


class ConflictError(PygentError):
    """A name is already taken (a server, a namespaced tool, an agent)."""

    code = mcp_types.INVALID_PARAMS


class PermissionDeniedError(PygentError):
    """The operation is not allowed: outside a sandbox root, read-only, forbidden."""

    code = mcp_types.INVALID_PARAMS


class UnavailableError(PygentError):
    """A backend server is not connected, crashed, or was marked failed."""

    code = mcp_types.INTERNAL_ERROR


class CallTimeoutError(UnavailableError):
    """A call did not finish within its timeout."""

    code = mcp_types.REQUEST_TIMEOUT


class UpstreamError(PygentError):
    """A remote service (an HTTP API, a model server) answered with an error."""


def to_error_data(exc: BaseException) -> mcp_types.ErrorData:
    """Map any exception to the JSON-RPC error a client may see.

    Our own errors keep their message; anything else becomes a generic
    internal error, so internal exception text never reaches a client.
    """
    if isinstance(exc, PygentError):
        return mcp_types.ErrorData(code=exc.code, message=exc.message)
    return mcp_types.ErrorData(code=mcp_types.INTERNAL_ERROR, message="Internal error")
