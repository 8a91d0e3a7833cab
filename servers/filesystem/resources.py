"""Files as resources (`file:///{path}`), the allowed directories, and the careful-edit prompt."""

from __future__ import annotations

import base64
from typing import Any

from fastmcp import Context, FastMCP
from pygent.servers.filesystem import reading
from pygent.servers.filesystem.service import Filesystem


def register(mcp: FastMCP[Any], fs: Filesystem) -> None:
    @mcp.resource("file:///{path*}", name="file", description="A file inside the allowed directories")
    async def file_resource(path: str, ctx: Context) -> str | bytes:
        """Text files as text; binary files as bytes (blob)."""
        try:
            text = await fs.run_inline(ctx, reading.read_text, "/" + path, max_bytes=fs.settings.max_read_bytes)
        except reading.BinaryFileError:
            media = await fs.run(ctx, reading.read_media, "/" + path, max_bytes=fs.settings.max_media_bytes)
            return base64.b64decode(media.data)
        return text.content

    @mcp.resource("filesystem://allowed-directories", name="allowed-directories", mime_type="application/json")
    async def allowed_directories(ctx: Context) -> dict[str, list[str]]:
        """The directories this server may access for the current client."""
        sandbox = await fs.sandbox(ctx)
        return {"directories": list(sandbox.roots)}

    @mcp.prompt(name="careful_edit", description="Change a file with a reviewed diff before writing")
    def careful_edit(path: str, change: str) -> str:
        return (
            f"Make this change to {path}: {change}\n\n"
            "1. Read the file with read_text_file.\n"
            "2. Call edit_file with dryRun=true, copying each oldText exactly from the file so it "
            "matches exactly once.\n"
            "3. Show me the diff and check it does only what was asked.\n"
            "4. Call edit_file again with the same edits and dryRun=false."
        )
