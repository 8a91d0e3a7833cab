"""`python -m pygent.servers.github` / `pygent server github`: run the GitHub server alone (stdio by default)."""

from __future__ import annotations

import argparse
from typing import Any

from fastmcp import FastMCP
from pygent.core.server_kit import serve_standalone, standalone_parser
from pygent.servers.github.server import create_server
from pygent.servers.github.settings import GitHubSettings


def build(args: argparse.Namespace) -> FastMCP[Any]:
    overrides: dict[str, Any] = {
        "toolsets": args.toolsets.split(",") if args.toolsets else None,
        "git_roots": args.git_root or None,
        "api_url": args.api_url,
        "write": True if args.write else None,
    }
    server: FastMCP[Any] = create_server(GitHubSettings.load(overrides))
    return server


def main() -> None:
    parser = standalone_parser("github")
    parser.add_argument("--toolsets", help="comma-separated: context,repos,issues,pull_requests,git")
    parser.add_argument("--git-root", action="append", help="folder holding local repositories (repeatable)")
    parser.add_argument("--api-url", help="GitHub REST API base URL (GitHub Enterprise: https://HOST/api/v3)")
    parser.add_argument("--write", action="store_true", help="expose write tools (default: read-only)")
    serve_standalone("github", build, parser=parser)


if __name__ == "__main__":
    main()
