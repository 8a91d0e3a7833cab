"""Markdown structure from markdown-it-py: both heading styles, lists, quotes, fences; spans and lines exact."""

from __future__ import annotations

from pygent.servers.rag.chunking import chunk
from pygent.servers.rag.markdown import parse_markdown

DOC = """Runbook
=======

What to do when the queue backs up.

Diagnosis
---------

- Check the consumers
  - lag per partition
  - restarts in the last hour
- Check the broker disk

> Never purge the queue
> without the owner's consent.

```bash
# drain slowly: this is a comment, not a heading
queue drain --rate 10
```

## Recovery ##

Restart the consumers one at a time.
"""


def _line(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


def test_atx_and_setext_headings_are_sections_and_a_hash_in_a_fence_is_code() -> None:
    parsed = parse_markdown(DOC)
    headings = [(DOC[b.start : b.end], b.level) for b in parsed.blocks if b.kind == "heading"]
    assert headings == [("Runbook", 1), ("Diagnosis", 2), ("Recovery", 2)]
    assert parsed.title == "Runbook"
    [code] = [DOC[b.start : b.end] for b in parsed.blocks if b.kind == "code"]
    assert code.startswith("```bash\n# drain slowly") and code.endswith("```")


def test_list_items_with_their_nested_lists_and_quotes_are_blocks() -> None:
    parsed = parse_markdown(DOC)
    items = [DOC[b.start : b.end] for b in parsed.blocks if b.kind == "list"]
    assert items == [
        "- Check the consumers\n  - lag per partition\n  - restarts in the last hour",
        "- Check the broker disk",
    ]
    [quote] = [DOC[b.start : b.end] for b in parsed.blocks if b.kind == "quote"]
    assert quote == "> Never purge the queue\n> without the owner's consent."


def test_chunks_carry_the_section_path_and_the_files_own_line_numbers() -> None:
    lines = DOC.splitlines()
    chunks = chunk(parse_markdown(DOC), 200, 0)
    for item in chunks:
        text = DOC[item.start : item.end]
        assert text.splitlines()[0] in lines[item.line_start - 1]
        assert text.splitlines()[-1] in lines[item.line_end - 1]
    by_text = {DOC[c.start : c.end].splitlines()[-1]: c for c in chunks}
    fence = next(c for c in chunks if "queue drain" in DOC[c.start : c.end])
    assert fence.heading_trail == ["Runbook", "Diagnosis"]  # the `#` line did not open a section
    assert "# drain slowly" in DOC[fence.start : fence.end] and DOC[fence.start : fence.end].count("```") == 2
    quote = next(c for c in chunks if "purge" in DOC[c.start : c.end])
    assert quote.heading_trail == ["Runbook", "Diagnosis"] and quote.line_end == _line(DOC, "without the owner")
    last = by_text["Restart the consumers one at a time."]
    assert last.heading_trail == ["Runbook", "Recovery"] and last.line_end == _line(DOC, "Restart the consumers")


def test_a_long_list_item_is_cut_at_line_ends_and_an_unclosed_fence_runs_to_the_end() -> None:
    item = "- steps\n" + "".join(f"  - step {i} of the long procedure\n" for i in range(20))
    doc = f"# Steps\n\n{item}\n```\nopen fence\n# still code\n"
    parsed = parse_markdown(doc)
    pieces = [doc[c.start : c.end] for c in chunk(parsed, 200, 0)]
    assert all(piece.splitlines()[-1].endswith(("procedure", "steps", "Steps", "# still code")) for piece in pieces)
    assert [doc[b.start : b.end] for b in parsed.blocks if b.kind == "heading"] == ["Steps"]
    assert pieces[-1].endswith("# still code")
