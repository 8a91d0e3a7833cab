"""Database values as JSON: what a client can read back without guessing.

    >>> from decimal import Decimal
    >>> to_json(Decimal("1.50"))          # exact, as text
    '1.50'
    >>> print(to_json(bytes([0, 255])))   # PostgreSQL's hex notation
    \\x00ff

Dates and times are ISO 8601, decimals and other exact or exotic types their
text form, bytes hex, arrays lists and JSON documents themselves. Called for
every value of every row, so the common types take the shortest path.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import date, datetime, time, timedelta
from typing import Any

JSONValue = Any
_AS_IS = frozenset({int, str, bool, type(None)})


def to_json(value: object) -> JSONValue:
    kind = type(value)
    if kind in _AS_IS:
        return value
    if kind is float:
        return value if math.isfinite(value) else str(value)  # type: ignore[arg-type]
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, bytes | bytearray | memoryview):
        return "\\x" + bytes(value).hex()
    if isinstance(value, int | str):
        return value  # subclasses (enums, numpy-like ints)
    if isinstance(value, float):
        return float(value) if math.isfinite(value) else str(value)
    if isinstance(value, Mapping):
        return {str(key): to_json(item) for key, item in value.items()}
    if isinstance(value, Sequence):
        return [to_json(item) for item in value]
    return str(value)


def row_to_json(row: Sequence[object]) -> list[JSONValue]:
    return [to_json(value) for value in row]
