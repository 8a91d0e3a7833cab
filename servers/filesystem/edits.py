"""Exact text replacements for `edit_file`, and the unified diff that shows them.

    new = apply_edits(text, [Edit(old_text="x = 1", new_text="x = 2")], path="a.py")
    print(unified_diff(text, new, "a.py"))

Each edit must match exactly once: first as written, then (like the reference
server) line by line ignoring leading and trailing whitespace, in which case
the new text takes the matched block's indentation. A missing or ambiguous
match fails the whole call, so a file is never left half-edited. Windows line
endings are matched as `\\n` and written back as they were.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass

from pygent.core.errors import InvalidArgumentError


@dataclass(frozen=True)
class Edit:
    old_text: str
    new_text: str


def apply_edits(text: str, edits: Sequence[Edit], *, path: str) -> str:
    """The text after every edit, applied in order.

    Raises:
        InvalidArgumentError: an edit's oldText is empty, missing or matches more than once.
    """
    result = text
    for number, edit in enumerate(edits, start=1):
        old = edit.old_text.replace("\r\n", "\n")
        new = edit.new_text.replace("\r\n", "\n")
        if not old:
            raise InvalidArgumentError(f"edit {number}: oldText is empty")
        count = result.count(old)
        if count == 1:
            result = result.replace(old, new, 1)
            continue
        if count > 1:
            raise InvalidArgumentError(
                f"edit {number}: oldText occurs {count} times in {path}; include more surrounding "
                "lines so it matches exactly once. Nothing was changed."
            )
        result = _replace_loosely(result, old, new, number=number, path=path)
    return result


def _replace_loosely(text: str, old: str, new: str, *, number: int, path: str) -> str:
    old_lines = old.split("\n")
    lines = text.split("\n")
    wanted = [line.strip() for line in old_lines]
    width = len(old_lines)
    starts = [i for i in range(len(lines) - width + 1) if all(lines[i + j].strip() == wanted[j] for j in range(width))]
    if not starts:
        raise InvalidArgumentError(
            f"edit {number}: oldText was not found in {path}:\n{old}\nNothing was changed; "
            "read the file again and copy the text exactly."
        )
    if len(starts) > 1:
        raise InvalidArgumentError(
            f"edit {number}: oldText matches {len(starts)} places in {path} (ignoring whitespace); "
            "include more surrounding lines so it matches exactly once. Nothing was changed."
        )
    start = starts[0]
    indent = _indent(lines[start])
    new_lines = new.split("\n")
    base = _indent(new_lines[0])
    replaced = [indent + new_lines[0].lstrip()]
    for line in new_lines[1:]:
        if not line.strip():
            replaced.append("")
        elif line.startswith(base):
            replaced.append(indent + line[len(base) :])  # keep the line's indentation relative to the first
        else:
            replaced.append(indent + line.lstrip())
    lines[start : start + width] = replaced
    return "\n".join(lines)


def _indent(line: str) -> str:
    return line[: len(line) - len(line.lstrip())]


def unified_diff(before: str, after: str, path: str) -> str:
    """A git-style unified diff of one file (empty when nothing changed)."""
    lines = difflib.unified_diff(
        before.splitlines(keepends=True),
        after.splitlines(keepends=True),
        fromfile=f"{path}\toriginal",
        tofile=f"{path}\tmodified",
    )
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines)


def fenced(diff: str) -> str:
    """The diff in a ```diff block with enough backticks to hold it (the reference's format)."""
    fence = "```"
    while fence in diff:
        fence += "`"
    return f"{fence}diff\n{diff}{fence}\n\n"
