"""`python -m pygent.servers.factory` / `pygent server factory`: run the factory server alone (stdio by default)."""

from __future__ import annotations

from pygent.core.server_kit import serve_standalone
from pygent.servers.factory.server import build

if __name__ == "__main__":
    serve_standalone("factory", build)
