"""Tree-of-thought MCP server: BFS, DFS and beam search over thoughts, scored by a model or exactly.

`server.build_server` assembles it; `search` is the engine, `thinkers` generate and
evaluate thoughts, `tasks` are the problem plugins, `runs` and `store` keep runs.
"""
