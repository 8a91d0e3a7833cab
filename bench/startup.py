"""How fast each capability server answers its first tool listing, against a bare FastMCP server.

    python bench/startup.py [--attempts 3] [--json bench/results/startup.json]

Each server is spawned as a real process and spoken to in raw JSON-RPC
(initialize, initialized, tools/list). Its CPU time comes from /proc: the
work the server does before it can answer, which a busy machine does not
inflate the way it inflates wall time. The fastest of `--attempts` starts is
kept. The baseline is `bench/echo_server.py`, a three-tool FastMCP server
built with the same server kit, in the same run: the ratio is what our own
start-up work costs on top of FastMCP's. Target: every server under 2 s wall
on an idle machine.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import anyio
from anyio.abc import Process
from anyio.streams.text import TextReceiveStream

HERE = Path(__file__).parent
SERVERS = ["database", "factory", "filesystem", "github", "memory", "rag", "search", "tot"]


@dataclass(frozen=True)
class Start:
    wall: float
    cpu: float
    names: set[str]


def _cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def _answer(lines: Any, wanted: int) -> dict[str, Any]:
    async for line in lines:
        message = json.loads(line)
        if message.get("id") == wanted:
            return dict(message["result"])
    raise AssertionError("the server closed stdout before answering")


async def first_listing(args: list[str], env: dict[str, str]) -> Start:
    """Spawn `python ARGS` and time it to its first tool listing (wall and its own CPU seconds)."""
    start = time.perf_counter()
    process: Process = await anyio.open_process([sys.executable, *args], env=env, stderr=subprocess.DEVNULL)
    assert process.stdin is not None and process.stdout is not None
    buffer = ""

    async def lines() -> Any:
        nonlocal buffer
        async for chunk in TextReceiveStream(process.stdout):  # type: ignore[arg-type]
            buffer += chunk
            while "\n" in buffer:
                line, buffer = buffer.split("\n", 1)
                if line.strip():
                    yield line

    async def send(message: dict[str, Any]) -> None:
        await process.stdin.send((json.dumps({"jsonrpc": "2.0", **message}) + "\n").encode())  # type: ignore[union-attr]

    try:
        with anyio.fail_after(30):
            stream = lines()
            info = {"name": "startup-test", "version": "1"}
            await send(
                {
                    "id": 1,
                    "method": "initialize",
                    "params": {"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": info},
                }
            )
            await _answer(stream, 1)
            await send({"method": "notifications/initialized"})
            await send({"id": 2, "method": "tools/list", "params": {}})
            listed = await _answer(stream, 2)
            wall = time.perf_counter() - start
            cpu = _cpu_seconds(process.pid)
    finally:
        process.terminate()
        await process.wait()
    return Start(wall, cpu, {tool["name"] for tool in listed["tools"]})


async def best_of(args: list[str], env: dict[str, str], attempts: int) -> Start:
    starts = [await first_listing(args, env) for _ in range(attempts)]
    return min(starts, key=lambda start: start.wall)


async def measure(attempts: int) -> list[dict[str, Any]]:
    with tempfile.TemporaryDirectory() as home:
        env = {"PATH": os.environ["PATH"], "PYGENT_HOME": home, "PYGENT_LLM": "none"}
        baseline = await best_of([str(HERE / "echo_server.py")], env, attempts)
        rows = [{"server": "echo (bare FastMCP)", **asdict(baseline), "ratio": 1.0}]
        for name in SERVERS:
            start = await best_of(["-m", f"pygent.servers.{name}"], env, attempts)
            rows.append({"server": name, **asdict(start), "ratio": start.wall / baseline.wall})
    return rows


def report(rows: list[dict[str, Any]], out: Path) -> None:
    print(f"{'server':<22} {'wall s':>7} {'cpu s':>7} {'tools':>6} {'x echo':>7}")
    for row in rows:
        print(f"{row['server']:<22} {row['wall']:>7.2f} {row['cpu']:>7.2f} {len(row['names']):>6} {row['ratio']:>7.2f}")
    out.parent.mkdir(parents=True, exist_ok=True)
    kept = [{**row, "names": sorted(row["names"])} for row in rows]
    out.write_text(json.dumps({"loadavg": os.getloadavg()[0], "rows": kept}, indent=2), encoding="utf-8")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--attempts", type=int, default=3)
    parser.add_argument("--json", type=Path, default=HERE / "results" / "startup.json")
    arguments = parser.parse_args()
    report(anyio.run(measure, arguments.attempts), arguments.json)
