"""Read a file into `Parsed`: pick the format by extension, then follow its structure.

Plain text, Markdown and source code keep their exact text (so line numbers
are the file's own); Markdown's structure comes from markdown-it-py (`markdown`). HTML, PDF and
DOCX go through their parsing libraries (see `rich_formats`).

    parsed = parse_bytes(data, "notes/setup.md")
"""

from __future__ import annotations

from pathlib import PurePath

from pygent.servers.rag.documents import Block, Parsed, ParseError, paragraphs
from pygent.servers.rag.markdown import parse_markdown
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
