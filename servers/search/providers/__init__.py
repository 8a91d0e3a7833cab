"""Search providers: each turns one service's real API into our result models.

Web: `searxng`, `brave`. Academic: `arxiv`, `semantic_scholar`. `base` holds the
shared request helper and the query types; `configured_*` build the providers
the settings enable.
"""
