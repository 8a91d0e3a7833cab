"""Chunking follows structure: sections, whole code blocks, sentence splits, overlap, exact spans."""

from __future__ import annotations

import itertools

from pygent.servers.rag.chunking import chunk
from pygent.servers.rag.documents import Block, Parsed
from pygent.servers.rag.markdown import parse_markdown

LONG = " ".join(f"Sentence {i} says something about the subject." for i in range(40))
DOC = (
    f"# Guide\n\nShort intro.\n\n## Install\n### Linux\n\n{LONG}\n\n"
    "```python\ndef f():\n\n    return 1\n```\n\n## Use\n\nRun it.\n"
)


def test_every_chunk_is_an_exact_slice_with_line_numbers() -> None:
    parsed = parse_markdown(DOC)
    chunks = chunk(parsed, 400, 80)
    lines = DOC.splitlines()
    for item in chunks:
        text = DOC[item.start : item.end]
        assert text == text.strip() and text
        assert lines[item.line_start - 1].strip() and text.splitlines()[0] in lines[item.line_start - 1]
        assert text.splitlines()[-1] in lines[item.line_end - 1]


def test_headings_start_chunks_and_trails_are_recorded() -> None:
    chunks = chunk(parse_markdown(DOC), 400, 80)
    trails = [tuple(item.heading_trail) for item in chunks]
    assert trails[0] == ("Guide",)
    assert ("Guide", "Install", "Linux") in trails and trails[-1] == ("Guide", "Use")
    linux = next(item for item in chunks if item.heading_trail == ["Guide", "Install", "Linux"])
    assert DOC[linux.start : linux.end].startswith("Install\n### Linux")  # consecutive headings stay together
    assert all(DOC[item.start : item.end].count("## Use") == 0 or item.heading_trail[-1] == "Use" for item in chunks)


def test_long_paragraphs_split_at_sentences_with_overlap() -> None:
    chunks = [item for item in chunk(parse_markdown(DOC), 400, 80) if "Sentence" in DOC[item.start : item.end]]
    assert len(chunks) >= 3
    for first, second in itertools.pairwise(chunks):
        assert second.start < first.end  # overlap
        assert DOC[second.start - 1].isspace()  # starts at a word boundary
    assert all(DOC[item.start : item.end].rstrip().endswith((".", "```")) for item in chunks[:-1])


def test_code_blocks_stay_whole() -> None:
    chunks = chunk(parse_markdown(DOC), 400, 80)
    code = [DOC[item.start : item.end] for item in chunks if "def f()" in DOC[item.start : item.end]]
    assert len(code) == 1 and "```python" in code[0] and code[0].rstrip().endswith("```")


def test_pdf_chunks_stay_on_their_page() -> None:
    text = "Page one text.\n\nPage two text."
    parsed = Parsed(
        text=text, kind="pdf", blocks=[Block("paragraph", 0, 14, page=1), Block("paragraph", 16, 30, page=2)]
    )
    assert [(item.page, text[item.start : item.end]) for item in chunk(parsed, 1000, 50)] == [
        (1, "Page one text."),
        (2, "Page two text."),
    ]
