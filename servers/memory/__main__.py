"""`python -m pygent.servers.memory`: run the memory server (stdio by default)."""

from __future__ import annotations

from pygent.core.server_kit import serve_standalone
from pygent.servers.memory.server import build

if __name__ == "__main__":
    serve_standalone("memory", build)
