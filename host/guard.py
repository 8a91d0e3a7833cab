"""The rule that holds for every caller: a destructive tool after untrusted content needs a yes.

    guard = ToolGuard()
    verdict = guard.check(context, backend, tool)      # None: go ahead; else why a confirmation is needed
    ... ask the caller, or refuse with verdict ...
    guard.observe(context, backend, tool)              # after the call: did untrusted content enter?

A tool's result is untrusted when its server is tagged `untrusted-content` in
mcp.json (the default mesh tags memory, rag, search and github: web pages,
issues, documents and memories can carry instructions nobody vetted) or when
the tool declares `openWorldHint: true`. A tool is destructive when it is
annotated so: `destructiveHint: true`, or `readOnlyHint: false` without
`destructiveHint: false` (MCP's default for a tool that says it writes).
A tool with no annotations at all is neither: treating every unannotated tool
of every third-party server as a web-facing deleter would ask for a yes on
almost every second call, and users learn to click yes. Once untrusted content has
entered a context — an agent's turn, or a 2025-11-25 client's session — a
destructive call in that context is run only if the caller confirms it; a
caller that cannot be asked gets a refusal that says why.

2026-07-28 clients have no session, so each of their requests is its own
context; for them the rule applies within agent turns only.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import mcp_types as types
from pygent.core.errors import PermissionDeniedError

UNTRUSTED_TAG = "untrusted-content"
MAX_CONTEXTS = 10_000


def _hint(tool: types.Tool, name: str) -> bool | None:
    annotations = tool.annotations
    value = getattr(annotations, name, None) if annotations is not None else None
    return value if isinstance(value, bool) else None


def is_destructive(tool: types.Tool) -> bool:
    """Whether the tool's annotations say it can destroy data (MCP's defaults once it admits to writing)."""
    if _hint(tool, "read_only_hint") is True:
        return False
    destructive = _hint(tool, "destructive_hint")
    return destructive is True or (destructive is None and _hint(tool, "read_only_hint") is False)


def yields_untrusted(tags: list[str] | tuple[str, ...], tool: types.Tool) -> bool:
    return UNTRUSTED_TAG in tags or _hint(tool, "open_world_hint") is True


@dataclass(frozen=True)
class NeedsConfirmation:
    """Why a call waits for the caller's yes."""

    tool: str
    source: str  # the tool whose untrusted result entered the context

    @property
    def question(self) -> str:
        return (
            f"Run '{self.tool}'? It can change or delete data, and untrusted content (from '{self.source}') "
            "entered this session before, which may be trying to make it run."
        )

    def refusal(self) -> PermissionDeniedError:
        return PermissionDeniedError(
            f"refused '{self.tool}': it can change or delete data, and untrusted content from '{self.source}' "
            "entered this session; confirm it from a client that can answer (elicitation), or start a new session"
        )


def confirmation_schema() -> dict[str, Any]:
    """The elicitation form of the question: one yes/no field."""
    return {
        "type": "object",
        "properties": {"confirm": {"type": "boolean", "title": "Run it", "default": False}},
        "required": ["confirm"],
    }


def confirmed(result: Any) -> bool:
    """Whether an elicitation answer to `confirmation_schema` is a yes."""
    if not isinstance(result, types.ElicitResult) or result.action != "accept":
        return False
    return bool((result.content or {}).get("confirm"))


class ToolGuard:
    """Which contexts untrusted content has entered, and what that asks of their destructive calls."""

    def __init__(self) -> None:
        self._tainted: OrderedDict[str, str] = OrderedDict()  # context -> the tool whose result tainted it

    def check(self, context: str | None, name: str, tool: types.Tool) -> NeedsConfirmation | None:
        """None when the call may run as it is; else what the caller must confirm."""
        if context is None or not is_destructive(tool):
            return None
        source = self._tainted.get(context)
        return NeedsConfirmation(name, source) if source is not None else None

    def observe(self, context: str | None, name: str, tags: list[str] | tuple[str, ...], tool: types.Tool) -> None:
        """Record that `name` returned into `context`; untrusted content taints it for good."""
        if context is None or context in self._tainted or not yields_untrusted(tags, tool):
            return
        self._tainted[context] = name
        while len(self._tainted) > MAX_CONTEXTS:
            self._tainted.popitem(last=False)

    def forget(self, context: str) -> None:
        self._tainted.pop(context, None)
