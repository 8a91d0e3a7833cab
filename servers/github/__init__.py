"""GitHub capability server: the GitHub REST API and local git repositories.

    python -m pygent.servers.github                  # stdio, read-only
    GITHUB_TOKEN=... PYGENT_GITHUB_WRITE=true python -m pygent.servers.github

Tools come in toolsets (context, repos, issues, pull_requests, git) and are
consolidated `*_read` / `*_write` tools with a `method` argument, so an agent's
context holds a handful of tool descriptions instead of a hundred.
"""
