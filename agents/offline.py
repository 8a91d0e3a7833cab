"""The `offline` provider: useful, honest work when no language model is connected.

    model = offline_model(index, entries, defaults={"scope": "agent:notes"})
    Agent(model, toolsets=[toolset])      # the same loop as with a real model

It never pretends to reason. For a message it picks the tool of the view whose
definition best matches (the hybrid tool search, above a similarity
threshold), fills the arguments it can read off the message against the
tool's schema, runs it and shows the result. When no tool matches it recalls
from memory or searches RAG, if the view has them. Every reply says plainly
that no language model is connected and how to connect one.

    >>> fill_arguments({"properties": {"path": {"type": "string"}}, "required": ["path"]}, "list the files in docs")
    ({'path': 'docs'}, [])
    >>> fill_arguments({"properties": {"text": {"type": "string"}}, "required": ["text"]},
    ...                "remember that my build runs on Fridays")[0]
    {'text': 'my build runs on Fridays'}
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Mapping
from typing import Any

import anyio.to_thread
from pydantic_ai.messages import ModelMessage, ModelResponse, TextPart, ToolCallPart, ToolReturnPart, UserPromptPart
from pydantic_ai.models.function import AgentInfo, DeltaToolCall, DeltaToolCalls, FunctionModel
from pygent.agents.tools import ToolEntry
from pygent.core.tool_search import ToolIndex

NOTICE = (
    "No language model is connected, so I matched your message to a tool instead of reasoning about it. "
    "To connect one, set PYGENT_LLM=ollama:MODEL (with Ollama running) or PYGENT_LLM=openai:MODEL with "
    "PYGENT_OPENAI_BASE_URL, and restart `pygent serve`."
)
THRESHOLD = 0.80  # cosine similarity (e5) at which a tool matches on meaning alone
KEYWORD_THRESHOLD = 0.70  # a lower similarity still matches when the tool shares words with the message
RETRIEVERS = ("memory_recall", "rag_search", "search_local_search")
MAX_SHOWN = 4000

_TEXT_NAMES = ("text", "query", "q", "question", "content", "message", "prompt", "problem", "observation", "sql")
_PATH_NAMES = ("path", "repo_path", "directory", "folder", "file", "root")
_LEADS = re.compile(
    r"^(please\s+)?(remember|note|store|save|recall|search( for)?|find|look up|what do you know about|"
    r"tell me about|solve|run)\s+(that\s+|for\s+|about\s+)?",
    re.IGNORECASE,
)
_PATHISH = re.compile(r"(?:^|\s)([\w.~-]*[/\\][\w./\\~-]*|[\w-]+\.[A-Za-z0-9]{1,8})(?=\s|$|[?.!,])")
_AFTER_PLACE = re.compile(r"\b(?:in|of|under|inside|from|at)\s+(?:the\s+)?([\w./~-]+)", re.IGNORECASE)
_PLACE_WORDS = frozenset({"folder", "directory", "dir", "repo", "repository", "database", "db", "it", "there", "here"})


def _unpunctuated(word: str) -> str:
    """A word without the sentence's punctuation after it ('docs.' -> 'docs'; '.' and '..' stay paths)."""
    word = word.rstrip("?!,")
    return word if word in (".", "..") or not word.endswith(".") else word.rstrip(".")


def _path_in(message: str) -> str | None:
    found = _PATHISH.search(message)
    if found:
        return _unpunctuated(found.group(1))
    for candidate in _AFTER_PLACE.finditer(message):
        word = _unpunctuated(candidate.group(1))
        if word and word.lower() not in _PLACE_WORDS:
            return word
    return None


def fill_arguments(
    schema: Mapping[str, Any], message: str, defaults: Mapping[str, Any] | None = None
) -> tuple[dict[str, Any], list[str]]:
    """Arguments read off `message` for a tool's input schema, and the required ones it could not fill."""
    properties: Mapping[str, Any] = schema.get("properties") or {}
    required = list(schema.get("required") or [])
    arguments: dict[str, Any] = {}
    for name, value in (defaults or {}).items():
        if name in properties:
            arguments[name] = value
    text = _LEADS.sub("", message.strip()).strip() or message.strip()
    missing = []
    for name in required:
        if name in arguments:
            continue
        kind = (properties.get(name) or {}).get("type")
        if name in _PATH_NAMES or name.endswith("_path"):
            path = _path_in(message)
            if path is not None:
                arguments[name] = path
                continue
        elif kind in (None, "string") and (name in _TEXT_NAMES or len(required) == 1):
            arguments[name] = text
            continue
        missing.append(name)
    return arguments, missing


def _last_user_text(messages: list[ModelMessage]) -> str:
    for message in reversed(messages):
        for part in getattr(message, "parts", []):
            if isinstance(part, UserPromptPart):
                return part.content if isinstance(part.content, str) else str(part.content)
    return ""


def _render(returns: list[ToolReturnPart]) -> str:
    shown = []
    for part in returns:
        content = part.content
        data = content.get("data") if isinstance(content, dict) else content
        text = data if isinstance(data, str) else str(data)
        if len(text) > MAX_SHOWN:
            text = text[:MAX_SHOWN] + f"\n… ({len(text) - MAX_SHOWN} more characters)"
        failed = isinstance(content, dict) and content.get("isError")
        shown.append(f"`{part.tool_name}` {'failed' if failed else 'returned'}:\n\n{text}")
    return "\n\n".join(shown)


def offline_model(
    index: ToolIndex,
    entries: Mapping[str, ToolEntry],
    defaults: Mapping[str, Any] | None = None,
    threshold: float = THRESHOLD,
) -> FunctionModel:
    """A model that routes each message to the best-matching tool of the view, or to retrieval."""

    async def respond(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        returns = [part for part in messages[-1].parts if isinstance(part, ToolReturnPart)]
        if returns:
            return ModelResponse(parts=[TextPart(f"{_render(returns)}\n\n{NOTICE}")])
        message = _last_user_text(messages)
        names = [name for name in entries if name in {tool.name for tool in info.function_tools}]
        matches = await anyio.to_thread.run_sync(lambda: index.search(message, 3, allowed=names))
        top = matches[0] if matches else None
        matched = top is not None and (
            top.similarity >= threshold or (top.similarity >= KEYWORD_THRESHOLD and top.keyword > 0)
        )
        best = top if matched else None
        if best is not None:
            arguments, missing = fill_arguments(entries[best.name].input_schema, message, defaults)
            if not missing:
                return ModelResponse(parts=[ToolCallPart(best.name, arguments)])
            needed = ", ".join(f"'{name}'" for name in missing)
            reply = f"This looks like a job for `{best.name}`, but I could not tell {needed} from your message."
            return ModelResponse(parts=[TextPart(f"{reply} Say it explicitly and try again.\n\n{NOTICE}")])
        retriever = next((name for name in RETRIEVERS if name in names), None)
        if retriever is not None:
            arguments, missing = fill_arguments(entries[retriever].input_schema, message, defaults)
            if not missing:
                return ModelResponse(parts=[ToolCallPart(retriever, arguments)])
        return ModelResponse(parts=[TextPart(f"I found no tool of this agent that fits your message.\n\n{NOTICE}")])

    async def stream(messages: list[ModelMessage], info: AgentInfo) -> AsyncIterator[str | DeltaToolCalls]:
        response = await respond(messages, info)
        for index, part in enumerate(response.parts):
            if isinstance(part, TextPart):
                yield part.content
            elif isinstance(part, ToolCallPart):
                yield {index: DeltaToolCall(name=part.tool_name, json_args=part.args_as_json_str())}

    return FunctionModel(respond, stream_function=stream, model_name="offline")
