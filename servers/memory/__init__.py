"""The memory server: semantic long-term memory and a knowledge graph on LanceDB.

Memories are short texts in a scope (an agent, a user or a conversation),
recalled by meaning and keywords. The knowledge graph speaks the tool names and
semantics of the reference `@modelcontextprotocol/server-memory`, with scopes,
semantic search and safe concurrent writers added. Run it alone with
`python -m pygent.servers.memory`.
"""
