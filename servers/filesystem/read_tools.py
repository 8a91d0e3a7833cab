"""The read-only tools: reading files, listing directories, file info, allowed directories.

Names, arguments and text output follow `@modelcontextprotocol/server-filesystem`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import mcp_types
from fastmcp import Context, FastMCP
from fastmcp.tools import ToolResult
from pydantic import Field
from pygent.servers.filesystem import listing, reading
from pygent.servers.filesystem.listing import SortBy
from pygent.servers.filesystem.models import (
    AllowedDirectories,
    DirectoryListing,
    DirectoryNames,
    DirectoryTree,
    FileInfo,
    MediaFile,
    MultipleFiles,
    TextFile,
)
from pygent.servers.filesystem.responses import respond, respond_raw, schema
from pygent.servers.filesystem.service import READ_ONLY, Filesystem

PathArg = Annotated[str, Field(description="absolute path, or relative to the first allowed directory")]
Lines = Annotated[int | None, Field(ge=1, description="If provided, returns only this many lines")]


def register(mcp: FastMCP[Any], fs: Filesystem) -> None:
    async def read_text(ctx: Context, path: str, tail: int | None, head: int | None) -> ToolResult:
        result = await fs.run_inline(
            ctx, reading.read_text, path, head=head, tail=tail, max_bytes=fs.settings.max_read_bytes
        )
        blocks: list[str] = [result.content]
        if result.truncated:
            blocks.append(
                f"[truncated: {result.path} is {result.size} bytes; only the first "
                f"{fs.settings.max_read_bytes} bytes are returned. Use head or tail to read parts of it.]"
            )
        return respond(result, *blocks)

    @mcp.tool(title="Read Text File", annotations=READ_ONLY, output_schema=schema(TextFile))
    async def read_text_file(
        ctx: Context,
        path: PathArg,
        tail: Annotated[int | None, Field(ge=1, description="If provided, returns only the last N lines")] = None,
        head: Annotated[int | None, Field(ge=1, description="If provided, returns only the first N lines")] = None,
    ) -> ToolResult:
        """Read the complete contents of a file as text. Use 'head' for the first N lines or 'tail'
        for the last N lines. Large files are capped and say so; binary files are refused (use
        read_media_file). Only works within allowed directories."""
        return await read_text(ctx, path, tail, head)

    @mcp.tool(title="Read File (Deprecated)", annotations=READ_ONLY, output_schema=schema(TextFile))
    async def read_file(
        ctx: Context,
        path: PathArg,
        tail: Annotated[int | None, Field(ge=1, description="If provided, returns only the last N lines")] = None,
        head: Annotated[int | None, Field(ge=1, description="If provided, returns only the first N lines")] = None,
    ) -> ToolResult:
        """Read the complete contents of a file as text. DEPRECATED: use read_text_file instead."""
        return await read_text(ctx, path, tail, head)

    @mcp.tool(title="Read Media File", annotations=READ_ONLY, output_schema=schema(MediaFile))
    async def read_media_file(ctx: Context, path: PathArg) -> ToolResult:
        """Read a file and return it as base64 with its MIME type: image and audio files as
        image/audio content, any other file as an embedded resource. Only works within allowed
        directories."""
        media = await fs.run(ctx, reading.read_media, path, max_bytes=fs.settings.max_media_bytes)
        block: mcp_types.ContentBlock
        if media.kind == "image":
            block = mcp_types.ImageContent(type="image", data=media.data, mime_type=media.mime_type)
        elif media.kind == "audio":
            block = mcp_types.AudioContent(type="audio", data=media.data, mime_type=media.mime_type)
        else:
            block = mcp_types.EmbeddedResource(
                type="resource",
                resource=mcp_types.BlobResourceContents(
                    uri=Path(media.path).as_uri(), mime_type=media.mime_type, blob=media.data
                ),
            )
        return respond(media, block)

    @mcp.tool(title="Read Multiple Files", annotations=READ_ONLY, output_schema=schema(MultipleFiles))
    async def read_multiple_files(
        ctx: Context,
        paths: Annotated[
            list[str],
            Field(min_length=1, max_length=100, description="Array of file paths to read, within allowed directories."),
        ],
    ) -> ToolResult:
        """Read several files at once. Each file's content is returned with its path; a file that
        cannot be read reports its error without stopping the others. Only works within allowed
        directories."""
        result = await fs.run(ctx, reading.read_many, paths, max_bytes=fs.settings.max_read_bytes)
        parts = [
            f"{item.path}: Error - {item.error}" if item.error is not None else f"{item.path}:\n{item.content}\n"
            for item in result.files
        ]
        return respond(result, "\n---\n".join(parts))

    @mcp.tool(title="List Directory", annotations=READ_ONLY, output_schema=schema(DirectoryNames))
    async def list_directory(ctx: Context, path: PathArg) -> ToolResult:
        """List the files and directories in a path, marked [FILE] or [DIR]. Only works within
        allowed directories."""
        names = await fs.run_inline(ctx, listing.list_names, path)
        marked = [(name, "[DIR]") for name in names.directories]
        marked += [(name, "[FILE]") for group in (names.files, names.symlinks, names.other) for name in group]
        marked.sort()
        return respond_raw(names.data(), "\n".join(f"{mark} {name}" for name, mark in marked))

    @mcp.tool(title="List Directory with Sizes", annotations=READ_ONLY, output_schema=schema(DirectoryListing))
    async def list_directory_with_sizes(
        ctx: Context,
        path: PathArg,
        sortBy: Annotated[SortBy, Field(description="Sort entries by name or size")] = "name",
    ) -> ToolResult:
        """List the files and directories in a path with their sizes, marked [FILE] or [DIR],
        followed by totals. Only works within allowed directories."""
        result = await fs.run_inline(ctx, listing.list_directory, path, sizes=True, sort_by=sortBy)
        lines = [
            f"{'[DIR]' if e.type == 'directory' else '[FILE]'} {e.name.ljust(30)} "
            f"{'' if e.type == 'directory' else format_size(e.size or 0).rjust(10)}"
            for e in result.entries
        ]
        lines += [
            "",
            f"Total: {result.files} files, {result.directories} directories",
            f"Combined size: {format_size(result.total_size)}",
        ]
        return respond_raw(result.data(), "\n".join(lines))

    @mcp.tool(title="Directory Tree", annotations=READ_ONLY, output_schema=schema(DirectoryTree))
    async def directory_tree(
        ctx: Context,
        path: PathArg,
        excludePatterns: Annotated[
            tuple[str, ...],
            Field(description="glob patterns of relative paths to leave out (e.g. node_modules, *.log)"),
        ] = (),
    ) -> ToolResult:
        """A recursive tree of files and directories as JSON: each entry has 'name' and 'type'
        (file/directory), and directories have 'children'. Symlinks are not followed. Only works
        within allowed directories."""
        tree = await fs.run(
            ctx, listing.directory_tree, path, exclude=excludePatterns, max_entries=fs.settings.max_tree_entries
        )
        blocks = [json.dumps(tree.nodes, indent=2)]
        if tree.truncated:
            blocks.append(f"[truncated after {tree.entries} entries; use excludePatterns or a deeper path]")
        return respond_raw(tree.data(), *blocks)

    @mcp.tool(title="Get File Info", annotations=READ_ONLY, output_schema=schema(FileInfo))
    async def get_file_info(ctx: Context, path: PathArg) -> ToolResult:
        """Metadata of a file or directory: size, creation, modification and access times,
        type and permissions. Only works within allowed directories."""
        info = await fs.run_inline(ctx, listing.file_info, path)
        shown = {
            "size": info.size,
            "created": info.created or "unknown",
            "modified": info.modified,
            "accessed": info.accessed,
            "isDirectory": info.is_directory,
            "isFile": info.is_file,
            "permissions": info.permissions,
        }
        return respond(info, "\n".join(f"{key}: {value}" for key, value in shown.items()))

    @mcp.tool(title="List Allowed Directories", annotations=READ_ONLY, output_schema=schema(AllowedDirectories))
    async def list_allowed_directories(ctx: Context) -> ToolResult:
        """The directories this server may access; everything below them is accessible too."""
        sandbox = await fs.sandbox(ctx)
        result = AllowedDirectories(directories=list(sandbox.roots))
        return respond(result, "Allowed directories:\n" + "\n".join(result.directories))


def format_size(size: int) -> str:
    """Human-readable size, as the reference server prints it."""
    units = ["B", "KB", "MB", "GB", "TB"]
    if size <= 0:
        return "0 B"
    value, unit = float(size), 0
    while value >= 1024 and unit < len(units) - 1:
        value /= 1024
        unit += 1
    return f"{size} B" if unit == 0 else f"{value:.2f} {units[unit]}"
