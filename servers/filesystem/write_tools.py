"""The tools that change files: write, edit, create directories, move and delete."""

from __future__ import annotations

from typing import Annotated, Any

from fastmcp import Context, FastMCP
from fastmcp.tools import ToolResult
from pydantic import BaseModel, Field
from pygent.servers.filesystem import writing
from pygent.servers.filesystem.edits import Edit, fenced
from pygent.servers.filesystem.models import DeleteResult, DirectoryCreated, EditResult, MoveResult, WriteResult
from pygent.servers.filesystem.read_tools import PathArg
from pygent.servers.filesystem.responses import respond, schema
from pygent.servers.filesystem.service import Filesystem


class EditOperation(BaseModel):
    oldText: str = Field(description="Text to search for - must match exactly once")
    newText: str = Field(description="Text to replace with")


def _hints(*, destructive: bool, idempotent: bool) -> dict[str, Any]:
    return {
        "readOnlyHint": False,
        "destructiveHint": destructive,
        "idempotentHint": idempotent,
        "openWorldHint": False,
    }


def register(mcp: FastMCP[Any], fs: Filesystem) -> None:
    @mcp.tool(
        title="Write File", annotations=_hints(destructive=True, idempotent=True), output_schema=schema(WriteResult)
    )
    async def write_file(
        ctx: Context, path: PathArg, content: Annotated[str, Field(description="the complete new content")]
    ) -> ToolResult:
        """Create a new file or completely overwrite an existing one (atomically). The parent
        directory must exist. Only works within allowed directories."""
        result = await fs.run_inline(ctx, writing.write_file, path, content)
        return respond(result, f"Successfully wrote to {result.path}")

    @mcp.tool(
        title="Edit File", annotations=_hints(destructive=True, idempotent=False), output_schema=schema(EditResult)
    )
    async def edit_file(
        ctx: Context,
        path: PathArg,
        edits: Annotated[list[EditOperation], Field(min_length=1, description="replacements, applied in order")],
        dryRun: Annotated[bool, Field(description="Preview changes using git-style diff format")] = False,
    ) -> ToolResult:
        """Make exact text replacements in a file and return a git-style diff. Each oldText must
        match exactly once (whitespace-insensitive line matching is tried next); a missing or
        ambiguous match changes nothing. dryRun shows the diff without writing. Only works within
        allowed directories."""
        changes = [Edit(old_text=edit.oldText, new_text=edit.newText) for edit in edits]
        result = await fs.run(
            ctx, writing.edit_file, path, changes, dry_run=dryRun, max_bytes=fs.settings.max_edit_bytes
        )
        return respond(result, fenced(result.diff))

    @mcp.tool(
        title="Create Directory",
        annotations=_hints(destructive=False, idempotent=True),
        output_schema=schema(DirectoryCreated),
    )
    async def create_directory(ctx: Context, path: PathArg) -> ToolResult:
        """Create a directory, with any missing parents; an existing directory is left as it is.
        Only works within allowed directories."""
        result = await fs.run_inline(ctx, writing.create_directory, path)
        return respond(result, f"Successfully created directory {result.path}")

    @mcp.tool(
        title="Move File", annotations=_hints(destructive=True, idempotent=False), output_schema=schema(MoveResult)
    )
    async def move_file(
        ctx: Context,
        source: Annotated[str, Field(description="file or directory to move")],
        destination: Annotated[str, Field(description="new path; must not exist")],
    ) -> ToolResult:
        """Move or rename a file or directory. Fails if the destination exists. Both paths must be
        within allowed directories."""
        result = await fs.run(ctx, writing.move_file, source, destination)
        return respond(result, f"Successfully moved {result.source} to {result.destination}")

    @mcp.tool(
        title="Delete File", annotations=_hints(destructive=True, idempotent=True), output_schema=schema(DeleteResult)
    )
    async def delete_file(
        ctx: Context,
        path: PathArg,
        recursive: Annotated[
            bool, Field(description="required to delete a directory, which removes everything in it")
        ] = False,
    ) -> ToolResult:
        """Delete a file or symlink (the link itself, never its target). A directory is deleted
        only with recursive=true, together with everything in it. Allowed directories themselves
        cannot be deleted."""
        result = await fs.run(ctx, writing.delete_file, path, recursive=recursive)
        return respond(result, f"Successfully deleted {result.type} {result.path}")
