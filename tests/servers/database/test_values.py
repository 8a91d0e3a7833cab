"""Database values become JSON a client can read back."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from uuid import UUID

from pygent.servers.database.values import to_json


def test_values() -> None:
    assert to_json(Decimal("1.50")) == "1.50"
    assert to_json(datetime(2026, 1, 2, 3, 4, tzinfo=UTC)) == "2026-01-02T03:04:00+00:00"
    assert to_json(date(2026, 1, 2)) == "2026-01-02"
    assert to_json(timedelta(minutes=2)) == 120.0
    assert to_json(b"\x00\xff") == "\\x00ff"
    assert to_json(memoryview(b"a")) == "\\x61"
    assert to_json(float("nan")) == "nan"
    assert to_json(UUID(int=1)) == "00000000-0000-0000-0000-000000000001"
    assert to_json({"a": [Decimal("1"), None]}) == {"a": ["1", None]}
    assert to_json((1, "x", True)) == [1, "x", True]
