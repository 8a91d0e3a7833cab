"""The factory MCP server: agent specs, persisted and versioned (see README.md)."""
