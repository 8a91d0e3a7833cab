"""Validated names and metadata filters, as LanceDB (DataFusion SQL) conditions.

Kept apart from `store` so tools can check arguments without importing lancedb.
"""

from __future__ import annotations

import re
from typing import Any

from pygent.core.embeddings.sql import sql_str
from pygent.core.errors import InvalidArgumentError

NAME_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,62}$"
_NAME = re.compile(NAME_PATTERN)
_META_KEY = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")


def check_name(name: str) -> str:
    """Raises InvalidArgumentError unless `name` is a valid collection name."""
    if not _NAME.match(name):
        raise InvalidArgumentError(
            f"invalid collection name {name!r}: use 1-63 lowercase letters, digits, '-' or '_', starting with a "
            "letter or digit"
        )
    return name


def metadata_filter(metadata: dict[str, Any]) -> str:
    """A filter on the JSON metadata of chunks: every key must equal its value."""
    parts = []
    for key, value in metadata.items():
        if not _META_KEY.match(key):
            raise InvalidArgumentError(f"invalid metadata key {key!r}: use letters, digits, '_', '.' or '-'")
        if isinstance(value, bool):
            parts.append(f"json_get_bool(metadata, {sql_str(key)}) = {str(value).lower()}")
        elif isinstance(value, int):
            parts.append(f"json_get_int(metadata, {sql_str(key)}) = {value}")
        elif isinstance(value, float):
            parts.append(f"json_get_float(metadata, {sql_str(key)}) = {value!r}")
        elif isinstance(value, str):
            parts.append(f"json_get_string(metadata, {sql_str(key)}) = {sql_str(value)}")
        else:
            raise InvalidArgumentError(f"metadata filter {key!r} must be a string, number or boolean")
    return " AND ".join(parts)
