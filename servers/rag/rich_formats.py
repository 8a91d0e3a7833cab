"""HTML, PDF and DOCX to text plus structural blocks, through their parsing libraries.

The extracted text joins blocks with blank lines; block spans index into it.
Library failures (a corrupt PDF, a DOCX that is not a zip) become `ParseError`.
"""

from __future__ import annotations

import io
import zipfile
from typing import Any

import docx
from bs4 import BeautifulSoup
from bs4.element import Tag
from pygent.servers.rag.documents import Block, BlockKind, Parsed, ParseError, paragraphs
from pypdf import PdfReader
from pypdf.errors import PyPdfError

_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_BLOCKS = _HEADINGS | {"p", "li", "pre", "blockquote", "td", "th", "dt", "dd", "figcaption", "caption"}
_DROP = ["script", "style", "noscript", "template", "svg", "head"]


class _Builder:
    """Appends blocks to a growing text, separated by blank lines."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.blocks: list[Block] = []
        self.length = 0

    def add(self, content: str, kind: BlockKind, level: int = 0, page: int | None = None) -> None:
        content = content.strip()
        if not content:
            return
        if self.parts:
            self.parts.append("\n\n")
            self.length += 2
        self.blocks.append(Block(kind, self.length, self.length + len(content), level=level, page=page))
        self.parts.append(content)
        self.length += len(content)

    def add_paragraphs(self, content: str, page: int | None = None) -> None:
        for block in paragraphs(content):
            self.add(content[block.start : block.end], "paragraph", page=page)

    @property
    def text(self) -> str:
        return "".join(self.parts)


def parse_html(markup: str) -> Parsed:
    soup = BeautifulSoup(markup, "html.parser")
    title = soup.title.get_text(" ", strip=True) if soup.title else ""
    for tag in soup(_DROP):
        tag.decompose()
    built = _Builder()
    for element in soup.find_all(list(_BLOCKS)):
        if not isinstance(element, Tag) or element.find_parent(list(_BLOCKS)) is not None:
            continue  # the outermost block carries the text of those inside it
        if element.name == "pre":
            built.add(element.get_text(), "code")
        elif element.name in _HEADINGS:
            built.add(" ".join(element.get_text(" ").split()), "heading", level=int(element.name[1]))
        else:
            built.add(" ".join(element.get_text(" ").split()), "paragraph")
    if not built.blocks:  # markup without block elements: fall back to its plain text
        built.add_paragraphs(soup.get_text("\n"))
    return Parsed(text=built.text, kind="html", title=title, blocks=built.blocks)


def parse_pdf(data: bytes) -> Parsed:
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise ParseError("encrypted PDF: its text cannot be read")
        pages = [page.extract_text() or "" for page in reader.pages]
        info = reader.metadata
        title = str(info.get("/Title") or "") if info is not None else ""
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, OSError) as exc:
        raise ParseError(f"corrupt or unreadable PDF ({type(exc).__name__}: {exc})") from None
    built = _Builder()
    for number, content in enumerate(pages, start=1):
        built.add_paragraphs(content, page=number)
    if not built.blocks:
        raise ParseError("the PDF has no extractable text (a scanned image?)")
    return Parsed(text=built.text, kind="pdf", title=title, blocks=built.blocks)


def parse_docx(data: bytes) -> Parsed:
    try:
        document: Any = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise ParseError(f"corrupt or unreadable DOCX ({type(exc).__name__})") from None
    built = _Builder()
    title = str(document.core_properties.title or "")
    for paragraph in document.paragraphs:
        style = str(paragraph.style.name if paragraph.style is not None else "")
        if style == "Title" or style.startswith("Heading"):
            level = int(style.split()[-1]) if style.split()[-1].isdigit() else 1
            built.add(paragraph.text, "heading", level=level)
            title = title or paragraph.text.strip()
        else:
            built.add(paragraph.text, "paragraph")
    for table in document.tables:
        for row in table.rows:
            built.add(" | ".join(cell.text.strip() for cell in row.cells), "paragraph")
    return Parsed(text=built.text, kind="docx", title=title, blocks=built.blocks)
