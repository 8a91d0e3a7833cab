"""arXiv's query API (Atom XML).

The query becomes `all:` terms joined with AND; a year range becomes a
`submittedDate:[... TO ...]` clause. The Atom feed is parsed with the standard
library (expat >= 2.4 refuses entity expansion bombs; ElementTree never fetches
external entities).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from xml.etree import ElementTree

import httpx2
from pygent.core.errors import UpstreamError
from pygent.servers.search.models import Paper
from pygent.servers.search.providers.base import AcademicQuery, request

ATOM = "{http://www.w3.org/2005/Atom}"
ARXIV = "{http://arxiv.org/schemas/atom}"
_WORD = re.compile(r"[\w-]+")
_VERSION = re.compile(r"v\d+$")


def search_query(query: AcademicQuery) -> str:
    terms = " AND ".join(f"all:{word}" for word in _WORD.findall(query.query)) or "all:*"
    if query.year_from or query.year_to:
        start = f"{query.year_from or 1991}01010000"
        end = f"{query.year_to or 9999}12312359"
        terms = f"{terms} AND submittedDate:[{start} TO {end}]"
    return terms


def _text(entry: ElementTree.Element, tag: str) -> str | None:
    found = entry.find(tag)
    return " ".join(found.text.split()) if found is not None and found.text else None


def parse(feed: str, name: str) -> list[Paper]:
    try:
        root = ElementTree.fromstring(feed)
    except ElementTree.ParseError:
        raise UpstreamError("arXiv answered with a feed that is not valid XML") from None
    papers = []
    for entry in root.iter(f"{ATOM}entry"):
        abs_url = _text(entry, f"{ATOM}id") or ""
        arxiv_id = _VERSION.sub("", abs_url.rsplit("/abs/", 1)[-1]) if "/abs/" in abs_url else None
        published = _text(entry, f"{ATOM}published")
        pdf = next((link.get("href") for link in entry.iter(f"{ATOM}link") if link.get("title") == "pdf"), None)
        papers.append(
            Paper(
                title=_text(entry, f"{ATOM}title"),
                authors=[name.text.strip() for name in entry.iter(f"{ATOM}name") if name.text],
                year=int(published[:4]) if published and published[:4].isdigit() else None,
                venue=_text(entry, f"{ARXIV}journal_ref") or "arXiv",
                abstract=_text(entry, f"{ATOM}summary"),
                doi=_text(entry, f"{ARXIV}doi"),
                arxiv_id=arxiv_id,
                url=abs_url or None,
                pdf_url=pdf,
                sources=[name],
            )
        )
    return papers


@dataclass(frozen=True)
class ArXiv:
    url: str
    name: str = "arxiv"

    async def search(self, http: httpx2.AsyncClient, query: AcademicQuery) -> list[Paper]:
        params = {"search_query": search_query(query), "start": 0, "max_results": query.count, "sortBy": "relevance"}
        response = await request(http, "arXiv", self.url, params=params)
        return parse(response.text, self.name)[: query.count]
