"""Read a file into `Parsed`: pick the format by extension, then follow its structure.

Plain text and source code keep their exact text (so line numbers are the
file's own); Markdown also marks headings and fenced code blocks. HTML, PDF and
DOCX go through their parsing libraries (see `rich_formats`).

    parsed = parse_bytes(data, "notes/setup.md")
"""

from __future__ import annotations

import re
from pathlib import PurePath

from pygent.servers.rag.documents import Block, Parsed, ParseError, paragraphs
from pygent.servers.rag.rich_formats import parse_docx, parse_html, parse_pdf

MARKDOWN = {".md", ".markdown", ".mdx"}
HTML = {".html", ".htm", ".xhtml"}
CODE = {
    ".py",
    ".pyi",
    ".js",
    ".mjs",
    ".ts",
    ".tsx",
    ".jsx",
    ".go",
    ".rs",
    ".java",
    ".kt",
    ".scala",
    ".c",
    ".h",
    ".cc",
    ".cpp",
    ".hpp",
    ".cs",
    ".rb",
    ".php",
    ".sh",
    ".bash",
    ".sql",
    ".swift",
    ".lua",
    ".r",
    ".pl",
    ".yaml",
    ".yml",
    ".toml",
    ".json",
    ".ini",
    ".cfg",
    ".css",
    ".scss",
    ".vue",
    ".svelte",
    ".dockerfile",
}
_FENCE = re.compile(r"^(```|~~~)")
_HEADING = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t#]*$")


def kind_of(name: str) -> str:
    suffix = PurePath(name).suffix.lower()
    if suffix in MARKDOWN:
        return "markdown"
    if suffix in HTML:
        return "html"
    if suffix == ".pdf":
        return "pdf"
    if suffix == ".docx":
        return "docx"
    if suffix in CODE or PurePath(name).name in {"Dockerfile", "Makefile"}:
        return "code"
    return "text"


def parse_bytes(data: bytes, name: str, kind: str | None = None) -> Parsed:
    """Parse one document; `name` (a path or URL) picks the format unless `kind` is given.

    Raises:
        ParseError: binary data, undecodable text, or a corrupt PDF/DOCX.
    """
    kind = kind or kind_of(name)
    if kind == "pdf":
        return parse_pdf(data)
    if kind == "docx":
        return parse_docx(data)
    text = decode(data)
    if kind == "html":
        return parse_html(text)
    if kind == "markdown":
        return parse_markdown(text)
    blocks = paragraphs(text)
    return Parsed(
        text=text, kind=kind, blocks=[Block("code", b.start, b.end) for b in blocks] if kind == "code" else blocks
    )


def decode(data: bytes) -> str:
    if b"\x00" in data[:8192]:
        raise ParseError("binary file: it is not text, Markdown, HTML, code, PDF or DOCX")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ParseError("not UTF-8 text (binary, or another encoding)") from None


def parse_markdown(text: str) -> Parsed:
    """Headings, fenced code blocks (kept whole) and paragraphs of a Markdown text."""
    blocks: list[Block] = []
    title = ""
    position = 0
    fence_start: int | None = None
    fence_mark = ""
    pending_start: int | None = None  # start of the run of ordinary lines being collected

    def flush(until: int) -> None:
        nonlocal pending_start
        if pending_start is not None:
            blocks.extend(paragraphs(text[pending_start:until], offset=pending_start))
            pending_start = None

    for line in text.splitlines(keepends=True):
        stripped = line.strip()
        if fence_start is not None:
            if stripped.startswith(fence_mark):
                blocks.append(Block("code", fence_start, position + len(line.rstrip())))
                fence_start = None
        elif _FENCE.match(stripped):
            flush(position)
            fence_start, fence_mark = position, stripped[:3]
        elif heading := _HEADING.match(stripped):
            flush(position)
            level = len(heading.group(1))
            start = position + line.index(heading.group(2))
            blocks.append(Block("heading", start, start + len(heading.group(2)), level=level))
            title = title or (heading.group(2) if level == 1 else "")
        elif pending_start is None and stripped:
            pending_start = position
        position += len(line)
    if fence_start is not None:  # an unclosed fence runs to the end
        blocks.append(Block("code", fence_start, len(text.rstrip())))
    flush(len(text))
    return Parsed(text=text, kind="markdown", title=title, blocks=blocks)
