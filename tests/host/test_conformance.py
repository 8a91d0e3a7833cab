"""The official MCP conformance suite (@modelcontextprotocol/conformance, server mode) against the gateway.

The suite is a 2025-11-25 client (the TypeScript SDK). Its scenarios call a
fixture server's tools, resources and prompts by fixed names; our fixture
(tests/fixtures/conformance_server.py) runs as a stdio child registered in the
mesh like any other server, which connects to it in the 2026-07-28 era. So
every scenario crosses the eras: sampling and elicitation are the backend's
`InputRequiredResult`s, answered by asking the suite's client over its session.

- `/servers/conformance/mcp` (the pass-through) runs the whole suite, pending
  scenarios included, and no check may fail. One pending scenario cannot show
  its point through any pass-through of a stdio server: `server-sse-polling`
  wants `test_reconnection` to close the HTTP response stream mid-call
  (SEP-1699), but a stdio backend has no stream to close and MCP has no
  message by which a server asks its client to close the client's own front
  stream. The call therefore answers on the original stream, which the suite
  reports as INFO. (Its priming-event and retry-field checks are WARNINGs for
  any SDK server: that scenario's raw POST declares protocol 2025-03-26, and
  the transport sends priming events only to 2025-11-25 clients, exactly as the
  fixture served alone does.)
- `/mcp` (the aggregate, names namespaced as `conformance_<tool>`) runs the
  scenarios that name nothing of the fixture: `FIXTURE_FREE`. Every other
  scenario calls `test_*` tools, reads `test://...` URIs, gets `test_*` prompts
  or completes `test_prompt_with_arguments`, names that only exist un-namespaced.
  (Two of them would pass there by accident: an unknown-tool error is a text
  result with isError, which is all `tools-call-simple-text` and
  `tools-call-error` check.)
- The fixture alone, over streamable HTTP, passes the whole suite in the
  handshake era, so it is right in both eras and a pass-through failure is
  the gateway's.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import anyio
import httpx2
import pytest

from tests.fixtures.host import FIXTURES, free_port, running_host, toy_entry
from tests.fixtures.node import node22, package_path

pytestmark = [pytest.mark.anyio, pytest.mark.node]

FIXTURE = str(FIXTURES / "conformance_server.py")
FIXTURE_FREE = (
    "server-initialize",
    "logging-set-level",
    "ping",
    "tools-list",
    "resources-list",
    "prompts-list",
    "server-sse-multiple-streams",
    "dns-rebinding-protection",
)
# The results folder of one scenario: server-<scenario>-<ISO timestamp with dashes>.
_RESULT_DIR = re.compile(r"^server-(?P<scenario>.+)-\d{4}-\d{2}-\d{2}T[\d-]+Z$")


def conformance_entry() -> dict[str, Any]:
    return {"command": sys.executable, "args": [FIXTURE]}


@dataclass
class SuiteRun:
    """One run of the suite: its exit code, output, and the checks of each scenario."""

    returncode: int
    output: str
    checks: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def failures(self) -> list[str]:
        return [
            f"{scenario} / {check['id']}: {check.get('errorMessage') or check.get('description')}"
            for scenario, checks in sorted(self.checks.items())
            for check in checks
            if check["status"] == "FAILURE"
        ]

    def assert_passed(self, scenarios: set[str]) -> None:
        assert not self.failures(), "conformance checks failed:\n" + "\n".join(self.failures())
        assert set(self.checks) == scenarios, f"scenarios run: {sorted(self.checks)}, expected {sorted(scenarios)}"
        assert all(self.checks.values()), f"a scenario produced no checks: {self.checks}"
        assert self.returncode == 0, f"suite exited {self.returncode}:\n{self.output[-3000:]}"


def _suite(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    script = package_path("@modelcontextprotocol/conformance", "dist", "index.js")
    return subprocess.run(
        [node22(), str(script), *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=90,
        check=False,
        env=dict(os.environ),
    )


def server_scenarios(cwd: Path) -> set[str]:
    """Every server scenario the installed suite knows (`list`), pending ones included."""
    listing = _suite("list", cwd=cwd).stdout
    section = listing.split("Server scenarios", 1)[1].split("Client scenarios", 1)[0]
    return set(re.findall(r"^\s+- (\S+)", section, flags=re.MULTILINE))


def _run_and_collect(url: str, out: Path, args: tuple[str, ...]) -> SuiteRun:
    out.mkdir(parents=True)
    done = _suite("server", "--url", url, "-o", str(out), *args, cwd=out)
    run = SuiteRun(done.returncode, done.stdout + done.stderr)
    for checks_file in sorted(out.glob("server-*/checks.json")):
        match = _RESULT_DIR.match(checks_file.parent.name)
        assert match, f"unexpected results folder {checks_file.parent.name}"
        run.checks[match["scenario"]] = json.loads(checks_file.read_text(encoding="utf-8"))
    return run


async def run_suite(url: str, out: Path, *args: str) -> SuiteRun:
    """Run the suite against `url` (results under `out`) and read every scenario's checks.json."""
    return await anyio.to_thread.run_sync(_run_and_collect, url, out, args)


async def test_the_pass_through_of_the_fixture_passes_every_scenario(tmp_path: Path) -> None:
    expected = await anyio.to_thread.run_sync(lambda: server_scenarios(tmp_path))
    assert set(FIXTURE_FREE) < expected and "tools-call-sampling" in expected
    async with running_host(tmp_path, {"conformance": conformance_entry()}) as host:
        backend = host.runtime.mesh.backends["conformance"]
        assert backend.status.value == "ready", backend.last_error
        assert backend.protocol_version == "2026-07-28"
        run = await run_suite(host.url + "/servers/conformance/mcp", tmp_path / "results", "--suite", "all")
    run.assert_passed(expected)
    polling = {check["id"]: check["status"] for check in run.checks["server-sse-polling"]}
    assert polling["server-sse-disconnect-resume"] == "INFO"  # answered on the original stream, see above


async def test_the_aggregate_passes_every_fixture_free_scenario(tmp_path: Path) -> None:
    servers = {"conformance": conformance_entry(), "toy": toy_entry()}
    async with running_host(tmp_path, servers) as host:
        assert all(b.status.value == "ready" for b in host.runtime.mesh.backends.values())
        runs: dict[str, SuiteRun] = {}
        limiter = anyio.CapacityLimiter(4)

        async def scenario(name: str) -> None:
            async with limiter:
                runs[name] = await run_suite(host.url + "/mcp", tmp_path / "results" / name, "--scenario", name)

        async with anyio.create_task_group() as group:
            for name in FIXTURE_FREE:
                group.start_soon(scenario, name)
    for name in FIXTURE_FREE:
        runs[name].assert_passed({name})
    listed = runs["tools-list"].checks["tools-list"][0]["details"]["tools"]
    assert "conformance_test_sampling" in listed and "toy_echo" in listed


@asynccontextmanager
async def fixture_over_http() -> AsyncIterator[str]:
    port = free_port()
    url = f"http://127.0.0.1:{port}/mcp"
    async with await anyio.open_process([sys.executable, FIXTURE, "--http", str(port)]) as process:
        try:
            with anyio.fail_after(30):
                while True:
                    try:
                        async with httpx2.AsyncClient() as http:
                            await http.get(url)
                        break
                    except httpx2.HTTPError:
                        await anyio.sleep(0.1)
            yield url
        finally:
            process.terminate()


async def test_the_fixture_alone_passes_every_scenario_in_the_handshake_era(tmp_path: Path) -> None:
    expected = await anyio.to_thread.run_sync(lambda: server_scenarios(tmp_path))
    async with fixture_over_http() as url:
        run = await run_suite(url, tmp_path / "results", "--suite", "all")
    run.assert_passed(expected)
