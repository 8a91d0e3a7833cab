"""Fixtures: the fake search services and web site, and in-memory clients of our server."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from fastmcp import Client
from pygent.servers.search.server import create_server
from pygent.servers.search.settings import SearchSettings

from tests.servers.search.fakes import Fakes, running_fakes

Connect = Callable[..., AbstractAsyncContextManager[Client[Any]]]
LOOPBACK = ["127.0.0.1/32"]


@pytest.fixture
async def fakes() -> AsyncIterator[Fakes]:
    async with running_fakes() as running:
        yield running


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    folder.mkdir()
    return folder


@pytest.fixture
def connect(docs: Path) -> Connect:
    """`async with connect(searxng_url=...) as client:`; fetch may reach 127.0.0.1 unless overridden."""

    @asynccontextmanager
    async def open_client(*, resolver: Any = None, **overrides: Any) -> AsyncIterator[Client[Any]]:
        values: dict[str, Any] = {"roots": [docs], "fetch_allow_networks": LOOPBACK}
        values.update(overrides)
        extra = {"resolver": resolver} if resolver else {}
        async with Client(create_server(SearchSettings.load(values), **extra)) as client:
            yield client

    return open_client
