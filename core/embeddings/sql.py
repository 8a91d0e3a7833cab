"""Literals for LanceDB filters (DataFusion SQL), built from values, never pasted raw.

    >>> f"scope IN ({sql_list(['user:ann', 'default'])})"
    "scope IN ('user:ann', 'default')"
    >>> "name = " + sql_str("O'Brien")
    "name = 'O''Brien'"

Kept apart from `tables` so code that only builds filters does not import lancedb.
"""

from __future__ import annotations


def sql_str(value: str) -> str:
    """A string literal; single quotes are doubled."""
    return "'" + value.replace("'", "''") + "'"


def sql_list(values: list[str]) -> str:
    """Comma-separated string literals, for `IN (...)` or `[...]`."""
    return ", ".join(sql_str(value) for value in values)
