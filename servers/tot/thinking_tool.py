"""`sequentialthinking`: the reference server's tool, argument for argument, answer for answer."""

from __future__ import annotations

import json
from typing import Annotated, Any

import mcp_types as t
from fastmcp import FastMCP
from fastmcp.tools import ToolResult
from pydantic import BeforeValidator, Field
from pygent.servers.tot.sequential import ThoughtLog, js_bool, js_int

CoercedBool = Annotated[bool, BeforeValidator(js_bool)]
CoercedInt = Annotated[int, BeforeValidator(js_int), Field(ge=1)]

DESCRIPTION = """A detailed tool for dynamic and reflective problem-solving through thoughts.
This tool helps analyze problems through a flexible thinking process that can adapt and evolve.
Each thought can build on, question, or revise previous insights as understanding deepens.

It records what you think; to have the server itself explore and score several lines of thought,
use `solve` (or `expand` and `evaluate`).

Parameters explained:
- thought: Your current thinking step (an analytical step, a revision, a question, a hypothesis, a verification)
- nextThoughtNeeded: True if you need more thinking, even if at what seemed like the end
- thoughtNumber: Current number in sequence (can go beyond initial total if needed)
- totalThoughts: Current estimate of thoughts needed (can be adjusted up/down)
- isRevision: A boolean indicating if this thought revises previous thinking
- revisesThought: If is_revision is true, which thought number is being reconsidered
- branchFromThought: If branching, which thought number is the branching point
- branchId: Identifier for the current branch (if any)
- needsMoreThoughts: If reaching end but realizing more thoughts needed

Only set nextThoughtNeeded to false when truly done and a satisfactory answer is reached."""

OUTPUT_SCHEMA = {
    "type": "object",
    "properties": {
        "thoughtNumber": {"type": "number"},
        "totalThoughts": {"type": "number"},
        "nextThoughtNeeded": {"type": "boolean"},
        "branches": {"type": "array", "items": {"type": "string"}},
        "thoughtHistoryLength": {"type": "number"},
    },
    "required": ["thoughtNumber", "totalThoughts", "nextThoughtNeeded", "branches", "thoughtHistoryLength"],
    "additionalProperties": False,
}


def register_thinking_tool(server: FastMCP[Any], log: ThoughtLog) -> None:
    @server.tool(
        name="sequentialthinking",
        title="Sequential Thinking",
        description=DESCRIPTION,
        output_schema=OUTPUT_SCHEMA,
        annotations={"readOnlyHint": True, "destructiveHint": False, "idempotentHint": True, "openWorldHint": False},
    )
    def sequentialthinking(
        thought: Annotated[str, Field(description="Your current thinking step")],
        nextThoughtNeeded: Annotated[CoercedBool, Field(description="Whether another thought step is needed")],
        thoughtNumber: Annotated[
            CoercedInt, Field(description="Current thought number (numeric value, e.g., 1, 2, 3)")
        ],
        totalThoughts: Annotated[
            CoercedInt, Field(description="Estimated total thoughts needed (numeric value, e.g., 5, 10)")
        ],
        isRevision: Annotated[CoercedBool | None, Field(description="Whether this revises previous thinking")] = None,
        revisesThought: Annotated[CoercedInt | None, Field(description="Which thought is being reconsidered")] = None,
        branchFromThought: Annotated[CoercedInt | None, Field(description="Branching point thought number")] = None,
        branchId: Annotated[str | None, Field(description="Branch identifier")] = None,
        needsMoreThoughts: Annotated[CoercedBool | None, Field(description="If more thoughts are needed")] = None,
    ) -> ToolResult:
        given = {
            "thought": thought,
            "nextThoughtNeeded": nextThoughtNeeded,
            "thoughtNumber": thoughtNumber,
            "totalThoughts": totalThoughts,
            "isRevision": isRevision,
            "revisesThought": revisesThought,
            "branchFromThought": branchFromThought,
            "branchId": branchId,
            "needsMoreThoughts": needsMoreThoughts,
        }
        reply = log.process({key: value for key, value in given.items() if value is not None})
        text = json.dumps(reply, indent=2, ensure_ascii=False)
        return ToolResult(content=[t.TextContent(type="text", text=text)], structured_content=reply)
