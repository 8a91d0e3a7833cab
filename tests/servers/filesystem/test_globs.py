"""Glob semantics follow minimatch with dot files included."""

from __future__ import annotations

import pytest
from pygent.core.errors import InvalidArgumentError
from pygent.servers.filesystem.globs import compile_glob, exclusion


@pytest.mark.parametrize(
    ("pattern", "path", "expected"),
    [
        ("*.txt", "a.txt", True),
        ("*.txt", "d/a.txt", False),
        ("**/*.txt", "a.txt", True),
        ("**/*.txt", "d/e/a.txt", True),
        ("src/**", "src", True),
        ("src/**", "src/a/b", True),
        ("src/**", "srcx/a", False),
        ("*.{py,md}", "x.md", True),
        ("[!a]*", "a", False),
        ("[!a]*", "b", True),
        ("a?c", "a/c", False),
        (".*", ".env", True),
        ("a+b(c).txt", "a+b(c).txt", True),
    ],
)
def test_patterns(pattern: str, path: str, expected: bool) -> None:
    assert compile_glob(pattern)(path) is expected


def test_exclusion_without_a_star_matches_at_any_depth() -> None:
    excluded = exclusion(["node_modules"])
    assert excluded("node_modules") and excluded("a/node_modules") and excluded("a/node_modules/x")
    assert not exclusion(["*.log"])("a/b.log")


def test_empty_pattern_is_refused() -> None:
    with pytest.raises(InvalidArgumentError):
        compile_glob("")
