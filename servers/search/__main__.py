"""`python -m pygent.servers.search` / `pygent server search`: run the search server alone (stdio by default)."""

from __future__ import annotations

import argparse
from typing import Any

from fastmcp import FastMCP
from pygent.core.server_kit import serve_standalone, standalone_parser
from pygent.servers.search.server import create_server
from pygent.servers.search.settings import SearchSettings


def build(args: argparse.Namespace) -> FastMCP[Any]:
    overrides: dict[str, Any] = {
        "roots": args.root or None,
        "searxng_url": args.searxng_url,
        "academic": args.academic.split(",") if args.academic else None,
        "ignore_robots_txt": True if args.ignore_robots_txt else None,
    }
    server: FastMCP[Any] = create_server(SearchSettings.load(overrides))
    return server


def main() -> None:
    parser = standalone_parser("search")
    parser.add_argument("--root", action="append", help="folder for local_search (repeatable)")
    parser.add_argument("--searxng-url", help="base URL of a SearXNG instance")
    parser.add_argument("--academic", help="academic providers: arxiv,semantic_scholar")
    parser.add_argument("--ignore-robots-txt", action="store_true", help="fetch pages robots.txt disallows")
    serve_standalone("search", build, parser=parser)


if __name__ == "__main__":
    main()
