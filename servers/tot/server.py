"""The tot MCP server: tree-of-thought search that really searches.

    server = build_server(TotSettings.load(), Settings.load())

Tools: solve, expand, evaluate, get_run, list_runs, cancel, sequentialthinking.
Resources: tot://runs/{run_id} (a run and its tree, JSON), tot://tasks, tot://thinking.
Prompt: tree_of_thought (walks a client through the search with expand/evaluate).
"""

from __future__ import annotations

import os
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastmcp import FastMCP
from fastmcp.prompts import Message
from mcp.server.request_state import RequestStateSecurity
from pygent.core.server_kit import create_server
from pygent.core.settings import Settings
from pygent.servers.tot.models import TaskInfo, TaskList
from pygent.servers.tot.runs import RunManager
from pygent.servers.tot.search_tools import register_search_tools
from pygent.servers.tot.sequential import ThoughtLog
from pygent.servers.tot.settings import TotSettings
from pygent.servers.tot.store import RunStore
from pygent.servers.tot.tasks import TASKS
from pygent.servers.tot.thinking_tool import register_thinking_tool

INSTRUCTIONS = """Tree-of-thought reasoning. `solve` explores several lines of thought, scores them, backtracks
and returns the best answer with its confidence and the whole tree (tasks: 'generic' for any problem in
words, 'game24' with an exact checker). `expand` and `evaluate` do one step each, for clients that drive
the search themselves. `sequentialthinking` records a chain of thoughts like the reference server.
The model is the host's PYGENT_LLM (Ollama, an OpenAI-compatible endpoint, or your own model via sampling)."""


def _request_state_key(folder: Path) -> bytes:
    """A key kept with the runs, so a client's pending input round survives a server restart."""
    path = folder / "request_state.key"
    if not path.exists():
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(secrets.token_bytes(32))
    return path.read_bytes()


def build_server(settings: TotSettings, host: Settings) -> FastMCP[Any]:
    folder = settings.state_dir
    store = RunStore(folder / "runs")
    runs = RunManager(store, settings, host)
    thoughts = ThoughtLog(folder / "thinking")

    @asynccontextmanager
    async def lifespan(_: FastMCP[Any]) -> AsyncIterator[dict[str, Any]]:
        await store.mark_interrupted()
        yield {"runs": runs}

    security = RequestStateSecurity(keys=[_request_state_key(folder)], audience="pygent-tot")
    server: FastMCP[Any] = create_server(
        "tot", instructions=INSTRUCTIONS, lifespan=lifespan, request_state_security=security
    )
    register_search_tools(server, runs, settings, host)
    register_thinking_tool(server, thoughts)

    @server.resource("tot://runs/{run_id}", mime_type="application/json", annotations={"readOnlyHint": True})
    async def run_resource(run_id: str) -> str:
        """A run with its parameters, result and full tree."""
        record = await store.get(run_id)
        record.transcript = {}
        return record.model_dump_json()

    @server.resource("tot://tasks", mime_type="application/json", annotations={"readOnlyHint": True})
    def tasks_resource() -> str:
        """The task plugins this server knows."""
        infos = [
            TaskInfo(
                name=task.name,
                description=task.description,
                default_depth=task.default_depth,
                exact_checker=task.exact_checker,
                works_without_model=task.programmatic() is not None,
            )
            for task in TASKS.all()
        ]
        return TaskList(tasks=infos).model_dump_json()

    @server.resource("tot://thinking", mime_type="application/json", annotations={"readOnlyHint": True})
    def thinking_resource() -> dict[str, Any]:
        """The sequentialthinking history of this server process, with its branches."""
        return {"thoughts": thoughts.history, "branches": thoughts.branches}

    @server.prompt(description="Work through a problem with tree-of-thought search, step by step with expand/evaluate")
    def tree_of_thought(problem: str, task: str = "generic", breadth: int = 3, depth: int = 3) -> list[Message]:
        return [
            Message(
                f"Solve this problem with a tree-of-thought search: {problem}\n\n"
                f"1. Call `expand` (task={task!r}, steps=[]) to get candidate first steps.\n"
                f"2. Call `evaluate` with those candidates (each as its list of steps) and keep the {breadth} "
                "with the highest value; drop those judged impossible.\n"
                "3. For each kept state, `expand` again with its steps; evaluate the new candidates; keep the "
                f"best {breadth} of the level. Repeat up to {depth} steps deep.\n"
                "4. If a level leaves nothing promising, go back to the best state you dropped and try it.\n"
                "5. Answer with the best finished state, say how confident the evaluation is, and mention "
                "the runner-up.\n"
                f"Or let the server do all of it: `solve` with task={task!r}, breadth={breadth}, depth={depth}."
            ),
            Message("I'll start by expanding the initial state.", role="assistant"),
        ]

    return server
