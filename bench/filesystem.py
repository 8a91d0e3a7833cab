"""Filesystem benchmark: our server against the reference one, and our grep against grep -rE.

    (1) `read_text_file` of a 4 KB file and `list_directory` of 1,000 entries, over stdio,
        ours (`python -m pygent.servers.filesystem`) and `@modelcontextprotocol/server-filesystem`
        (node), with the same client (the MCP SDK's `mcp.Client`) in the same run; rounds of
        calls alternate between the two servers so machine noise hits both. Median µs per call,
        and the ratio ours / reference (target: <= 1.0).
    (2) `grep` over a tree of 10,000 files / 100 MB: our tool over stdio (and the same search
        called in process) against `grep -rE` on the same tree, warm page cache. Ratio ours / grep.

    python bench/filesystem.py                       # default sizes (about a minute)
    python bench/filesystem.py --calls 2000 --rounds 10
    python bench/filesystem.py --files 2000 --mb 20  # a quicker grep tree

The reference server is found under PYGENT_TEST_NODE_MODULES (default .ci/node/node_modules,
`npm ci --prefix .ci/node`). Writes bench/results/filesystem.json.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import anyio
import mcp
from mcp.client.stdio import StdioServerParameters
from node_peers import NODE_MODULES, node
from pygent.servers.filesystem.grep import GrepOptions, grep
from pygent.servers.filesystem.sandbox import Sandbox

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results" / "filesystem.json"
REFERENCE = NODE_MODULES / "@modelcontextprotocol" / "server-filesystem" / "dist" / "index.js"
PATTERN = r"needle_[0-9]{3}"
WORDS = "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho sigma".split()


def reference_command(root: Path) -> StdioServerParameters:
    if not REFERENCE.exists():
        sys.exit(
            f"@modelcontextprotocol/server-filesystem@2026.8.31 is not installed at {NODE_MODULES}: "
            "run `npm ci --prefix .ci/node`"
        )
    return StdioServerParameters(command=node(), args=[str(REFERENCE), str(root)])


def ours_command(root: Path) -> StdioServerParameters:
    return StdioServerParameters(command=sys.executable, args=["-m", "pygent.servers.filesystem", str(root)])


def build_call_tree(root: Path) -> None:
    (root / "big").mkdir(parents=True)
    line = "".join(random.choice("abcdefghij") for _ in range(63)) + "\n"
    (root / "f4k.txt").write_text(line * 64, encoding="utf-8")
    for i in range(1000):
        (root / "big" / f"entry_{i:04d}.txt").write_text("x", encoding="utf-8")


def build_grep_tree(root: Path, files: int, megabytes: int) -> int:
    """`files` files of about `megabytes` MB in total, in 100 directories; returns the needle count."""
    rng = random.Random(7)
    size = megabytes * 1024 * 1024 // files
    needles = 0
    for i in range(files):
        directory = root / f"d{i % 100:02d}"
        directory.mkdir(parents=True, exist_ok=True)
        lines, length = [], 0
        while length < size:
            text = " ".join(rng.choice(WORDS) for _ in range(10))
            if rng.random() < 0.0005:
                text += f" needle_{rng.randrange(1000):03d}"
                needles += 1
            lines.append(text)
            length += len(text) + 1
        (directory / f"file_{i:05d}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return needles


async def time_calls(client: mcp.Client, tool: str, arguments: dict[str, Any], calls: int) -> list[float]:
    timings = []
    for _ in range(calls):
        started = time.perf_counter()
        result = await client.call_tool(tool, arguments)
        timings.append(time.perf_counter() - started)
        if result.is_error:
            raise RuntimeError(f"{tool} failed: {result.content}")
    return timings


async def compare_servers(root: Path, calls: int, rounds: int) -> list[dict[str, Any]]:
    cases = [
        ("read_text_file 4 KB", "read_text_file", {"path": str(root / "f4k.txt")}),
        ("list_directory 1,000 entries", "list_directory", {"path": str(root / "big")}),
    ]
    servers = {"ours": ours_command(root), "reference": reference_command(root)}
    samples: dict[tuple[str, str], list[float]] = {}
    async with mcp.Client(servers["ours"]) as ours, mcp.Client(servers["reference"]) as reference:
        clients = {"ours": ours, "reference": reference}
        for _label, tool, arguments in cases:  # warm-up: imports, caches, JIT
            for client in clients.values():
                await time_calls(client, tool, arguments, 50)
        for _ in range(rounds):
            for label, tool, arguments in cases:
                for name, client in clients.items():
                    samples.setdefault((label, name), []).extend(
                        await time_calls(client, tool, arguments, max(1, calls // rounds))
                    )
    rows = []
    for label, _tool, _arguments in cases:
        ours_us = statistics.median(samples[(label, "ours")]) * 1e6
        reference_us = statistics.median(samples[(label, "reference")]) * 1e6
        rows.append(
            {
                "case": label,
                "calls_each": len(samples[(label, "ours")]),
                "ours_median_us": round(ours_us),
                "reference_median_us": round(reference_us),
                "ours_p95_us": round(statistics.quantiles(samples[(label, "ours")], n=20)[-1] * 1e6),
                "reference_p95_us": round(statistics.quantiles(samples[(label, "reference")], n=20)[-1] * 1e6),
                "ratio": round(ours_us / reference_us, 3),
            }
        )
    return rows


def best_of(repeats: int, run: Any) -> tuple[float, Any]:
    best, value = float("inf"), None
    for _ in range(repeats):
        started = time.perf_counter()
        value = run()
        best = min(best, time.perf_counter() - started)
    return best, value


async def compare_grep(root: Path, needles: int, repeats: int) -> dict[str, Any]:
    def grep_cli() -> int:
        done = subprocess.run(["grep", "-rE", PATTERN, str(root)], capture_output=True, check=False)
        return done.stdout.count(b"\n")

    options = GrepOptions(max_matches=needles + 10)

    def grep_direct() -> int:
        return len(grep(Sandbox([str(root)]), str(root), PATTERN, options).matches)

    grep_cli()  # warm the page cache
    cli_seconds, cli_lines = best_of(repeats, grep_cli)
    direct_seconds, direct_lines = best_of(repeats, grep_direct)
    arguments = {"pattern": PATTERN, "path": str(root), "maxMatches": needles + 10}
    async with mcp.Client(ours_command(root)) as client:
        await client.call_tool("grep", arguments)
        tool_seconds = float("inf")
        for _ in range(repeats):
            started = time.perf_counter()
            result = await client.call_tool("grep", arguments)
            tool_seconds = min(tool_seconds, time.perf_counter() - started)
        tool_lines = len((result.structured_content or {}).get("matches", []))
    assert cli_lines == direct_lines == tool_lines, (cli_lines, direct_lines, tool_lines)
    return {
        "matching_lines": cli_lines,
        "grep_rE_s": round(cli_seconds, 3),
        "ours_in_process_s": round(direct_seconds, 3),
        "ours_over_stdio_s": round(tool_seconds, 3),
        "ratio_in_process": round(direct_seconds / cli_seconds, 2),
        "ratio_over_stdio": round(tool_seconds / cli_seconds, 2),
    }


def print_table(servers: list[dict[str, Any]], grep_row: dict[str, Any], tree: dict[str, Any]) -> None:
    print(f"{'case':32} {'ours µs':>9} {'ref µs':>9} {'ours p95':>9} {'ref p95':>9} {'ratio':>7}")
    for row in servers:
        print(
            f"{row['case']:32} {row['ours_median_us']:>9} {row['reference_median_us']:>9} "
            f"{row['ours_p95_us']:>9} {row['reference_p95_us']:>9} {row['ratio']:>7}"
        )
    print()
    print(f"grep over {tree['files']} files / {tree['megabytes']} MB ({grep_row['matching_lines']} matching lines)")
    print(f"  grep -rE              {grep_row['grep_rE_s']:>8} s")
    print(f"  ours, in process      {grep_row['ours_in_process_s']:>8} s   ratio {grep_row['ratio_in_process']}")
    print(f"  ours, tool over stdio {grep_row['ours_over_stdio_s']:>8} s   ratio {grep_row['ratio_over_stdio']}")


async def main(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(prefix="pygent-bench-fs-") as scratch:
        base = Path(await anyio.Path(scratch).resolve())
        calls_root, grep_root = base / "calls", base / "grep"
        build_call_tree(calls_root)
        servers = await compare_servers(calls_root, args.calls, args.rounds)
        needles = build_grep_tree(grep_root, args.files, args.mb)
        grep_row = await compare_grep(grep_root, needles, args.repeats)
    tree = {"files": args.files, "megabytes": args.mb}
    print_table(servers, grep_row, tree)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    report = {"servers": servers, "grep": grep_row | tree, "calls": args.calls, "rounds": args.rounds}
    RESULTS.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"\nwrote {RESULTS}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", type=int, default=600, help="timed calls per case and server")
    parser.add_argument("--rounds", type=int, default=6, help="alternations between the two servers")
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--mb", type=int, default=100)
    parser.add_argument("--repeats", type=int, default=3, help="grep runs; the best counts")
    anyio.run(main, parser.parse_args())
