"""`grep`: a regular expression over file contents below a directory (or in one file).

    result = grep(sandbox, "src", r"def \\w+", GrepOptions(include=["*.py"], context=2, max_matches=100))

Patterns are Python regular expressions, matched line by line (`^`/`$` anchor
lines). `include`/`exclude` are globs: without a `/` they match the file name,
with one the path relative to where the search starts; an excluded directory
is not entered. Binary files (a NUL byte in the first 8 KiB) and files over the
size cap are skipped and counted. Symlinks are never followed.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Sequence
from dataclasses import dataclass, field

from pygent.core.errors import InvalidArgumentError
from pygent.servers.filesystem.globs import Matcher, any_glob
from pygent.servers.filesystem.models import GrepMatch, GrepResult
from pygent.servers.filesystem.reading import is_binary
from pygent.servers.filesystem.sandbox import Sandbox
from pygent.servers.filesystem.walking import walk

MAX_LINE_CHARS = 500
_FILE_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC


@dataclass(frozen=True)
class GrepOptions:
    include: Sequence[str] = ()
    exclude: Sequence[str] = ()
    context: int = 0
    max_matches: int = 200
    ignore_case: bool = False
    max_file_bytes: int = 16 * 1024 * 1024


@dataclass
class _Tally:
    matches: list[GrepMatch] = field(default_factory=list)
    searched: int = 0
    matched: int = 0
    binary: int = 0
    large: int = 0
    truncated: bool = False


def grep(sandbox: Sandbox, path: str, pattern: str, options: GrepOptions) -> GrepResult:
    """Lines matching `pattern` in the files below `path` (or in the file `path`).

    Raises:
        InvalidArgumentError: the pattern is not a valid regular expression.
    """
    regex = compile_pattern(pattern, ignore_case=options.ignore_case)
    tally = _Tally()
    with sandbox.locate(path) as here:
        shown = here.path
        single = here.name and not _is_directory(here.dir_fd, here.name)
    if single:
        with sandbox.open_file(path) as opened:
            _search_fd(opened.fd, opened.path, regex, options, tally)
    else:
        with sandbox.open_directory(path) as directory:
            _search_tree(directory.dir_fd, directory.path, regex, options, tally)
    return GrepResult(
        pattern=pattern,
        path=shown,
        matches=tally.matches,
        files_searched=tally.searched,
        files_matched=tally.matched,
        binary_files_skipped=tally.binary,
        large_files_skipped=tally.large,
        truncated=tally.truncated,
    )


def compile_pattern(pattern: str, *, ignore_case: bool) -> re.Pattern[str]:
    if not pattern:
        raise InvalidArgumentError("pattern is empty")
    try:
        return re.compile(pattern, re.MULTILINE | (re.IGNORECASE if ignore_case else 0))
    except re.error as exc:
        raise InvalidArgumentError(f"invalid regular expression {pattern!r}: {exc}") from None


def _is_directory(dir_fd: int, name: str) -> bool:
    try:
        return stat.S_ISDIR(os.stat(name, dir_fd=dir_fd, follow_symlinks=False).st_mode)
    except FileNotFoundError:
        return False  # open_file then reports it missing


def _name_or_path(patterns: Sequence[str]) -> tuple[Matcher | None, Matcher | None]:
    by_name = [pattern for pattern in patterns if "/" not in pattern]
    by_path = [pattern for pattern in patterns if "/" in pattern]
    return (any_glob(by_name) if by_name else None), (any_glob(by_path) if by_path else None)


def _search_tree(dir_fd: int, base: str, regex: re.Pattern[str], options: GrepOptions, tally: _Tally) -> None:
    include_name, include_path = _name_or_path(options.include)
    exclude_name, exclude_path = _name_or_path(options.exclude)

    def pruned(relative: str, entry: os.DirEntry[str]) -> bool:
        return bool(
            (exclude_name is not None and exclude_name(entry.name))
            or (exclude_path is not None and exclude_path(relative))
        )

    def included(relative: str, name: str) -> bool:
        if include_name is None and include_path is None:
            return True
        return bool((include_name is not None and include_name(name)) or (include_path and include_path(relative)))

    for parent_fd, relative, entry in walk(dir_fd, prune=pruned):
        if not entry.is_file(follow_symlinks=False) or not included(relative, entry.name):
            continue
        try:
            fd = os.open(entry.name, _FILE_FLAGS, dir_fd=parent_fd)
        except OSError:
            continue  # vanished, swapped for a symlink, or unreadable
        try:
            _search_fd(fd, os.path.join(base, relative), regex, options, tally)
        finally:
            os.close(fd)
        if tally.truncated:
            return


def _search_fd(fd: int, path: str, regex: re.Pattern[str], options: GrepOptions, tally: _Tally) -> None:
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        return
    if info.st_size > options.max_file_bytes:
        tally.large += 1
        return
    data = _read_all(fd, info.st_size)
    if is_binary(data):
        tally.binary += 1
        return
    tally.searched += 1
    text = data.decode("utf-8", "replace")
    if regex.search(text) is None:
        return
    tally.matched += 1
    _collect(text, path, regex, options, tally)


def _collect(text: str, path: str, regex: re.Pattern[str], options: GrepOptions, tally: _Tally) -> None:
    lines: list[str] | None = None
    line_no, scanned, line_end = 1, 0, -1
    for match in regex.finditer(text):
        start = match.start()
        if start <= line_end:
            continue  # one result per line
        line_no += text.count("\n", scanned, start)
        scanned = start
        line_start = text.rfind("\n", 0, start) + 1
        line_end = text.find("\n", start)
        if line_end == -1:
            line_end = len(text)
        if len(tally.matches) >= options.max_matches:
            tally.truncated = True
            return
        found = GrepMatch(path=path, line=line_no, text=_clip(text[line_start:line_end]))
        if options.context:
            lines = lines if lines is not None else text.split("\n")
            index = line_no - 1
            found.before = [_clip(line) for line in lines[max(0, index - options.context) : index]]
            found.after = [_clip(line) for line in lines[index + 1 : index + 1 + options.context]]
        tally.matches.append(found)


def _clip(line: str) -> str:
    line = line.rstrip("\r")
    return line if len(line) <= MAX_LINE_CHARS else line[:MAX_LINE_CHARS] + "…"


def _read_all(fd: int, size: int) -> bytes:
    data = os.read(fd, size + 1)
    if len(data) <= size:
        return data
    chunks = [data]
    while chunk := os.read(fd, 1 << 20):
        chunks.append(chunk)
    return b"".join(chunks)
