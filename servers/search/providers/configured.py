"""The providers a `SearchSettings` enables, in a stable order."""

from __future__ import annotations

from pygent.servers.search.providers.arxiv import ArXiv
from pygent.servers.search.providers.base import AcademicProvider, WebProvider
from pygent.servers.search.providers.brave import Brave
from pygent.servers.search.providers.searxng import SearXNG
from pygent.servers.search.providers.semantic_scholar import SemanticScholar
from pygent.servers.search.settings import SearchSettings

NO_WEB_PROVIDER = (
    "no search provider configured: set PYGENT_SEARCH_SEARXNG_URL (a SearXNG instance) or BRAVE_API_KEY "
    "(Brave Search API); local_search works without one"
)
NO_ACADEMIC_PROVIDER = (
    "no academic search provider configured: set PYGENT_SEARCH_ACADEMIC=arxiv,semantic_scholar "
    "(optionally PYGENT_SEARCH_SEMANTIC_SCHOLAR_API_KEY)"
)


def web_providers(settings: SearchSettings) -> list[WebProvider]:
    providers: list[WebProvider] = []
    if settings.searxng_url:
        providers.append(SearXNG(settings.searxng_url))
    if (key := settings.secret("brave_api_key")) is not None:
        providers.append(Brave(settings.brave_url, key))
    return providers


def academic_providers(settings: SearchSettings) -> list[AcademicProvider]:
    providers: list[AcademicProvider] = []
    for name in dict.fromkeys(settings.academic):
        if name == "arxiv":
            providers.append(ArXiv(settings.arxiv_url))
        else:
            providers.append(
                SemanticScholar(settings.semantic_scholar_url, settings.secret("semantic_scholar_api_key"))
            )
    return providers
