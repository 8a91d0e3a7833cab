"""Shared test setup: a clean environment, a private PYGENT_HOME, anyio on asyncio.

Async test modules set `pytestmark = pytest.mark.anyio` (asyncio backend). Environment
variables that configure PyGent or reach remote services are removed, so a
developer's own settings never leak into a test.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

POSTGRES_URL = os.environ.get("PYGENT_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
LEAKY_VARIABLES = ("OLLAMA_HOST", "GITHUB_TOKEN", "OPENAI_API_KEY", "BRAVE_API_KEY")


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(autouse=True)
def clean_environ(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    for name in list(os.environ):
        if name.startswith("PYGENT_") and not name.startswith("PYGENT_TEST_"):
            monkeypatch.delenv(name)
    for name in LEAKY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    home = tmp_path / "pygent-home"
    monkeypatch.setenv("PYGENT_HOME", str(home))
    yield home


@pytest.fixture
def postgres_url() -> str:
    return POSTGRES_URL


@pytest.fixture
def closed_port() -> int:
    """A 127.0.0.1 port that refuses connections (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
