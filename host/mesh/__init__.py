"""The supervised mesh: one long-lived MCP client session per registered server."""
