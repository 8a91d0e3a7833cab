"""Pack a parsed document's blocks into chunks that follow its structure.

- A heading starts a new chunk (a run of headings stays with the text below it),
  so a chunk never straddles two sections; its heading trail is recorded.
- Blocks (paragraphs, code, list items, quotes, tables) are packed up to
  `max_chars`; a block longer than that is split at sentence ends (code, list
  items and tables: at line ends), never mid-word if avoidable.
- A chunk of a PDF stays on one page.
- Neighbouring chunks of one section overlap by about `overlap` characters,
  starting at a word boundary.

Every chunk is an exact slice `text[start:end]` of the document text, with its
1-based line span and, for PDFs, its page.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from pygent.servers.rag.documents import LINE_BLOCKS, Block, Parsed

_SENTENCE_END = re.compile(r"(?<=[.!?;:])\s+|\n")
_SPACE = re.compile(r"\s")


@dataclass
class Chunk:
    start: int
    end: int
    heading_trail: list[str]
    page: int | None = None
    line_start: int = 0
    line_end: int = 0


@dataclass
class _Open:
    start: int
    end: int
    trail: list[str]
    page: int | None
    only_headings: bool
    pieces: list[Block] = field(default_factory=list)


def chunk(parsed: Parsed, max_chars: int, overlap: int) -> list[Chunk]:
    text = parsed.text
    trail: list[tuple[int, str]] = []
    chunks: list[Chunk] = []
    current: _Open | None = None

    def close() -> None:
        nonlocal current
        if current is not None:
            chunks.append(Chunk(current.start, current.end, current.trail, current.page))
            current = None

    for piece in _pieces(text, parsed.blocks, max_chars):
        if piece.kind == "heading":
            trail = [(level, name) for level, name in trail if level < piece.level]
            trail.append((piece.level, text[piece.start : piece.end]))
            if current is not None and not current.only_headings:
                close()
        names = [name for _, name in trail]
        if current is not None and piece.page is not None and current.page not in (None, piece.page):
            close()  # a chunk stays on one page, so its page number is exact
        if current is None:
            current = _Open(piece.start, piece.end, names, piece.page, piece.kind == "heading")
        elif piece.end - current.start <= max_chars or current.only_headings:
            current.end = piece.end
            current.page = current.page or piece.page
            if current.only_headings:
                current.trail = names
            current.only_headings = current.only_headings and piece.kind == "heading"
        else:
            previous_start = current.start
            close()
            start = _overlap_start(text, piece.start, overlap, floor=previous_start + 1)
            current = _Open(start, piece.end, names, piece.page, piece.kind == "heading")
    close()
    newlines = [i for i, char in enumerate(text) if char == "\n"]
    for item in chunks:
        item.line_start = bisect.bisect_left(newlines, item.start) + 1
        item.line_end = bisect.bisect_left(newlines, max(item.start, item.end - 1)) + 1
    return chunks


def _overlap_start(text: str, start: int, overlap: int, floor: int) -> int:
    if overlap <= 0:
        return start
    begin = max(floor, start - overlap)
    space = _SPACE.search(text, begin, start)
    if space is None:
        return start
    position = space.end()
    while position < start and text[position].isspace():
        position += 1
    return position


def _pieces(text: str, blocks: list[Block], max_chars: int) -> list[Block]:
    """The blocks, with any block longer than `max_chars` cut into pieces that fit."""
    pieces: list[Block] = []
    for block in blocks:
        if block.end - block.start <= max_chars or block.kind == "heading":
            pieces.append(block)
            continue
        start = block.start
        while block.end - start > max_chars:
            cut = _cut(text, start, start + max_chars, by_line=block.kind in LINE_BLOCKS)
            pieces.append(Block(block.kind, start, cut, page=block.page))
            start = cut
            while start < block.end and text[start].isspace():
                start += 1
        if start < block.end:
            pieces.append(Block(block.kind, start, block.end, page=block.page))
    return pieces


def _cut(text: str, start: int, limit: int, *, by_line: bool) -> int:
    """Where to end a piece that must stop by `limit`: a sentence or line end, else a space."""
    window = text[start:limit]
    boundary = window.rfind("\n") if by_line else max((m.start() for m in _SENTENCE_END.finditer(window)), default=-1)
    if boundary > len(window) // 3:
        return start + boundary
    space = window.rfind(" ")
    return start + space if space > len(window) // 3 else limit
