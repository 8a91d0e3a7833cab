"""Merging results of several providers: de-duplicated by URL (web) or DOI/arXiv id (papers).

    merged = merge_web([searxng_hits, brave_hits], count=10)

Web lists are fused by reciprocal rank (a result two providers rank highly
comes first); a duplicate keeps its first title and snippet and lists every
provider in `sources`. Papers are matched by DOI, then arXiv id, then title,
and their fields are completed from each other.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from pygent.servers.search.models import Paper, WebResult

_RRF_K = 60
_TRACKING = re.compile(r"^(utm_\w+|fbclid|gclid|mc_cid|mc_eid|ref_src)$")


def url_key(url: str) -> str:
    """A URL reduced to what identifies the page: no scheme difference, `www.`, fragment, tracking."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower().removeprefix("www.")
    port = f":{parts.port}" if parts.port and parts.port not in (80, 443) else ""
    query = urlencode(
        sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _TRACKING.match(k))
    )
    path = parts.path.rstrip("/") or "/"
    return urlunsplit(("", host + port, path, query, ""))


def merge_web(lists: Sequence[Sequence[WebResult]], count: int) -> list[WebResult]:
    scores: dict[str, float] = {}
    merged: dict[str, WebResult] = {}
    for results in lists:
        for rank, result in enumerate(results):
            key = url_key(result.url)
            scores[key] = scores.get(key, 0.0) + 1.0 / (_RRF_K + rank + 1)
            if key in merged:
                kept = merged[key]
                kept.sources = sorted(set(kept.sources) | set(result.sources))
                kept.snippet = kept.snippet or result.snippet
                kept.published = kept.published or result.published
            else:
                merged[key] = result.model_copy(deep=True)
    order = sorted(merged, key=lambda key: -scores[key])
    return [merged[key] for key in order[:count]]


def _paper_keys(paper: Paper) -> list[str]:
    keys = []
    if paper.doi:
        keys.append("doi:" + paper.doi.lower())
    if paper.arxiv_id:
        keys.append("arxiv:" + paper.arxiv_id.lower())
    if paper.title:
        keys.append("title:" + re.sub(r"\W+", " ", paper.title.lower()).strip())
    return keys


def merge_papers(lists: Sequence[Sequence[Paper]], count: int) -> list[Paper]:
    """Interleave the providers' lists, folding duplicates into the first copy."""
    merged: list[Paper] = []
    index: dict[str, Paper] = {}
    longest = max((len(papers) for papers in lists), default=0)
    for rank in range(longest):
        for papers in lists:
            if rank >= len(papers):
                continue
            paper = papers[rank]
            kept = next((index[key] for key in _paper_keys(paper) if key in index), None)
            if kept is None:
                kept = paper.model_copy(deep=True)
                merged.append(kept)
            else:
                for field, value in paper:
                    if field == "sources":
                        kept.sources = sorted(set(kept.sources or []) | set(value or []))
                    elif getattr(kept, field) in (None, [], "arXiv") and value not in (None, []):
                        setattr(kept, field, value)
            for key in _paper_keys(kept):
                index.setdefault(key, kept)
    return merged[:count]
