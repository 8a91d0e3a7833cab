"""The search tools: `search_files` (glob on names, as the reference server) and `grep` (contents)."""

from __future__ import annotations

from typing import Annotated, Any

from fastmcp import Context, FastMCP
from fastmcp.tools import ToolResult
from pydantic import Field
from pygent.servers.filesystem import grep as grepping
from pygent.servers.filesystem.models import GrepResult, SearchResult
from pygent.servers.filesystem.read_tools import PathArg
from pygent.servers.filesystem.responses import respond, schema
from pygent.servers.filesystem.searching import search_files as find
from pygent.servers.filesystem.service import READ_ONLY, Filesystem

Globs = Annotated[tuple[str, ...], Field(description="glob patterns")]


def register(mcp: FastMCP[Any], fs: Filesystem) -> None:
    @mcp.tool(title="Search Files", annotations=READ_ONLY, output_schema=schema(SearchResult))
    async def search_files(
        ctx: Context,
        path: PathArg,
        pattern: Annotated[str, Field(description="glob over paths relative to `path`: '*.ext' or '**/*.ext'")],
        excludePatterns: Annotated[
            tuple[str, ...], Field(description="glob patterns of relative paths to skip (not entered)")
        ] = (),
    ) -> ToolResult:
        """Recursively search for files and directories whose path relative to 'path' matches a
        glob: '*.ext' matches in that directory, '**/*.ext' at any depth. Returns full paths.
        Only searches within allowed directories."""
        result = await fs.run(ctx, find, path, pattern, exclude=excludePatterns, max_results=fs.settings.max_results)
        blocks = ["\n".join(result.matches) if result.matches else "No matches found"]
        if result.truncated:
            blocks.append(f"[truncated after {len(result.matches)} results; narrow the pattern]")
        return respond(result, *blocks)

    @mcp.tool(title="Grep", annotations=READ_ONLY, output_schema=schema(GrepResult))
    async def grep(
        ctx: Context,
        pattern: Annotated[str, Field(min_length=1, description="regular expression (Python syntax), per line")],
        path: Annotated[str, Field(description="directory to search below, or one file")] = ".",
        includePatterns: Annotated[
            tuple[str, ...], Field(description="only files matching these globs (e.g. '*.py'; with '/' on paths)")
        ] = (),
        excludePatterns: Annotated[
            tuple[str, ...], Field(description="skip files and directories matching these globs (e.g. 'node_modules')")
        ] = (),
        contextLines: Annotated[int, Field(ge=0, le=20, description="lines of context around each match")] = 0,
        maxMatches: Annotated[int, Field(ge=1, le=5000, description="stop after this many matching lines")] = 200,
        ignoreCase: Annotated[bool, Field(description="match case-insensitively")] = False,
    ) -> ToolResult:
        """Search file contents with a regular expression, like grep -rE: matching lines with
        their line numbers and optional context. Binary and very large files are skipped and
        counted; symlinks are not followed. Only searches within allowed directories."""
        options = grepping.GrepOptions(
            include=includePatterns,
            exclude=excludePatterns,
            context=contextLines,
            max_matches=maxMatches,
            ignore_case=ignoreCase,
            max_file_bytes=fs.settings.grep_max_file_bytes,
        )
        result = await fs.run(ctx, grepping.grep, path, pattern, options)
        return respond(result, render_grep(result))


def render_grep(result: GrepResult) -> str:
    """grep -n style: `path:line:text`, context as `path-line-text`, groups split by `--`."""
    lines: list[str] = []
    for match in result.matches:
        if match.before or match.after:
            if lines:
                lines.append("--")
            start = match.line - len(match.before)
            lines += [f"{match.path}-{start + i}-{text}" for i, text in enumerate(match.before)]
        lines.append(f"{match.path}:{match.line}:{match.text}")
        lines += [f"{match.path}-{match.line + 1 + i}-{text}" for i, text in enumerate(match.after)]
    summary = (
        f"{len(result.matches)} matching lines in {result.files_matched} files "
        f"({result.files_searched} searched"
        + (f", {result.binary_files_skipped} binary skipped" if result.binary_files_skipped else "")
        + (f", {result.large_files_skipped} too large skipped" if result.large_files_skipped else "")
        + ")"
        + ("; stopped at maxMatches" if result.truncated else "")
    )
    return "\n".join(lines) + "\n\n" + summary if lines else "No matches found\n\n" + summary
