from __future__ import annotations

import mcp_types
from pygent.core.errors import CallTimeoutError, NotFoundError, to_error_data


def test_our_errors_keep_their_message_and_code() -> None:
    data = to_error_data(NotFoundError("unknown server 'x'"))
    assert data.code == mcp_types.INVALID_PARAMS and data.message == "unknown server 'x'"
    assert to_error_data(CallTimeoutError("slow")).code == mcp_types.REQUEST_TIMEOUT


def test_foreign_exception_text_is_never_exposed() -> None:
    data = to_error_data(RuntimeError("password=hunter2"))
    assert data.code == mcp_types.INTERNAL_ERROR and "hunter2" not in data.message
