"""`pygent views list|show|create|delete`: on the state database without a host, through the host's REST with one."""

from __future__ import annotations

import json
from pathlib import Path

import anyio.to_thread
import pytest

from tests.fixtures.cli import one_line, pygent
from tests.fixtures.host import free_port, running_host, toy_entry

pytestmark = pytest.mark.anyio


def test_without_a_host_views_are_saved_listed_and_deleted_in_the_state_database(
    tmp_path: Path, clean_environ: Path
) -> None:
    config = tmp_path / "mcp.json"
    servers = {"toy": toy_entry()}
    config.write_text(json.dumps({"mcpServers": servers, "views": {"fixed": {"servers": ["toy"]}}}), encoding="utf-8")
    env = {"PYGENT_PORT": str(free_port())}

    made = pygent(
        "views", "create", "echoes", "--include", "*_echo", "--description", "just echo", cwd=tmp_path, env=env
    )
    assert made.returncode == 0, made.stderr
    assert made.stdout == "created view echoes: /views/echoes/mcp\n"

    listed = pygent("views", "list", "--json", cwd=tmp_path, env=env)
    assert [(v["name"], v["source"]) for v in json.loads(listed.stdout)] == [("echoes", "saved"), ("fixed", "mcp.json")]
    shown = pygent("views", "show", "echoes", cwd=tmp_path, env=env)
    assert "echoes (saved): just echo" in shown.stdout and "include   *_echo" in shown.stdout

    for args, message in [
        (("create", "echoes"), "pygent: a view named 'echoes' already exists"),
        (("create", "Bad"), "pygent: invalid view: invalid field 'name': "),
        (("delete", "fixed"), "pygent: view 'fixed' is defined in mcp.json: remove it there"),
        (("show", "ghost"), "pygent: unknown view 'ghost'"),
    ]:
        failed = pygent("views", *args, cwd=tmp_path, env=env)
        assert failed.returncode == 1 and one_line(failed.stderr).startswith(message), (args, failed.stderr)

    assert pygent("views", "delete", "echoes", cwd=tmp_path, env=env).stdout == "deleted view echoes\n"
    listed = pygent("views", "list", "--json", cwd=tmp_path, env=env)
    assert [v["name"] for v in json.loads(listed.stdout)] == ["fixed"]


async def test_with_a_host_views_are_checked_against_its_live_mesh(tmp_path: Path) -> None:
    async with running_host(tmp_path, {"toy": toy_entry()}) as host:

        async def run(*args: str) -> tuple[int, str, str]:
            # In a thread: the host answering the command runs on this event loop.
            done = await anyio.to_thread.run_sync(lambda: pygent("views", *args, "--host-url", host.url, cwd=tmp_path))
            return done.returncode, done.stdout, done.stderr

        code, out, err = await run("create", "echoes", "--include", "toy_echo,toy_add")
        assert code == 0 and out == "created view echoes, 2 tools: /views/echoes/mcp\n", err
        code, out, err = await run("create", "typo", "--include", "toy_ech")
        assert code == 1 and one_line(err) == "pygent: unknown tool 'toy_ech' in view.include: did you mean 'toy_echo'?"
        code, out, err = await run("show", "echoes")
        assert code == 0 and "  - toy_echo: " in out and "  - toy_add: " in out
        code, out, err = await run("list")
        assert code == 0 and out.split()[:4] == ["echoes", "saved", "2", "tools"]
        assert [view.name for view in await host.runtime.views.list()] == ["echoes"]


def test_a_bad_view_in_mcp_json_is_one_line_naming_it(tmp_path: Path, clean_environ: Path) -> None:
    config = tmp_path / "mcp.json"
    config.write_text(json.dumps({"mcpServers": {}, "views": {"ro": {"servers": ["x"], "shape": "round"}}}))
    failed = pygent("views", "list", cwd=tmp_path, env={"PYGENT_PORT": str(free_port())})
    assert failed.returncode == 2
    assert one_line(failed.stderr) == f"pygent: {config.absolute()}: view 'ro': unknown key 'shape'"
