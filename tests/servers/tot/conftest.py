"""Fixtures for the tot server: a server on this test's own PYGENT_HOME, and a scripted model.

`Scripted` answers the generic task's prompts from a table of values: the
model proposes `width` steps named after their parent (`a`, `b`, ... then
`a1`, `a2`, ...; at the last step `Final answer: <name>`), and judges a state
by the label its last step's name has in `labels` (default: impossible).
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from fastmcp import Client, FastMCP
from pygent.core.settings import Settings
from pygent.servers.tot.server import build_server
from pygent.servers.tot.settings import TotSettings

from tests.fixtures.fake_llm import FakeReply, RecordedRequest

NAMES = "abcdefghij"


def make_server(**settings: Any) -> FastMCP[Any]:
    """A tot server reading PYGENT_* (and so PYGENT_HOME) as it would in production."""
    return build_server(TotSettings.load(settings), Settings.load())


@pytest.fixture
async def client(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Client[Any]]:
    """A client of a server without any model (PYGENT_LLM=none)."""
    monkeypatch.setenv("PYGENT_LLM", "none")
    async with Client(make_server()) as connected:
        yield connected


def last_step(prompt: str) -> str:
    steps = re.findall(r"^\d+\. (.*)$", prompt, re.MULTILINE)
    return steps[-1] if steps else ""


class Scripted:
    """The generic task's model: proposes named steps, judges them from `labels`."""

    def __init__(self, labels: dict[str, str], width: int = 3, depth: int = 3, tokens: int | None = None) -> None:
        self.labels = labels
        self.width = width
        self.depth = depth
        self.tokens = tokens
        self.proposals: list[str] = []
        self.judged: list[str] = []

    def reply(self, prompt: str) -> str:
        if "Propose" in prompt:
            parent = last_step(prompt).removeprefix("Final answer: ")
            done = len(re.findall(r"^\d+\. ", prompt, re.MULTILINE))
            names = [f"{parent}{NAMES[i] if not parent else i + 1}" for i in range(self.width)]
            self.proposals.append(parent)
            if done + 1 >= self.depth:
                return "\n".join(f"Final answer: {name}" for name in names)
            return "\n".join(names)
        if "Can these steps lead" in prompt:
            name = last_step(prompt).removeprefix("Final answer: ")
            self.judged.append(name)
            return f"Thinking about {name}.\n{self.labels.get(name, 'impossible')}"
        raise AssertionError(f"unexpected prompt: {prompt[:200]}")

    def __call__(self, request: RecordedRequest) -> FakeReply:
        return FakeReply(self.reply(request.last_user), completion_tokens=self.tokens)


def sampler_for(scripted: Scripted) -> Callable[..., Any]:
    """The same model, as an MCP client's sampling handler."""

    async def sample(messages: list[Any], params: Any, rc: Any) -> str:
        return scripted.reply(messages[-1].content.text)

    return sample
