"""The catalog of servers in the mesh: what exists, how to reach it, its state.

`models` defines `mcp.json` (Claude Desktop's `mcpServers` format plus our keys),
`loader` reads it, `store` persists runtime registrations and health, `formats`
converts to and from the Claude Desktop, Cursor and VS Code formats, and
`registry.Registry` merges them into one live view.
"""
