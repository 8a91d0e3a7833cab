"""The catalog of servers in the mesh: what exists, how to reach it, its state.

`models` defines `mcp.json` (Claude Desktop's `mcpServers` format plus our keys),
`loader` reads it, `store` persists runtime registrations and health, and
`registry.Registry` merges them into one live view. Around them: `formats`
converts to and from the Claude Desktop, Cursor and VS Code formats (with
`variables` for the editors' `${…}`), `claude_desktop` installs into Claude
Desktop's own file, `secrets` masks credentials wherever an entry is shown,
and `installation` tells our own servers apart and finds our `pygent`.
"""
