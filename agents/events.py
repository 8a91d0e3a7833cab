"""What an agent run tells the world, as it happens: one discriminated union on every face.

REST SSE (`event:` is the type), the WebSocket, the SDKs and the UI all carry
these models unchanged; `to_ag_ui` maps them to AG-UI events for clients that
speak that protocol.

    >>> event = parse_event({"type": "text.delta", "runId": "r1", "text": "Hel"})
    >>> event.text, event.model_dump(by_alias=True)["runId"]
    ('Hel', 'r1')
    >>> to_ag_ui(event)["type"]
    'TEXT_MESSAGE_CONTENT'
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter
from pydantic.alias_generators import to_camel


class _Event(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid")

    run_id: str


class RunStarted(_Event):
    type: Literal["run.started"] = "run.started"
    agent: str
    conversation_id: str
    provider: str = Field(description="who answers: e.g. 'ollama:llama3.2', 'openai:gpt-4o-mini', 'offline'")


class TextDelta(_Event):
    type: Literal["text.delta"] = "text.delta"
    text: str


class ToolCallStarted(_Event):
    type: Literal["tool.call.started"] = "tool.call.started"
    call_id: str
    tool: str = Field(description="the namespaced tool name, e.g. memory_recall")
    server: str
    arguments: dict[str, Any] = Field(default_factory=dict)


class ToolCallCompleted(_Event):
    type: Literal["tool.call.completed"] = "tool.call.completed"
    call_id: str
    tool: str
    server: str
    result: dict[str, Any] = Field(description="the MCP CallToolResult (content, structuredContent, isError)")
    is_error: bool = False
    duration_ms: float


class ApprovalRequested(_Event):
    type: Literal["approval.requested"] = "approval.requested"
    call_id: str
    tool: str
    server: str
    arguments: dict[str, Any] = Field(default_factory=dict)
    reason: str


class RunError(_Event):
    type: Literal["error"] = "error"
    message: str
    call_id: str | None = None


class Usage(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)

    requests: int = 0
    tool_calls: int = 0
    input_tokens: int = 0
    output_tokens: int = 0


class RunCompleted(_Event):
    type: Literal["run.completed"] = "run.completed"
    output: str
    stop_reason: Literal["answer", "limit", "cancelled", "error"] = "answer"
    usage: Usage = Field(default_factory=Usage)


Event = Annotated[
    RunStarted | TextDelta | ToolCallStarted | ToolCallCompleted | ApprovalRequested | RunError | RunCompleted,
    Field(discriminator="type"),
]
EVENT: TypeAdapter[Event] = TypeAdapter(Event)


def parse_event(data: Any) -> Event:
    """An event from its JSON form (camelCase keys)."""
    return EVENT.validate_python(data)


def event_json(event: Event) -> str:
    return event.model_dump_json(by_alias=True)


_AG_UI = {
    "run.started": "RUN_STARTED",
    "text.delta": "TEXT_MESSAGE_CONTENT",
    "tool.call.started": "TOOL_CALL_START",
    "tool.call.completed": "TOOL_CALL_RESULT",
    "approval.requested": "CUSTOM",
    "error": "RUN_ERROR",
    "run.completed": "RUN_FINISHED",
}


def to_ag_ui(event: Event) -> dict[str, Any]:
    """The AG-UI event an event stands for (the common fields; `rawEvent` keeps ours)."""
    mapped: dict[str, Any] = {
        "type": _AG_UI[event.type],
        "runId": event.run_id,
        "rawEvent": event.model_dump(by_alias=True),
    }
    if isinstance(event, TextDelta):
        mapped.update(messageId=event.run_id, delta=event.text)
    elif isinstance(event, ToolCallStarted):
        mapped.update(toolCallId=event.call_id, toolCallName=event.tool)
    elif isinstance(event, ToolCallCompleted):
        mapped.update(toolCallId=event.call_id, content=event.result)
    elif isinstance(event, ApprovalRequested):
        mapped.update(name="approval.requested", value={"toolCallId": event.call_id, "reason": event.reason})
    elif isinstance(event, RunError):
        mapped.update(message=event.message)
    return mapped
