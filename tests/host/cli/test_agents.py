"""`pygent create-agent | list-agents | chat | agents ...`: embedded when no host answers, else through the host."""

from __future__ import annotations

import json
from pathlib import Path

import anyio.to_thread
import pytest

from tests.fixtures.cli import one_line, pygent
from tests.fixtures.host import free_port, running_host, write_config
from tests.host.agents.conftest import capability

pytestmark = pytest.mark.anyio

OFFLINE = "No language model is connected"


def test_without_a_host_the_commands_run_an_embedded_mesh(tmp_path: Path, clean_environ: Path) -> None:
    write_config(tmp_path, {"factory": capability("factory"), "filesystem": capability("filesystem")})
    env = {"PYGENT_PORT": str(free_port()), "PYGENT_LLM": "none"}
    workspace = clean_environ / "workspace"
    workspace.mkdir(parents=True)
    (workspace / "notes.md").write_text("# notes\n")

    made = pygent(
        "create-agent", "--type", "coding", "--name", "coder", "--servers", "filesystem", cwd=tmp_path, env=env
    )
    assert made.returncode == 0, made.stderr
    assert made.stdout.startswith("created coder (coding, version 1; tools of filesystem)")

    talked = pygent("chat", "--agent", "coder", "--message", "list the files in .", cwd=tmp_path, env=env)
    assert talked.returncode == 0, talked.stderr
    assert "notes.md" in talked.stdout and OFFLINE in talked.stdout
    assert "offline — no language model connected" in talked.stderr
    assert "→ filesystem_list_directory" in talked.stderr  # the tool call is shown, apart from the answer

    unknown = pygent("chat", "--agent", "nobody", "-m", "hi", cwd=tmp_path, env=env)
    assert unknown.returncode == 1 and one_line(unknown.stderr) == "pygent: unknown agent 'nobody'"
    assert unknown.stdout == ""


async def test_with_a_host_the_commands_manage_and_talk_to_its_agents(tmp_path: Path, clean_environ: Path) -> None:
    servers = {"factory": capability("factory"), "filesystem": capability("filesystem")}
    async with running_host(tmp_path, servers, settle=60, llm="none") as host:
        (host.settings.data.workspace / "a.txt").write_text("x")
        remote = ("--host-url", host.url)

        async def run(*args: str) -> tuple[int, str, str]:
            # In a thread: the host answering the command runs on this event loop.
            done = await anyio.to_thread.run_sync(lambda: pygent(*args, *remote, cwd=tmp_path))
            return done.returncode, done.stdout, done.stderr

        code, out, err = await run("create-agent", "--type", "general", "--name", "helper", "--servers", "filesystem")
        assert code == 0 and "created helper (general, version 1" in out, err
        assert [agent["name"] for agent in await host.runtime.agents.directory.listing()] == ["helper"]

        code, out, err = await run("create-agent", "--type", "general", "--name", "helper")
        assert code == 1 and one_line(err).startswith("pygent: agent 'helper' already exists"), err

        code, out, _ = await run("list-agents", "--json")
        assert [(row["name"], row["type"], row["version"]) for row in json.loads(out)] == [("helper", "general", 1)]

        code, out, _ = await run("agents", "show", "helper", "--json")
        shown = json.loads(out)
        assert shown["view"]["servers"] == ["filesystem"] and shown["systemPrompt"]

        code, out, err = await run("chat", "--agent", "helper", "-m", "list the files in .")
        assert code == 0 and "a.txt" in out and OFFLINE in out, err

        code, out, err = await run("chat", "--agent", "helper", "-m", "   ")
        assert code == 1 and one_line(err) == "pygent: --message is empty"

        code, out, _ = await run("agents", "delete", "helper")
        assert code == 0 and out.strip() == "deleted helper"
        code, out, _ = await run("list-agents")
        assert out.startswith("no agents yet")

        code, _, err = await run("agents", "show", "helper")
        assert code == 1 and one_line(err) == "pygent: unknown agent 'helper'"


def test_templates_lists_the_five_types_with_their_servers(tmp_path: Path, clean_environ: Path) -> None:
    done = pygent("agents", "templates", "--json", cwd=tmp_path, env={"PYGENT_PORT": str(free_port())})
    assert done.returncode == 0, done.stderr
    templates = {spec["type"]: spec for spec in json.loads(done.stdout)}
    assert set(templates) == {"reasoning", "research", "coding", "search", "general"}
    assert templates["reasoning"]["view"]["servers"] == ["tot", "memory"]
    assert templates["coding"]["view"]["servers"] == ["filesystem", "github", "database"]
