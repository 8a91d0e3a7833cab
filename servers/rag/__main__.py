"""`python -m pygent.servers.rag`: run the RAG server (stdio by default)."""

from __future__ import annotations

from pygent.core.server_kit import serve_standalone
from pygent.servers.rag.server import build

if __name__ == "__main__":
    serve_standalone("rag", build)
