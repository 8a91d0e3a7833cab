"""Gateway benchmark: the same trivial tool server reached four ways, in one run.

    (a) stdio      a client talking to the stdio server directly (one session; N concurrent calls)
    (b) http       the server alone over streamable HTTP
    (c) gateway    `pygent serve` over streamable HTTP, forwarding to the stdio server
    (d) proxy      a plain fastmcp proxy of the stdio server over streamable HTTP

For each: latency p50/p95/p99 and throughput with 1, 8 and 32 concurrent client
sessions (calls of `add`), errors, and the wall time of 32 concurrent
`sleep_ms(50)` calls; plus the host's RSS idle and at peak. Every path uses the
MCP SDK client (`mcp.Client`, 2026-07-28 era) so client cost is the same.

    python bench/gateway.py [--seconds 4] [--json bench/results/gateway.json]

Targets (from the issue): gateway throughput at 32 sessions >= 1.5x the proxy's
and >= (b); gateway p50 <= (b) p50 + 1 ms; 32 x 50 ms sleeps < 150 ms; 0 errors.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import anyio
import httpx2
import mcp
from mcp import StdioServerParameters

HERE = Path(__file__).resolve().parent
ECHO = str(HERE / "echo_server.py")
CONCURRENCY = (1, 8, 32)


@dataclass
class Run:
    target: str
    sessions: int
    calls: int
    errors: int
    seconds: float
    p50_ms: float
    p95_ms: float
    p99_ms: float

    @property
    def throughput(self) -> float:
        return self.calls / self.seconds if self.seconds else 0.0


@dataclass
class TargetResult:
    name: str
    runs: list[Run] = field(default_factory=list)
    sleep_wall_ms: float = 0.0
    sleep_errors: int = 0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000 if ordered else 0.0


def rss_kib(pid: int, field_name: str = "VmRSS") -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field_name + ":"):
            return int(line.split()[1])
    return 0


async def wait_http(url: str, timeout: float = 60) -> None:
    with anyio.fail_after(timeout):
        while True:
            try:
                async with httpx2.AsyncClient() as http:
                    await http.get(url, timeout=2)
                return
            except httpx2.HTTPError:
                await anyio.sleep(0.1)


@asynccontextmanager
async def spawned(argv: list[str], url: str, env: dict[str, str] | None = None) -> AsyncIterator[anyio.abc.Process]:
    process = await anyio.open_process(argv, env=env, stdout=None, stderr=None)
    try:
        await wait_http(url)
        yield process
    finally:
        process.terminate()
        with anyio.move_on_after(10):
            await process.wait()
        if process.returncode is None:
            process.kill()


def tool(target: str, name: str) -> str:
    """The gateway namespaces the server's tools as echo_<tool>."""
    return f"echo_{name}" if target == "gateway" else name


def client_for(target: str, where: str) -> mcp.Client:
    if target == "stdio":
        return mcp.Client(StdioServerParameters(command=sys.executable, args=[ECHO]))
    return mcp.Client(where)


async def measure(target: str, where: str, sessions: int, seconds: float, shared: mcp.Client | None) -> Run:
    latencies: list[float] = []
    errors = 0
    deadline = 0.0

    async def worker(client: mcp.Client) -> None:
        nonlocal errors
        i = 0
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            try:
                result = await client.call_tool(tool(target, "add"), {"a": i, "b": 1})
                if result.is_error:
                    errors += 1
            except Exception:
                errors += 1
            latencies.append(time.perf_counter() - started)
            i += 1

    async def session_worker(ready: anyio.Event, go: anyio.Event) -> None:
        async with client_for(target, where) as client:
            await client.list_tools()
            for _ in range(5):
                await client.call_tool(tool(target, "add"), {"a": 1, "b": 1})
            ready.set()
            await go.wait()
            await worker(client)

    go = anyio.Event()
    async with anyio.create_task_group() as group:
        if shared is not None:
            for _ in range(20):
                await shared.call_tool(tool(target, "add"), {"a": 1, "b": 1})
            deadline = time.perf_counter() + seconds
            began = time.perf_counter()
            for _ in range(sessions):
                group.start_soon(worker, shared)
        else:
            readies = [anyio.Event() for _ in range(sessions)]
            for ready in readies:
                group.start_soon(session_worker, ready, go)
            for ready in readies:
                await ready.wait()
            deadline = time.perf_counter() + seconds
            began = time.perf_counter()
            go.set()
    elapsed = time.perf_counter() - began
    return Run(
        target,
        sessions,
        len(latencies),
        errors,
        elapsed,
        percentile(latencies, 0.5),
        percentile(latencies, 0.95),
        percentile(latencies, 0.99),
    )


async def sleep_burst(target: str, where: str, shared: mcp.Client | None) -> tuple[float, int]:
    """Wall time of 32 concurrent sleep_ms(50) calls (32 sessions; one shared session for stdio)."""
    errors = 0

    async def call(client: mcp.Client) -> None:
        nonlocal errors
        try:
            result = await client.call_tool(tool(target, "sleep_ms"), {"ms": 50})
            errors += int(result.is_error)
        except Exception:
            errors += 1

    async with AsyncExitStack() as stack:
        if shared is None:
            callers = [await stack.enter_async_context(client_for(target, where)) for _ in range(32)]
            for client in callers:
                await client.call_tool(tool(target, "add"), {"a": 1, "b": 1})
        else:
            callers = [shared] * 32
        began = time.perf_counter()
        async with anyio.create_task_group() as group:
            for client in callers:
                group.start_soon(call, client)
        wall = (time.perf_counter() - began) * 1000
    return wall, errors


async def run_target(name: str, where: str, seconds: float) -> TargetResult:
    result = TargetResult(name)
    if name == "stdio":
        async with client_for("stdio", where) as shared:
            for sessions in CONCURRENCY:
                result.runs.append(await measure(name, where, sessions, seconds, shared))
            result.sleep_wall_ms, result.sleep_errors = await sleep_burst(name, where, shared)
        return result
    for sessions in CONCURRENCY:
        result.runs.append(await measure(name, where, sessions, seconds, None))
    result.sleep_wall_ms, result.sleep_errors = await sleep_burst(name, where, None)
    return result


async def main(seconds: float, out: Path) -> dict[str, Any]:
    results: dict[str, TargetResult] = {}
    host_rss: dict[str, int] = {}
    work = Path(tempfile.mkdtemp(prefix="pygent-bench-"))

    results["stdio"] = await run_target("stdio", "", seconds)

    port = free_port()
    async with spawned(
        [sys.executable, ECHO, "--transport", "http", "--port", str(port)], f"http://127.0.0.1:{port}/mcp"
    ):
        results["http"] = await run_target("http", f"http://127.0.0.1:{port}/mcp", seconds)

    config = work / "mcp.json"
    config.write_text(json.dumps({"mcpServers": {"echo": {"command": sys.executable, "args": [ECHO]}}}))
    port = free_port()
    env = {**os.environ, "PYGENT_HOME": str(work / "home"), "PYGENT_RATE_LIMIT": "0", "PYGENT_LOG_LEVEL": "WARNING"}
    argv = [sys.executable, "-m", "pygent.host.cli", "serve", "--config", str(config), "--port", str(port)]
    async with spawned(argv, f"http://127.0.0.1:{port}/healthz", env) as host:
        base = f"http://127.0.0.1:{port}"
        with anyio.fail_after(60):
            while True:
                async with httpx2.AsyncClient() as http:
                    rows = (await http.get(base + "/api/servers")).json()
                if rows and rows[0]["status"] == "ready":
                    break
                await anyio.sleep(0.1)
        await anyio.sleep(1)
        host_rss["idle_kib"] = rss_kib(host.pid)
        results["gateway"] = await run_target("gateway", base + "/mcp", seconds)
        host_rss["peak_kib"] = rss_kib(host.pid, "VmHWM")

    port = free_port()
    async with spawned([sys.executable, str(HERE / "fastmcp_proxy.py"), str(port)], f"http://127.0.0.1:{port}/mcp"):
        results["proxy"] = await run_target("proxy", f"http://127.0.0.1:{port}/mcp", seconds)

    report = summarize(results, host_rss)
    await anyio.Path(out.parent).mkdir(parents=True, exist_ok=True)
    await anyio.Path(out).write_text(json.dumps(report, indent=2))
    return report


def summarize(results: dict[str, TargetResult], host_rss: dict[str, int]) -> dict[str, Any]:
    print(f"{'target':<9} {'sessions':>8} {'calls/s':>9} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>7}")
    for target in results.values():
        for run in target.runs:
            print(
                f"{run.target:<9} {run.sessions:>8} {run.throughput:>9.0f} {run.p50_ms:>8.2f} {run.p95_ms:>8.2f} "
                f"{run.p99_ms:>8.2f} {run.errors:>7}"
            )
    print()
    for target in results.values():
        print(f"{target.name:<9} 32 x sleep_ms(50): {target.sleep_wall_ms:7.1f} ms wall, {target.sleep_errors} errors")
    print(f"host RSS: idle {host_rss['idle_kib'] / 1024:.1f} MiB, peak {host_rss['peak_kib'] / 1024:.1f} MiB")

    def at(name: str, sessions: int) -> Run:
        return next(r for r in results[name].runs if r.sessions == sessions)

    gateway32, proxy32, http32 = at("gateway", 32), at("proxy", 32), at("http", 32)
    ratios = {
        "gateway_vs_proxy_throughput_32": gateway32.throughput / proxy32.throughput,
        "gateway_vs_http_throughput_32": gateway32.throughput / http32.throughput,
        "gateway_p50_minus_http_p50_ms_1": at("gateway", 1).p50_ms - at("http", 1).p50_ms,
        "gateway_sleep_wall_ms": results["gateway"].sleep_wall_ms,
        "total_errors": sum(r.errors for t in results.values() for r in t.runs)
        + sum(t.sleep_errors for t in results.values()),
    }
    print()
    targets = {
        "gateway_vs_proxy_throughput_32": ">= 1.5",
        "gateway_vs_http_throughput_32": ">= 1.0",
        "gateway_p50_minus_http_p50_ms_1": "<= 1.0",
        "gateway_sleep_wall_ms": "< 150",
        "total_errors": "== 0",
    }
    for key, value in ratios.items():
        print(f"{key:<36} {value:>8.2f}   target {targets[key]}")
    return {
        "results": {
            name: {
                "runs": [asdict(r) | {"throughput": r.throughput} for r in t.runs],
                "sleep_wall_ms": t.sleep_wall_ms,
                "sleep_errors": t.sleep_errors,
            }
            for name, t in results.items()
        },
        "host_rss_kib": host_rss,
        "ratios": ratios,
        "targets": targets,
        "note": "latencies are per call, over all sessions; stdio is one session with N concurrent calls",
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=4.0, help="measurement time per configuration")
    parser.add_argument("--json", type=Path, default=HERE / "results" / "gateway.json")
    options = parser.parse_args()
    anyio.run(main, options.seconds, options.json)
