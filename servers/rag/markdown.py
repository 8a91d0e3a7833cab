"""Markdown structure through markdown-it-py (CommonMark plus tables), as blocks of the file's own text.

The text stays exactly the file's, so citation line numbers are its lines; each
top-level token's line map (`token.map`) gives the span of its block:

- headings, ATX (`## Setup`) and setext (`Setup` over `-----`), become heading
  blocks spanning the heading's text, so they form the chunks' heading trail;
- fenced and indented code, tables and each top-level list item (with the lists
  nested in it) are blocks the chunker cuts only at line ends, if at all;
- a block quote is one block, its headings are quoted text, not sections;
- paragraphs and HTML blocks are paragraph blocks.

A `#` line inside a code fence is code, never a heading.

    parsed = parse_markdown(text)
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.token import Token
from pygent.servers.rag.documents import Block, BlockKind, Parsed

_MARKDOWN = MarkdownIt("commonmark").enable("table")
_KIND: dict[str, BlockKind] = {
    "paragraph_open": "paragraph",
    "html_block": "paragraph",
    "blockquote_open": "quote",
    "fence": "code",
    "code_block": "code",
    "table_open": "table",
}


class _Lines:
    """Character offsets of the text's lines."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0] + [i + 1 for i, char in enumerate(text) if char == "\n"]

    def span(self, first: int, end: int) -> tuple[int, int]:
        """The characters of lines `first` to `end` (exclusive), without surrounding whitespace."""
        start = self.starts[first]
        stop = self.starts[end] if end < len(self.starts) else len(self.text)
        chunk = self.text[start:stop]
        lead = len(chunk) - len(chunk.lstrip())
        return start + lead, start + len(chunk.rstrip())


def parse_markdown(text: str) -> Parsed:
    """Headings, code, lists, quotes, tables and paragraphs of a Markdown text."""
    lines = _Lines(text)
    tokens = _MARKDOWN.parse(text)
    blocks: list[Block] = []
    title = ""
    for index, token in enumerate(tokens):
        if token.map is None or token.nesting == -1:
            continue
        if token.type == "heading_open" and token.level == 0:
            block = _heading(token, tokens[index + 1], lines)
            if block is not None:
                blocks.append(block)
                title = title or (text[block.start : block.end] if block.level == 1 else "")
        elif token.type == "list_item_open" and token.level == 1:
            blocks.append(_block("list", token, lines))
        elif token.level == 0 and token.type in _KIND:
            blocks.append(_block(_KIND[token.type], token, lines))
    return Parsed(text=text, kind="markdown", title=title, blocks=[b for b in blocks if b.end > b.start])


def _block(kind: BlockKind, token: Token, lines: _Lines) -> Block:
    assert token.map is not None
    start, end = lines.span(*token.map)
    return Block(kind, start, end)


def _heading(token: Token, inline: Token, lines: _Lines) -> Block | None:
    """The heading's own text: without `#` marks or a setext underline."""
    assert token.map is not None
    start, end = lines.span(*token.map)
    content = inline.content.strip()
    if not content:
        return None
    found = lines.text.find(content, start, end)
    if found < 0:  # a multi-line setext heading whose lines were re-indented: take its text lines
        first, last = token.map
        found, stop = lines.span(first, last - 1 if token.markup in ("=", "-") else last)
        return Block("heading", found, stop, level=int(token.tag[1]))
    return Block("heading", found, found + len(content), level=int(token.tag[1]))
