"""The Python SDK: `AgentFactory` against a running host and embedded, and the HTTP clients."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import anyio
import pygent
import pytest
from pygent import AgentFactory, AsyncPyGentClient, PyGentClient, Settings
from pygent.core.errors import ConflictError, NotFoundError

from tests.fixtures.host import running_host, write_config
from tests.host.agents.conftest import capability

pytestmark = pytest.mark.anyio

SERVERS = {"factory": capability("factory"), "filesystem": capability("filesystem")}
VIEW = {"view": {"servers": ["filesystem"]}}


def test_the_package_exports_exactly_its_public_names() -> None:
    assert sorted(pygent.__all__) == [
        "Agent",
        "AgentFactory",
        "AsyncPyGentClient",
        "ChatReply",
        "PyGentClient",
        "Settings",
    ]
    for name in pygent.__all__:
        assert getattr(pygent, name).__name__ == name
    with pytest.raises(AttributeError, match="has no attribute 'nope'"):
        pygent.nope  # noqa: B018


async def test_the_factory_uses_a_running_host_and_agents_keep_their_conversation(
    tmp_path: Path, clean_environ: Path
) -> None:
    async with running_host(tmp_path, SERVERS, settle=60, llm="none") as host:
        pids = {backend.pid for backend in host.runtime.mesh.backends.values()}
        assert pids <= set(processes_with_home(clean_environ))  # what the snippet's check would see
        (host.settings.data.workspace / "a.txt").write_text("x")
        factory = AgentFactory(host.settings, url=host.url)
        try:
            agent = await factory.create_agent("general", name="helper", **VIEW)
            assert factory.mode == "host" and agent.spec.view.servers == ["filesystem"]
            reply = await agent.chat("list the files in .")
            assert "a.txt" in reply and "No language model is connected" in reply
            first = agent.conversation_id
            kinds = [event.type async for event in agent.stream("list the files in .")]
            assert kinds[0] == "run.started" and kinds[-1] == "run.completed" and "tool.call.started" in kinds
            assert agent.conversation_id == first
            with pytest.raises(ConflictError, match="already exists"):
                await factory.create_agent("general", name="helper")
            assert [a["name"] for a in await factory.list_agents()] == ["helper"]
        finally:
            await factory.aclose()
        async with AsyncPyGentClient(host.url) as client:
            conversation = await client.conversations.get(first or "")
            assert len(conversation["turns"]) == 2
            with pytest.raises(NotFoundError, match="unknown agent 'ghost'"):
                await client.chat.create("ghost", "hi")

        def blocking() -> tuple[str, list[str]]:
            with PyGentClient(host.url) as client:
                return client.chat.create("helper", "list the files in .").output, [
                    a["name"] for a in client.agents.list()
                ]

        output, names = await anyio.to_thread.run_sync(blocking)
        assert "a.txt" in output and names == ["helper"]


async def test_without_a_host_the_factory_runs_an_embedded_mesh(tmp_path: Path) -> None:
    config = write_config(tmp_path, SERVERS)
    settings = Settings.load({"config": config, "port": 1, "llm": "none"})  # nothing answers on port 1
    async with AgentFactory(settings) as factory:
        agent = await factory.create_agent("general", name="local", **VIEW)
        assert factory.mode == "embedded"
        assert "No language model is connected" in await agent.chat("what files are in .")


def processes_with_home(home: Path) -> list[int]:
    """Processes whose environment names this PYGENT_HOME (the mesh's children inherit it)."""
    marker = f"PYGENT_HOME={home}".encode()
    found = []
    for environ in Path("/proc").glob("[0-9]*/environ"):
        try:
            if marker in environ.read_bytes().split(b"\0"):
                found.append(int(environ.parent.name))
        except OSError:
            continue
    return found


def test_the_issue_snippet_runs_as_a_script_and_leaves_no_process_behind(tmp_path: Path, clean_environ: Path) -> None:
    config = write_config(tmp_path, SERVERS)
    script = tmp_path / "snippet.py"
    script.write_text(
        textwrap.dedent(
            f"""
            import anyio, json, os
            from pygent import AgentFactory, Settings

            async def main():
                factory = AgentFactory(Settings.load({{"config": {str(config)!r}, "port": 1, "llm": "none"}}))
                view = {{"servers": ["filesystem"], "exclude": []}}
                agent = await factory.create_agent("reasoning", name="r1", view=view)
                reply = await agent.chat("list the files in .")
                events = [event.type async for event in agent.stream("list the files in .")]
                children = [b.pid for b in factory._backend.runtime.mesh.backends.values()]
                await factory.aclose()
                print(json.dumps({{"reply": reply, "events": events, "children": children}}))

            anyio.run(main)
            """
        ),
        encoding="utf-8",
    )
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=120, cwd=tmp_path, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert "No language model is connected" in result["reply"]
    assert len(result["children"]) == 2 and all(result["children"])  # the embedded mesh ran two servers
    assert result["events"][-1] == "run.completed"
    assert processes_with_home(clean_environ) == []
