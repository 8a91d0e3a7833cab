"""The host process: one supervised mesh of MCP servers behind several faces.

`mesh` keeps one long-lived client session per server, `gateway` serves them
as one aggregated MCP server, `api` is the REST face, `security` guards every
HTTP face, `app` assembles the ASGI application and `cli` is `pygent`.
"""
