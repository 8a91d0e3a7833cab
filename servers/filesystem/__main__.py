"""`python -m pygent.servers.filesystem [DIR ...]` / `pygent server filesystem [DIR ...]`."""

from __future__ import annotations

import argparse
import warnings
from typing import Any

from fastmcp import FastMCP
from mcp.shared.exceptions import MCPDeprecationWarning
from pygent.core.server_kit import serve_standalone, standalone_parser
from pygent.servers.filesystem.server import build_server
from pygent.servers.filesystem.settings import FilesystemSettings


def build(args: argparse.Namespace) -> FastMCP[Any]:
    # roots/list is deprecated in 2026-07-28 but is how 2025-11-25 clients share their roots
    warnings.filterwarnings("ignore", category=MCPDeprecationWarning, message=".*roots capability.*")
    return build_server(FilesystemSettings.load({"roots": args.roots} if args.roots else None))


def main() -> None:
    parser = standalone_parser("filesystem")
    parser.add_argument(
        "roots",
        nargs="*",
        metavar="DIR",
        help="allowed directories (default: PYGENT_FILESYSTEM_ROOTS, else PYGENT_HOME/workspace)",
    )
    serve_standalone("filesystem", build, parser=parser)


if __name__ == "__main__":
    main()
