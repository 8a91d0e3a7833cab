"""Sandboxed file tools under allowed roots, compatible with the reference server.

Tool names and arguments match `@modelcontextprotocol/server-filesystem`, so
prompts written for it work unchanged; `grep` and `delete_file` are added.
Nothing outside the allowed directories is ever read, listed, written, moved
or deleted: every path is resolved inside a root and opened one directory at a
time without following symlinks (`sandbox.py`).

    pygent server filesystem ~/projects /data     # roots from the command line
"""
