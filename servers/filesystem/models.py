"""Structured results of the filesystem tools (each tool's output schema).

Text content stays what the reference server prints, so prompts written for
it keep working; these models are the `structuredContent` next to it.

Long lists (directory entries, tree nodes, search and grep results) are
published as plain arrays whose item fields are named in the description:
MCP SDK clients validate structured content against the output schema, and
the Python SDK's jsonschema spends about 40 µs per typed item, which turned a
1,000-entry listing into a 200 ms call. The server still builds and checks
every item with the models below.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, WithJsonSchema

EntryType = Literal["file", "directory", "symlink", "other"]


def bulk(description: str) -> WithJsonSchema:
    """The schema of a long list: an array, its items described in words (see the module docstring)."""
    return WithJsonSchema({"type": "array", "description": description})


MediaKind = Literal["image", "audio", "resource"]


class TextFile(BaseModel):
    path: str
    content: str
    size: int = Field(description="size of the whole file in bytes")
    truncated: bool = Field(description="true when only part of the file is returned because of the size cap")


class MediaFile(BaseModel):
    path: str
    mime_type: str
    kind: MediaKind
    size: int
    data: str = Field(description="the file's bytes, base64-encoded")


class FileContent(BaseModel):
    path: str
    content: str | None = None
    truncated: bool = False
    error: str | None = Field(default=None, description="why this file could not be read")


class MultipleFiles(BaseModel):
    files: list[FileContent]
    read: int
    failed: int


class WriteResult(BaseModel):
    path: str
    bytes_written: int
    created: bool = Field(description="true when the file did not exist before")


class EditResult(BaseModel):
    path: str
    diff: str = Field(description="unified diff of the change")
    applied: bool = Field(description="false for a dry run: the file is unchanged")
    edits: int


class DirectoryCreated(BaseModel):
    path: str
    created: bool = Field(description="false when the directory already existed")


class DirectoryNames(BaseModel):
    path: str
    directories: Annotated[list[str], bulk("names of subdirectories")]
    files: Annotated[list[str], bulk("names of regular files")]
    symlinks: Annotated[list[str], bulk("names of symbolic links (not followed)")]
    other: Annotated[list[str], bulk("names of sockets, pipes and devices")]


class DirectoryListing(BaseModel):
    path: str
    entries: Annotated[
        list[dict[str, Any]],
        bulk("objects {name, type: file|directory|symlink|other, size?: bytes, modified?: ISO 8601}"),
    ]
    files: int
    directories: int
    total_size: int = Field(description="sum of the sizes of the files listed")


class DirectoryTree(BaseModel):
    path: str
    tree: Annotated[
        list[dict[str, Any]], bulk("nodes {name, type: file|directory|symlink, children?: [nodes]} (directories)")
    ]
    entries: int
    truncated: bool = Field(description="true when the entry cap stopped the walk")


class MoveResult(BaseModel):
    source: str
    destination: str


class SearchResult(BaseModel):
    path: str
    pattern: str
    matches: Annotated[list[str], bulk("full paths of the matching entries")]
    truncated: bool


class FileInfo(BaseModel):
    path: str
    type: EntryType
    size: int
    created: str | None = Field(description="ISO 8601 birth time, when the filesystem records it")
    modified: str
    accessed: str
    changed: str = Field(description="ISO 8601 time of the last metadata change")
    permissions: str = Field(description="octal permission bits, e.g. 644")
    is_directory: bool
    is_file: bool
    is_symlink: bool


class AllowedDirectories(BaseModel):
    directories: list[str]


class GrepMatch(BaseModel):
    path: str
    line: int = Field(description="1-based line number")
    text: str
    before: list[str] = Field(default_factory=list, description="context lines before the match")
    after: list[str] = Field(default_factory=list, description="context lines after the match")


class GrepResult(BaseModel):
    pattern: str
    path: str
    matches: Annotated[
        list[GrepMatch], bulk("objects {path, line (1-based), text, before: [context lines], after: [context lines]}")
    ]
    files_searched: int
    files_matched: int
    binary_files_skipped: int
    large_files_skipped: int
    truncated: bool = Field(description="true when maxMatches stopped the search")


class DeleteResult(BaseModel):
    path: str
    type: EntryType
