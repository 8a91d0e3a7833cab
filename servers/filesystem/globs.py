"""Glob patterns over relative paths, with the reference server's (minimatch) meaning.

    >>> matcher = compile_glob("src/**/*.py")
    >>> matcher("src/a/b.py"), matcher("src/b.py"), matcher("docs/b.py")
    (True, True, False)
    >>> compile_glob("*.txt")("a/b.txt")      # `*` never crosses `/`
    False

`*` and `?` stay within one path component, `**` spans any number of
components, `[abc]`/`[!abc]` are classes and `{a,b}` alternatives; dot files
match like any other (minimatch's `dot: true`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import lru_cache

from pygent.core.errors import InvalidArgumentError

Matcher = Callable[[str], bool]


@lru_cache(maxsize=256)
def compile_glob(pattern: str) -> Matcher:
    """A predicate testing a `/`-separated relative path against `pattern`.

    Raises:
        InvalidArgumentError: the pattern is empty or malformed.
    """
    if not pattern:
        raise InvalidArgumentError("glob pattern is empty")
    try:
        regex = re.compile(_translate(pattern.lstrip("/")) + r"\Z", re.DOTALL)
    except re.error as exc:
        raise InvalidArgumentError(f"invalid glob pattern {pattern!r}: {exc}") from None
    return lambda path: regex.match(path) is not None


def any_glob(patterns: Sequence[str]) -> Matcher:
    matchers = [compile_glob(pattern) for pattern in patterns]
    return lambda path: any(match(path) for match in matchers)


def exclusion(patterns: Sequence[str]) -> Matcher:
    """directory_tree's exclusion test: a pattern without `*` also matches at any depth."""
    expanded: list[str] = []
    for pattern in patterns:
        expanded.append(pattern)
        if "*" not in pattern:
            expanded += [f"**/{pattern}", f"**/{pattern}/**"]
    return any_glob(expanded)


def _translate(pattern: str) -> str:
    if pattern.endswith("/**"):
        return _translate(pattern[:-3]) + "(?:/.*)?"  # `dir/**` also matches `dir` itself
    segments = pattern.split("/")
    out: list[str] = []
    for index, segment in enumerate(segments):
        last = index == len(segments) - 1
        if segment == "**":
            out.append(".*" if last else "(?:[^/]*/)*")
        else:
            out.append(_segment(segment) + ("" if last else "/"))
    return "".join(out)


def _segment(segment: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(segment):
        char = segment[i]
        if char == "*":
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif char == "[":
            end = segment.find("]", i + 2 if segment[i + 1 : i + 2] in ("!", "^") else i + 1)
            if end == -1:
                out.append(re.escape(char))
            else:
                body = segment[i + 1 : end]
                if body[:1] in ("!", "^"):
                    body = "^" + body[1:]
                out.append("[" + body.replace("\\", "\\\\") + "]")
                i = end
        elif char == "{":
            end = segment.find("}", i)
            if end == -1:
                out.append(re.escape(char))
            else:
                options = segment[i + 1 : end].split(",")
                out.append("(?:" + "|".join(_segment(option) for option in options) + ")")
                i = end
        else:
            out.append(re.escape(char))
        i += 1
    return "".join(out)
