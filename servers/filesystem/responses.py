"""How a filesystem tool answers: reference-style text for people and prompts, a model for code.

return respond(result, f"Successfully wrote to {result.path}")
"""

from __future__ import annotations

from typing import Any

import mcp_types
from fastmcp.tools import ToolResult
from pydantic import BaseModel


def respond(model: BaseModel, *blocks: str | mcp_types.ContentBlock) -> ToolResult:
    return respond_raw(model.model_dump(mode="json"), *blocks)


def respond_raw(structured: dict[str, Any], *blocks: str | mcp_types.ContentBlock) -> ToolResult:
    """A result from data that is already JSON.

    `model_construct` skips ToolResult's own JSON round trip of the structured
    content (serialize, then parse back), which for a long listing cost more
    than reading the directory.
    """
    content = [mcp_types.TextContent(type="text", text=b) if isinstance(b, str) else b for b in blocks]
    return ToolResult.model_construct(content=content, structured_content=structured, meta=None, is_error=False)


def schema(model: type[BaseModel]) -> dict[str, Any]:
    """The output schema of a tool that answers with `model`."""
    return model.model_json_schema()
