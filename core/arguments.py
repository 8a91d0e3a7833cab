r"""Tool argument errors in one line: which argument, and what is wrong with it.

FastMCP validates a call's arguments with pydantic and would send pydantic's
report (several lines, a documentation link per error); `describe` turns it
into the line a client shows its user.

    >>> from pydantic import BaseModel, Field, ValidationError
    >>> class Recall(BaseModel, extra="forbid"):      # what FastMCP builds from a tool's signature
    ...     query: str
    ...     k: int = Field(default=5, le=50)
    >>> arguments = {"k": 99, "foo": 1}
    >>> try:
    ...     Recall.model_validate(arguments)
    ... except ValidationError as exc:
    ...     problems = describe(exc, arguments)
    >>> print(*problems.split("; "), sep="\n")
    missing required argument 'query'
    invalid argument 'k': Input should be less than or equal to 50
    unexpected argument 'foo'
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

MISSING = frozenset({"missing", "missing_argument", "missing_keyword_only_argument"})
UNEXPECTED = frozenset({"unexpected_keyword_argument", "extra_forbidden"})
# pydantic's wording for errors raised inside validators ("Value error, must be ...").
_PREFIXES = ("Value error, ", "Assertion failed, ")


def describe(exc: ValidationError, arguments: Mapping[str, Any] | None, *, what: str = "argument") -> str:
    """One line for all the problems, joined with "; ", in pydantic's order.

    `what` names the things validated ("field" for a document such as an agent spec).
    """
    lines = [_line(error, arguments or {}, what) for error in exc.errors(include_url=False)]
    return "; ".join(dict.fromkeys(lines)) or f"invalid {what}s"


def _line(error: ErrorDetails, arguments: Mapping[str, Any], what: str) -> str:
    name = _path(error["loc"], arguments, error["type"])
    if error["type"] in MISSING:
        return f"missing required {what} {name!r}"
    if error["type"] in UNEXPECTED:
        return f"unexpected {what} {name!r}"
    message = " ".join(error["msg"].split())
    for prefix in _PREFIXES:
        message = message.removeprefix(prefix)
    return f"invalid {what} {name!r}: {message}"


def _path(loc: Sequence[int | str], arguments: Mapping[str, Any], kind: str) -> str:
    """`q.text`, `items[1]`: the location in the arguments as sent.

    pydantic also puts the member of a union it tried into the location
    (`int`, `list[str]`, a model's name); those are not in the arguments, so a
    segment is kept only where the value it names exists (or is the field a
    missing-error names).
    """
    value: Any = arguments
    parts: list[str] = []
    for index, segment in enumerate(loc):
        last = index == len(loc) - 1
        if isinstance(value, Mapping) and (segment in value or (last and kind in MISSING)):
            parts.append(f".{segment}" if parts else str(segment))
            value = value.get(segment)
        elif isinstance(value, list | tuple) and isinstance(segment, int) and 0 <= segment < len(value):
            parts.append(f"[{segment}]")
            value = value[segment]
    return "".join(parts) or ".".join(str(segment) for segment in loc)
