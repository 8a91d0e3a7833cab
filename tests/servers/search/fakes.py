"""Local stand-ins for the search services and a small web site, speaking the real formats.

    async with running_fakes() as fakes:
        fakes.searxng = [searxng_result("https://a.example/", "A")]
        settings = {"searxng_url": fakes.url + "/searxng", ...}

Routes (one server on 127.0.0.1):
- `/searxng/search`                SearXNG JSON API (`format=json`)
- `/brave/res/v1/web/search`       Brave Search API (checks `X-Subscription-Token`)
- `/arxiv/api/query`               arXiv Atom feed
- `/s2/graph/v1/paper/search`      Semantic Scholar Graph API
- `/site/...`                      a web site: HTML pages, redirects, robots.txt, a huge page
Every request is recorded in `fakes.requests`.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import escape

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response, StreamingResponse
from starlette.routing import Route

from tests.servers.github.fake_github import serve

BRAVE_KEY = "brave-test-key-0123456789"
ROBOTS = "User-agent: *\nDisallow: /site/private/\n"
PAGE = """<!doctype html><html><head><title>Retry Guide</title><style>body{color:red}</style></head>
<body><nav><a href="/">Home</a> | <a href="/about">About</a></nav>
<main><h1>Retries</h1><p>Use <strong>exponential backoff</strong>. See <a href="/site/details.html">details</a>.</p>
<ul><li>first</li><li>second</li></ul><script>alert("x")</script></main></body></html>"""


def searxng_result(url: str, title: str, content: str = "", engine: str = "duckduckgo") -> dict[str, Any]:
    return {
        "url": url,
        "title": title,
        "content": content,
        "engine": engine,
        "engines": [engine],
        "score": 1.0,
        "category": "general",
        "publishedDate": None,
        "positions": [1],
    }


def brave_result(url: str, title: str, description: str = "") -> dict[str, Any]:
    return {
        "type": "search_result",
        "title": title,
        "url": url,
        "description": description,
        "is_source_local": False,
        "is_source_both": False,
        "page_age": "2026-10-01T00:00:00",
        "language": "en",
        "profile": {"name": "Example", "url": url, "long_name": "example.org"},
    }


def arxiv_entry(
    arxiv_id: str,
    title: str,
    *,
    authors: list[str],
    published: str,
    doi: str | None = None,
    journal: str | None = None,
    summary: str = "An abstract.",
) -> str:
    extra = f"<arxiv:doi>{doi}</arxiv:doi>" if doi else ""
    extra += f"<arxiv:journal_ref>{escape(journal)}</arxiv:journal_ref>" if journal else ""
    names = "".join(f"<author><name>{escape(name)}</name></author>" for name in authors)
    return f"""<entry>
    <id>http://arxiv.org/abs/{arxiv_id}v2</id><updated>{published}</updated><published>{published}</published>
    <title>{escape(title)}</title><summary>  {escape(summary)}
    </summary>{names}{extra}
    <link href="http://arxiv.org/abs/{arxiv_id}v2" rel="alternate" type="text/html"/>
    <link title="pdf" href="http://arxiv.org/pdf/{arxiv_id}v2" rel="related" type="application/pdf"/>
    <arxiv:primary_category term="cs.LG" scheme="http://arxiv.org/schemas/atom"/>
    <category term="cs.LG" scheme="http://arxiv.org/schemas/atom"/></entry>"""


def arxiv_feed(entries: list[str]) -> str:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/"
      xmlns:arxiv="http://arxiv.org/schemas/atom">
  <title type="html">ArXiv Query</title><id>http://arxiv.org/api/x</id><updated>2026-11-25T00:00:00-05:00</updated>
  <opensearch:totalResults>{len(entries)}</opensearch:totalResults>
  <opensearch:startIndex>0</opensearch:startIndex><opensearch:itemsPerPage>{len(entries)}</opensearch:itemsPerPage>
  {"".join(entries)}
</feed>"""


def s2_paper(
    paper_id: str,
    title: str,
    *,
    year: int,
    doi: str | None = None,
    arxiv: str | None = None,
    venue: str = "",
    authors: list[str] | None = None,
) -> dict[str, Any]:
    ids = {"CorpusId": 1, **({"DOI": doi} if doi else {}), **({"ArXiv": arxiv} if arxiv else {})}
    return {
        "paperId": paper_id,
        "externalIds": ids,
        "url": f"https://www.semanticscholar.org/paper/{paper_id}",
        "title": title,
        "abstract": None,
        "venue": venue,
        "year": year,
        "authors": [{"authorId": str(n), "name": name} for n, name in enumerate(authors or [])],
        "openAccessPdf": {"url": "", "status": None},
    }


@dataclass
class Seen:
    path: str
    query: dict[str, str]
    headers: dict[str, str]


@dataclass
class Fakes:
    url: str = ""
    requests: list[Seen] = field(default_factory=list)
    searxng: list[dict[str, Any]] = field(default_factory=list)
    brave: list[dict[str, Any]] = field(default_factory=list)
    arxiv: list[str] = field(default_factory=list)
    s2: list[dict[str, Any]] = field(default_factory=list)
    status: dict[str, int] = field(default_factory=dict)
    robots: str = ROBOTS
    robots_status: int = 200

    def of(self, prefix: str) -> list[Seen]:
        return [seen for seen in self.requests if seen.path.startswith(prefix)]

    async def dispatch(self, request: Request) -> Response:
        path = request.url.path
        self.requests.append(Seen(path, dict(request.query_params), {k.lower(): v for k, v in request.headers.items()}))
        for prefix, status in self.status.items():
            if path.startswith(prefix):
                return JSONResponse({"message": "failure injected by the test"}, status)
        if path == "/searxng/search":
            return JSONResponse(
                {
                    "query": request.query_params.get("q"),
                    "number_of_results": len(self.searxng),
                    "results": self.searxng,
                    "answers": [],
                    "corrections": [],
                    "infoboxes": [],
                    "suggestions": [],
                    "unresponsive_engines": [],
                }
            )
        if path == "/brave/res/v1/web/search":
            if request.headers.get("x-subscription-token") != BRAVE_KEY:
                return JSONResponse(
                    {"type": "ErrorResponse", "error": {"status": 401, "code": "SUBSCRIPTION_TOKEN_INVALID"}}, 401
                )
            return JSONResponse(
                {
                    "type": "search",
                    "query": {"original": request.query_params.get("q")},
                    "web": {
                        "type": "search",
                        "results": self.brave[: int(request.query_params.get("count", "20"))],
                        "family_friendly": True,
                    },
                }
            )
        if path == "/arxiv/api/query":
            shown = self.arxiv[: int(request.query_params.get("max_results", "10"))]
            return Response(arxiv_feed(shown), media_type="application/atom+xml; charset=utf-8")
        if path == "/s2/graph/v1/paper/search":
            papers = self.s2[: int(request.query_params.get("limit", "10"))]
            return JSONResponse({"total": len(self.s2), "offset": 0, "next": len(papers), "data": papers})
        return self.site(path)

    def site(self, path: str) -> Response:
        if path == "/robots.txt":
            return PlainTextResponse(self.robots, self.robots_status)
        pages = {
            "/site/page.html": PAGE,
            "/site/private/secret.html": "<p>secret</p>",
            "/site/long.html": "<html><body>"
            + "".join(f"<p>Paragraph {n} of the long page.</p>" for n in range(400))
            + "</body></html>",
        }
        if path in pages:
            return Response(pages[path], media_type="text/html; charset=utf-8")
        if path == "/site/redirect":
            return RedirectResponse("/site/page.html", 302)
        if path.startswith("/site/hop/"):
            left = int(path.rsplit("/", 1)[1])
            return RedirectResponse(f"/site/hop/{left - 1}" if left else "/site/page.html", 302)
        if path == "/site/to-metadata":
            return RedirectResponse("http://169.254.169.254/latest/meta-data/iam/security-credentials/", 302)
        if path == "/site/to-private":
            return RedirectResponse("http://10.0.0.7:8080/admin", 301)
        if path == "/site/data.json":
            return Response(json.dumps({"ok": True}), media_type="application/json")
        if path == "/site/image.png":
            return Response(b"\x89PNG\r\n\x1a\n" + bytes(100), media_type="image/png")
        if path == "/site/huge.html":
            chunk = ("<p>" + "lorem ipsum " * 80 + "</p>\n").encode()

            async def body() -> AsyncIterator[bytes]:
                for _ in range(100_000):  # ~100 MB offered; the fetcher must stop early
                    yield chunk

            return StreamingResponse(body(), media_type="text/html")
        return PlainTextResponse("Not Found", 404)


@asynccontextmanager
async def running_fakes() -> AsyncIterator[Fakes]:
    fakes = Fakes()
    app = Starlette(routes=[Route("/{path:path}", fakes.dispatch)])
    async with serve(app) as url:
        fakes.url = url
        yield fakes
