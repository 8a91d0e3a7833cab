"""How a database tool answers: a readable text table for people and prompts, a model for code.

return respond(result, render_rows(result.columns, result.rows))
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import mcp_types
from fastmcp.tools import ToolResult
from pydantic import BaseModel
from pygent.servers.database.models import ResultColumn

MAX_CELL = 200


def respond(model: BaseModel, text: str) -> ToolResult:
    return respond_raw(model.model_dump(mode="json"), text)


def respond_raw(structured: dict[str, Any], text: str) -> ToolResult:
    """A result from data that is already JSON (rows come out of `values.to_json`).

    `model_construct` skips ToolResult's own JSON round trip of the structured
    content, which for 10,000 rows cost more than fetching them.
    """
    return ToolResult.model_construct(
        content=[mcp_types.TextContent(type="text", text=text)],
        structured_content=structured,
        meta=None,
        is_error=False,
    )


def rows_data(model: BaseModel, rows: list[list[Any]]) -> dict[str, Any]:
    """A result model as JSON data, its `rows` (already JSON values) passed through untouched."""
    data = model.model_dump(mode="json", exclude={"rows"})
    data["rows"] = rows
    return data


def schema(model: type[BaseModel]) -> dict[str, Any]:
    """The output schema of a tool that answers with `model`."""
    return model.model_json_schema()


def render_rows(columns: Sequence[ResultColumn], rows: Sequence[Sequence[Any]]) -> str:
    """`a | b` lines under a header; NULL for nulls, long cells clipped."""
    if not columns:
        return ""
    lines = [" | ".join(column.name for column in columns), "-" * 3]
    lines += [" | ".join(_cell(value) for value in row) for row in rows]
    return "\n".join(lines)


def _cell(value: Any) -> str:
    kind = type(value)
    text: str
    if kind is str:
        text = value.replace("\n", "\\n") if "\n" in value else value
    elif value is None:
        return "NULL"
    elif kind is bool:
        return "true" if value else "false"
    elif kind is int or kind is float:
        return repr(value)
    else:
        text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= MAX_CELL else text[:MAX_CELL] + "…"
