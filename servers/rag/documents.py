"""A parsed document: its extracted text and the structural blocks that cover it.

Parsers turn a file (or page) into `Parsed`; the chunker packs its blocks into
chunks. Every span is a character range of `Parsed.text`, so a citation's span
can always be cut out of the stored document text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

BlockKind = Literal["heading", "paragraph", "code", "list", "quote", "table"]
LINE_BLOCKS: frozenset[BlockKind] = frozenset({"code", "list", "table"})  # cut only at line ends


@dataclass(frozen=True)
class Block:
    kind: BlockKind
    start: int
    end: int
    level: int = 0  # heading level (1 = top); 0 for other blocks
    page: int | None = None  # 1-based page of a PDF


@dataclass
class Parsed:
    text: str
    kind: str  # text | markdown | html | code | pdf | docx
    title: str = ""
    blocks: list[Block] = field(default_factory=list)


class ParseError(Exception):
    """The file cannot be read as its format; the message says why (shown per file)."""


_PARAGRAPH = re.compile(r"\S(?:[^\n]|\n(?![ \t]*(?:\n|\Z)))*")


def paragraphs(text: str, offset: int = 0, page: int | None = None) -> list[Block]:
    """Blocks separated by blank lines, as spans of `text` shifted by `offset`."""
    blocks = []
    for match in _PARAGRAPH.finditer(text):
        end = match.start() + len(match.group().rstrip())
        blocks.append(Block("paragraph", offset + match.start(), offset + end, page=page))
    return blocks
