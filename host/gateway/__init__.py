"""The aggregated MCP server: every server's tools, resources and prompts under one roof.

`views` decides what a front shows (all servers namespaced, or one server as is),
`handlers` forwards requests to the mesh, `front` and `pending` carry progress,
logs, sampling, elicitation and roots between the eras, and `server` builds the
MCP server and its HTTP, SSE and stdio faces.
"""
