"""Parsers: formats by extension, structure per format, clear errors for unreadable input."""

from __future__ import annotations

import pytest
from pygent.servers.rag.documents import ParseError
from pygent.servers.rag.parsers import kind_of, parse_bytes

from tests.servers.rag.corpus import DOCX_PARAGRAPHS, HTML, PDF_PAGES, docx_bytes, pdf_bytes


def test_kinds_by_extension() -> None:
    assert [kind_of(name) for name in ("a.md", "b.HTML", "c.pdf", "d.docx", "e.py", "Dockerfile", "f.txt", "g")] == [
        "markdown",
        "html",
        "pdf",
        "docx",
        "code",
        "code",
        "text",
        "text",
    ]


def test_html_keeps_headings_and_drops_scripts() -> None:
    parsed = parse_bytes(HTML.encode(), "office.html")
    assert parsed.title == "Office guide" and "tracking" not in parsed.text
    headings = [parsed.text[b.start : b.end] for b in parsed.blocks if b.kind == "heading"]
    assert headings == ["Office guide", "Parking", "Wi-Fi", "Kitchen"]
    assert "The coffee machine is descaled every Friday." in parsed.text


def test_pdf_text_per_page_and_docx_headings() -> None:
    pdf = parse_bytes(pdf_bytes(PDF_PAGES), "s.pdf")
    assert {b.page for b in pdf.blocks} == {1, 2} and "14 characters" in pdf.text
    document = parse_bytes(docx_bytes(DOCX_PARAGRAPHS), "o.docx")
    assert document.title == "Onboarding checklist"
    assert [(b.kind, b.level) for b in document.blocks if b.kind == "heading"] == [("heading", 1), ("heading", 2)]


def test_code_and_text_keep_the_file_text_exactly() -> None:
    source = "import os\n\n\ndef main():\n    return os.getcwd()\n"
    parsed = parse_bytes(source.encode(), "m.py")
    assert parsed.text == source and {b.kind for b in parsed.blocks} == {"code"}
    assert parse_bytes("\ufeffhello\n".encode(), "bom.txt").text == "hello\n"


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00", "logo.txt", "binary file"),
        ("café".encode("latin-1"), "notes.txt", "not UTF-8"),
        (b"%PDF-1.4 garbage", "x.pdf", "corrupt or unreadable PDF"),
        (b"PK\x03\x04 not a real zip", "x.docx", "corrupt or unreadable DOCX"),
        (b"not a zip at all", "y.docx", "corrupt or unreadable DOCX"),
    ],
)
def test_unreadable_input_is_a_parse_error(data: bytes, name: str, message: str) -> None:
    with pytest.raises(ParseError, match=message):
        parse_bytes(data, name)
