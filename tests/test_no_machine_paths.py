"""No tracked file depends on where the repository, or its author's home, lives.

A clone anywhere must pass `.ci/run`; an absolute path of one machine in a
test, bench or script breaks that (it did: the npm peers' default path).
Examples in documentation use neutral paths such as `/path/to/pygent-factory`.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# A path that starts at one of these top-level folders, not a suffix like `$PYGENT_HOME/...`.
MACHINE_PATH = re.compile(r"(?<![\w.~$}/-])/(?:" + "|".join(("work", "root", "home")) + r")/")


def tracked_files() -> list[Path]:
    listing = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True, timeout=60
    ).stdout.decode()
    return [ROOT / name for name in listing.split("\0") if name]


def test_no_tracked_file_names_a_path_of_one_machine() -> None:
    found = []
    for path in tracked_files():
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, FileNotFoundError):
            continue  # binary, or deleted in the working tree
        for number, line in enumerate(text.splitlines(), 1):
            if MACHINE_PATH.search(line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()[:120]}")
    assert not found, "absolute machine paths:\n" + "\n".join(found)


def test_the_pattern_finds_machine_paths_and_leaves_suffixes_alone() -> None:
    for line in ('default "/w' + 'ork/main/.ci/node"', "cd /r" + "oot/x", "HOME=/h" + "ome/ann/"):
        assert MACHINE_PATH.search(line), line
    for line in ("$PYGENT_HOME/servers/x", "~/notes", "https://example.com/home/x", "/Users/me/src"):
        assert not MACHINE_PATH.search(line), line
