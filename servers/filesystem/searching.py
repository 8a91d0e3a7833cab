"""Finding files by name: `search_files`, a glob over paths relative to where the search starts.

    result = search_files(sandbox, "src", "**/*.py", exclude=["**/node_modules"], max_results=1000)

As in the reference server, `*.py` matches only at the top level and `**/*.py`
at any depth; an excluded directory is not entered.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from pygent.servers.filesystem.globs import any_glob, compile_glob
from pygent.servers.filesystem.models import SearchResult
from pygent.servers.filesystem.sandbox import Sandbox
from pygent.servers.filesystem.walking import walk


def search_files(
    sandbox: Sandbox, path: str, pattern: str, *, exclude: Sequence[str], max_results: int
) -> SearchResult:
    """Full paths of entries whose relative path matches `pattern`, in walk order."""
    matches_pattern = compile_glob(pattern)
    excluded = any_glob(exclude) if exclude else None
    matches: list[str] = []
    truncated = False
    with sandbox.open_directory(path) as directory:
        prune = (lambda relative, _entry: excluded(relative)) if excluded is not None else None
        for _fd, relative, _entry in walk(directory.dir_fd, prune=prune):
            if matches_pattern(relative):
                if len(matches) >= max_results:
                    truncated = True
                    break
                matches.append(os.path.join(directory.path, relative))
        shown = directory.path
    return SearchResult(path=shown, pattern=pattern, matches=matches, truncated=truncated)
