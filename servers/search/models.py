"""Structured results of the search tools (each gives its tool an output schema)."""

from __future__ import annotations

from pydantic import BaseModel, Field


class ProviderFailure(BaseModel):
    provider: str
    message: str


class WebResult(BaseModel):
    title: str
    url: str
    snippet: str = ""
    published: str | None = None
    sources: list[str] = Field(description="providers that returned this result")


class WebSearchResult(BaseModel):
    query: str
    results: list[WebResult]
    failures: list[ProviderFailure] = Field(default_factory=list, description="providers that failed this time")
    cached: bool = False


class Paper(BaseModel):
    """One publication; fields not asked for (or not known) are null."""

    title: str | None = None
    authors: list[str] | None = None
    year: int | None = None
    venue: str | None = None
    abstract: str | None = None
    doi: str | None = None
    arxiv_id: str | None = None
    semantic_scholar_id: str | None = None
    url: str | None = None
    pdf_url: str | None = None
    sources: list[str] | None = None


class AcademicSearchResult(BaseModel):
    query: str
    papers: list[Paper]
    failures: list[ProviderFailure] = Field(default_factory=list)
    cached: bool = False


class FetchResult(BaseModel):
    url: str = Field(description="final URL after redirects")
    status: int
    content_type: str
    title: str | None = None
    content: str = Field(description="this slice of the page: Markdown, or raw text")
    start_index: int
    next_start_index: int | None = Field(default=None, description="call again with this start_index for more")
    total_length: int
    truncated_download: bool = Field(default=False, description="the page was larger than the download cap")


class LocalHit(BaseModel):
    path: str
    score: float
    snippet: str
    line: int | None = Field(default=None, description="first line that matches a query word")


class LocalSearchResult(BaseModel):
    query: str
    hits: list[LocalHit]
    indexed_files: int
    roots: list[str]


class IndexStatus(BaseModel):
    roots: list[str]
    indexed_files: int
    skipped_files: int
    last_refresh: str | None
