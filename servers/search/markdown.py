"""Page text for an agent: HTML to Markdown (html-to-markdown), and slicing long text into pages.

    text, title = html_to_markdown("<h1>Hi</h1><p>there</p>", base_url="https://example.org/")
    piece, next_index = window(text, start_index=0, max_length=5000)

Conversion drops scripts, styles, navigation and forms, resolves relative links
against the page URL, and keeps headings, lists, tables, links and code.
"""

from __future__ import annotations

from html_to_markdown import ConversionOptions, PreprocessingOptions, convert
from pygent.core.errors import UpstreamError

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
TEXT_TYPES = frozenset({"application/json", "application/xml", "application/javascript", "application/x-ndjson"})


def is_text(content_type: str) -> bool:
    return content_type.startswith("text/") or content_type in TEXT_TYPES or content_type.endswith(("+json", "+xml"))


def html_to_markdown(html: str, base_url: str) -> tuple[str, str | None]:
    """The page as Markdown, and its title when it has one.

    Raises:
        UpstreamError: the converter could not make sense of the page.
    """
    options = ConversionOptions(preprocessing=PreprocessingOptions(), base_url=base_url, extract_metadata=True)
    try:
        result = convert(html, options)
    except Exception as exc:  # the converter's own error tree; any failure means "unreadable page"
        raise UpstreamError(f"could not convert the page to Markdown ({type(exc).__name__})") from None
    text = result.content or ""
    if text.startswith("---\n"):
        end = text.find("\n---\n", 4)
        if end != -1:
            text = text[end + 5 :].lstrip("\n")
    title = result.metadata.document.title if result.metadata and result.metadata.document else None
    return text, title


def window(text: str, start_index: int, max_length: int) -> tuple[str, int | None]:
    """`text[start_index:start_index + max_length]` and where the next piece starts (None at the end)."""
    piece = text[start_index : start_index + max_length]
    end = start_index + len(piece)
    return piece, end if end < len(text) else None
