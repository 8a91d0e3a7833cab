"""`python -m pygent.servers.tot` / `pygent server tot`: run the tree-of-thought server alone (stdio by default)."""

from __future__ import annotations

import argparse
from typing import Any

from fastmcp import FastMCP
from pygent.core.server_kit import serve_standalone, standalone_parser
from pygent.core.settings import Settings
from pygent.servers.tot.server import build_server
from pygent.servers.tot.settings import TotSettings


def build(args: argparse.Namespace) -> FastMCP[Any]:
    host_overrides = {"llm": args.llm}
    server: FastMCP[Any] = build_server(TotSettings.load(), Settings.load(host_overrides))
    return server


def main() -> None:
    parser = standalone_parser("tot")
    parser.add_argument("--llm", help="model: ollama:MODEL, openai:MODEL, client, auto or none (default: PYGENT_LLM)")
    serve_standalone("tot", build, parser=parser)


if __name__ == "__main__":
    main()
