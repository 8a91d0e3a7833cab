"""Search capability server: web and academic search providers, safe fetch, a local full-text index.

    python -m pygent.servers.search                          # offline: local_search only
    PYGENT_SEARCH_SEARXNG_URL=http://127.0.0.1:8888 python -m pygent.servers.search

Providers are enabled by configuring them; results of several providers are
merged and de-duplicated, and responses are cached under the server's state folder.
"""
