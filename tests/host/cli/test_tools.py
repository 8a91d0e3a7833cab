"""`pygent tools ...`: JSON listings, and a reader that closes the pipe early ends it quietly."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from tests.fixtures.cli import PYGENT, pygent
from tests.fixtures.host import free_port, toy_entry, write_config


def test_tools_list_json_has_the_schemas_without_a_host(tmp_path: Path) -> None:
    write_config(tmp_path, {"toy": toy_entry()})
    done = pygent("tools", "list", "--json", cwd=tmp_path, env={"PYGENT_PORT": str(free_port())})
    assert done.returncode == 0, done.stderr
    tools = {tool["name"]: tool for tool in json.loads(done.stdout)}
    assert tools["toy_add"]["server"] == "toy" and tools["toy_add"]["tool"] == "add"
    assert set(tools["toy_add"]["inputSchema"]["properties"]) == {"a", "b"}


def test_a_closed_pipe_ends_the_command_quietly(tmp_path: Path) -> None:
    write_config(tmp_path, {"toy": toy_entry()})
    process = subprocess.Popen(
        [*PYGENT, "tools", "call", "toy_echo", "--args", json.dumps({"text": "line\n" * 1000})],
        cwd=tmp_path,
        env={**os.environ, "PYGENT_PORT": str(free_port())},
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # the reader is gone before the result is written, as after `| head -1`
    stderr = process.stderr.read().decode()
    assert process.wait(timeout=60) == 141
    assert "Traceback" not in stderr and "BrokenPipe" not in stderr and "Exception" not in stderr, stderr
