"""Parsers for git's machine-readable output (porcelain status, a log format, porcelain blame).

git_parse.status("/src/app", output_of("git status --porcelain=v1 --branch -z"))
git_parse.log(output_of(f"git log --format={LOG_FORMAT}"))
"""

from __future__ import annotations

from datetime import UTC, datetime

from pygent.servers.github.models import BlameLine, Commit, GitStatus, StatusEntry

# Fields separated by US (0x1f), records ended by RS (0x1e): neither occurs in names or subjects.
LOG_FORMAT = "%H%x1f%an%x1f%ae%x1f%aI%x1f%s%x1e"


def status(repo: str, output: str) -> GitStatus:
    records = output.split("\0")
    branch: str | None = None
    upstream: str | None = None
    ahead = behind = 0
    entries: list[StatusEntry] = []
    index = 0
    while index < len(records):
        record = records[index]
        index += 1
        if not record:
            continue
        if record.startswith("## "):
            branch, upstream, ahead, behind = _branch_header(record[3:])
            continue
        code, path = record[:2], record[3:]
        original = None
        if code[0] in "RC":
            original = records[index] if index < len(records) else None
            index += 1
        entries.append(StatusEntry(path=path, index=code[0], worktree=code[1], original_path=original))
    return GitStatus(repo=repo, branch=branch, upstream=upstream, ahead=ahead, behind=behind, entries=entries)


def _branch_header(head: str) -> tuple[str | None, str | None, int, int]:
    """`main...origin/main [ahead 1, behind 2]` (refs cannot hold "..", so the split is safe)."""
    for prefix in ("No commits yet on ", "Initial commit on "):
        head = head.removeprefix(prefix)
    if head.startswith("HEAD (no branch)"):
        return None, None, 0, 0
    track = ""
    if head.endswith("]") and " [" in head:
        head, _, track = head[:-1].partition(" [")
    name, _, upstream = head.partition("...")
    counts = {
        kind: int(count) for kind, _, count in (part.partition(" ") for part in track.split(", ")) if count.isdigit()
    }
    return name, upstream or None, counts.get("ahead", 0), counts.get("behind", 0)


def log(output: str) -> list[Commit]:
    commits = []
    for record in output.split("\x1e"):
        fields = record.strip("\n").split("\x1f")
        if len(fields) == 5:
            sha, author, email, date, subject = fields
            commits.append(Commit(sha=sha, author=author, email=email, date=date, subject=subject))
    return commits


def blame(output: str) -> list[BlameLine]:
    """Lines of `git blame --porcelain`; commit headers appear only the first time a commit shows up."""
    authors: dict[str, tuple[str, str]] = {}
    lines: list[BlameLine] = []
    sha = ""
    final_line = 0
    author = ""
    stamp = ""
    for raw in output.splitlines():
        if raw.startswith("\t"):
            if sha not in authors:
                authors[sha] = (author, stamp)
            name, date = authors[sha]
            lines.append(BlameLine(line=final_line, sha=sha, author=name, date=date, text=raw[1:]))
            continue
        head, _, rest = raw.partition(" ")
        if len(head) == 40 and all(ch in "0123456789abcdef" for ch in head):
            sha = head
            final_line = int(rest.split(" ")[1])
        elif head == "author":
            author = rest
        elif head == "author-time":
            stamp = datetime.fromtimestamp(int(rest), UTC).isoformat()
    return lines
