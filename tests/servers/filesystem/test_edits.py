"""The edit algorithm and diff format on their own."""

from __future__ import annotations

import pytest
from pygent.core.errors import InvalidArgumentError
from pygent.servers.filesystem.edits import Edit, apply_edits, fenced, unified_diff


def test_exact_single_match_is_replaced() -> None:
    assert apply_edits("a\nb\nc\n", [Edit("b", "B")], path="f") == "a\nB\nc\n"


def test_later_edits_see_earlier_ones() -> None:
    assert apply_edits("x", [Edit("x", "yy"), Edit("yy", "z")], path="f") == "z"


def test_loose_match_reindents_the_new_block() -> None:
    text = "class A:\n    def f(self):\n        return 1\n"
    edited = apply_edits(text, [Edit("def f(self):\n    return 1", "def f(self):\n    return 2")], path="f")
    assert edited == "class A:\n    def f(self):\n        return 2\n"


def test_ambiguous_loose_match_is_refused() -> None:
    with pytest.raises(InvalidArgumentError, match="matches 2 places"):
        apply_edits("  x = 1\n    x = 1\n", [Edit("x = 1 ", "x = 2")], path="f")


def test_diff_marks_missing_final_newline_and_fences_safely() -> None:
    diff = unified_diff("a", "b", "f.txt")
    assert "-a\n\\ No newline at end of file\n+b\n" in diff
    assert fenced("```inner```").startswith("````diff\n")
    assert unified_diff("same\n", "same\n", "f") == ""
