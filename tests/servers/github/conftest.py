"""Fixtures: a running fake GitHub API and an in-memory MCP client of our server pointed at it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

import pytest
from fastmcp import Client
from pygent.servers.github.server import create_server
from pygent.servers.github.settings import GitHubSettings

from tests.servers.github.fake_github import FakeGitHub, running_fake_github

TOKEN = "ghp_s3cr3tT0kenValue1234567890abcdefABCD"

Connect = Callable[..., AbstractAsyncContextManager[Client[Any]]]


@pytest.fixture
async def fake() -> AsyncIterator[FakeGitHub]:
    async with running_fake_github() as running:
        yield running


@pytest.fixture
def connect(fake: FakeGitHub) -> Connect:
    """`async with connect(write=True) as client:` a client of a server using the fake API."""

    @asynccontextmanager
    async def open_client(**overrides: Any) -> AsyncIterator[Client[Any]]:
        values: dict[str, Any] = {
            "api_url": fake.api_url,
            "token": TOKEN,
            "retry_backoff": 0,
            "toolsets": ["context", "repos", "issues", "pull_requests"],
        }
        values.update(overrides)
        async with Client(create_server(GitHubSettings.load(values))) as client:
            yield client

    return open_client
