"""PyGent Factory's capability servers, one MCP server per folder.

Each `pygent.servers.<name>` runs alone with `python -m pygent.servers.<name>`
or `pygent server <name>` (stdio by default, `--transport http --port N` for
streamable HTTP). Servers never import each other or the host.
"""
