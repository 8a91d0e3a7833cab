"""Which annotations make a call need a yes after untrusted content, read as the MCP spec defines them."""

from __future__ import annotations

from typing import Any

import mcp_types as types
import pytest
from pygent.host.guard import UNTRUSTED_TAG, ToolGuard, is_destructive, yields_untrusted


def tool(**hints: Any) -> types.Tool:
    annotations = types.ToolAnnotations(**hints) if hints else None
    return types.Tool(name="t", inputSchema={"type": "object"}, annotations=annotations)


@pytest.mark.parametrize(
    ("hints", "destructive"),
    [
        ({}, False),
        ({"readOnlyHint": True}, False),
        ({"readOnlyHint": True, "destructiveHint": True}, False),  # spec: destructiveHint only counts for writers
        ({"readOnlyHint": False}, True),
        ({"readOnlyHint": False, "destructiveHint": False}, False),
        ({"destructiveHint": True}, True),
    ],
)
def test_destructive_is_what_the_annotations_say(hints: dict[str, Any], destructive: bool) -> None:
    assert is_destructive(tool(**hints)) is destructive


def test_untrusted_is_a_tagged_server_or_a_tool_that_declares_an_open_world() -> None:
    assert yields_untrusted([UNTRUSTED_TAG], tool(openWorldHint=False))
    assert yields_untrusted([], tool(openWorldHint=True))
    assert not yields_untrusted([], tool())
    assert not yields_untrusted(["docs"], tool(openWorldHint=False))


def test_a_tainted_context_needs_a_yes_for_destructive_calls_only_in_that_context() -> None:
    guard = ToolGuard()
    guard.observe("s1", "web_fetch", [], tool(openWorldHint=True))
    delete = tool(destructiveHint=True)
    verdict = guard.check("s1", "fs_delete", delete)
    assert verdict is not None and verdict.source == "web_fetch"
    assert "fs_delete" in str(verdict.refusal()) and "web_fetch" in str(verdict.refusal())
    assert guard.check("s2", "fs_delete", delete) is None
    assert guard.check("s1", "fs_read", tool(readOnlyHint=True)) is None
    guard.forget("s1")
    assert guard.check("s1", "fs_delete", delete) is None
