"""Build the filesystem MCP server from its settings.

    mcp = build_server(FilesystemSettings.load({"roots": ["/srv/docs"]}))

With no roots configured the server works in `<PYGENT_HOME>/workspace`.
"""

from __future__ import annotations

import os
from typing import Any

from fastmcp import FastMCP
from pygent.core.server_kit import create_server
from pygent.servers.filesystem import read_tools, resources, search_tools, write_tools
from pygent.servers.filesystem.roots import AllowedRoots, ClientRootsMiddleware, configured_roots
from pygent.servers.filesystem.service import Filesystem
from pygent.servers.filesystem.settings import FilesystemSettings

INSTRUCTIONS = (
    "Read, search and change files inside the allowed directories (list_allowed_directories shows "
    "them). Paths may be absolute or relative to the first allowed directory. Use edit_file with "
    "dryRun=true to preview a change; grep searches file contents."
)


def build_server(settings: FilesystemSettings) -> FastMCP[Any]:
    """The filesystem server: tools, resources and prompt over the configured roots.

    Raises:
        ConfigError: roots were configured but none of them exists.
    """
    explicit = bool(settings.roots)
    directories = configured_roots(settings.roots) if explicit else [os.path.realpath(settings.default_root)]
    roots = AllowedRoots(directories, explicit=explicit, mode=settings.client_roots)
    fs = Filesystem(roots, settings)
    mcp = create_server("filesystem", instructions=INSTRUCTIONS)
    mcp.add_middleware(ClientRootsMiddleware(roots))
    read_tools.register(mcp, fs)
    search_tools.register(mcp, fs)
    write_tools.register(mcp, fs)
    resources.register(mcp, fs)
    return mcp
