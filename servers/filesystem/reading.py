"""Reading files inside the sandbox: text (whole, head or tail, capped) and media as base64.

    text = read_text(sandbox, "notes.md", head=20, max_bytes=2 << 20)
    media = read_media(sandbox, "logo.png", max_bytes=20 << 20)

Binary files are detected (a NUL byte in the first 8 KiB, as git does) and
refused as text with a pointer to `read_media_file`.
"""

from __future__ import annotations

import base64
import mimetypes
import os
from collections.abc import Sequence

from pygent.core.errors import InvalidArgumentError, LimitExceededError, PygentError
from pygent.servers.filesystem.models import FileContent, MediaFile, MediaKind, MultipleFiles, TextFile
from pygent.servers.filesystem.sandbox import Sandbox

SNIFF_BYTES = 8192
CHUNK = 65536

MEDIA_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".bmp": "image/bmp",
    ".svg": "image/svg+xml",
    ".ico": "image/x-icon",
    ".tif": "image/tiff",
    ".tiff": "image/tiff",
    ".avif": "image/avif",
    ".mp3": "audio/mpeg",
    ".wav": "audio/wav",
    ".ogg": "audio/ogg",
    ".flac": "audio/flac",
    ".m4a": "audio/mp4",
    ".aac": "audio/aac",
    ".opus": "audio/opus",
    ".weba": "audio/webm",
}


class BinaryFileError(InvalidArgumentError):
    """A text read met a binary file."""


def is_binary(sample: bytes) -> bool:
    return b"\x00" in sample[:SNIFF_BYTES]


def read_text(
    sandbox: Sandbox, path: str, *, head: int | None = None, tail: int | None = None, max_bytes: int
) -> TextFile:
    """The text of a file, or its first/last lines.

    Raises:
        InvalidArgumentError: both head and tail, a binary file, not a file.
        NotFoundError, PermissionDeniedError: from the sandbox.
    """
    if head is not None and tail is not None:
        raise InvalidArgumentError("pass head or tail, not both")
    with sandbox.open_file(path) as opened:
        size = opened.stat.st_size
        if is_binary(os.pread(opened.fd, SNIFF_BYTES, 0)):
            raise BinaryFileError(
                f"{opened.path} looks like a binary file ({size} bytes); use read_media_file to get its bytes"
            )
        if tail is not None:
            data, truncated = _tail(opened.fd, size, tail, max_bytes)
        elif head is not None:
            data, truncated = _head(opened.fd, head, max_bytes)
        else:
            data, truncated = _whole(opened.fd, max_bytes)
        return TextFile(path=opened.path, content=data.decode("utf-8", "replace"), size=size, truncated=truncated)


def read_media(sandbox: Sandbox, path: str, *, max_bytes: int) -> MediaFile:
    """A file's bytes as base64 with its MIME type (image, audio, or a generic resource).

    Raises:
        LimitExceededError: the file is larger than `max_bytes`.
    """
    with sandbox.open_file(path) as opened:
        size = opened.stat.st_size
        if size > max_bytes:
            raise LimitExceededError(
                f"{opened.path} is {size} bytes; read_media_file returns files up to {max_bytes} bytes"
            )
        data, _ = _whole(opened.fd, max_bytes)
        mime = media_type(opened.path)
        kind: MediaKind = "image" if mime.startswith("image/") else "audio" if mime.startswith("audio/") else "resource"
        return MediaFile(
            path=opened.path, mime_type=mime, kind=kind, size=len(data), data=base64.b64encode(data).decode("ascii")
        )


def read_many(sandbox: Sandbox, paths: Sequence[str], *, max_bytes: int) -> MultipleFiles:
    """Each file's text; a file that cannot be read gets its error, the others are still read."""
    files = []
    for path in paths:
        try:
            text = read_text(sandbox, path, max_bytes=max_bytes)
            files.append(FileContent(path=path, content=text.content, truncated=text.truncated))
        except PygentError as exc:
            files.append(FileContent(path=path, error=exc.message))
        except OSError as exc:
            files.append(FileContent(path=path, error=os.strerror(exc.errno or 0)))
    failed = sum(1 for item in files if item.error is not None)
    return MultipleFiles(files=files, read=len(files) - failed, failed=failed)


def media_type(path: str) -> str:
    extension = os.path.splitext(path)[1].lower()
    return MEDIA_TYPES.get(extension) or mimetypes.guess_type(path)[0] or "application/octet-stream"


def _whole(fd: int, max_bytes: int) -> tuple[bytes, bool]:
    chunks: list[bytes] = []
    remaining = max_bytes + 1
    while remaining > 0:
        chunk = os.read(fd, min(CHUNK, remaining))
        if not chunk:
            break
        chunks.append(chunk)
        remaining -= len(chunk)
    data = b"".join(chunks)
    if len(data) <= max_bytes:
        return data, False
    data = data[:max_bytes]
    cut = data.rfind(b"\n")
    return (data[: cut + 1] if cut > 0 else data), True


def _head(fd: int, lines: int, max_bytes: int) -> tuple[bytes, bool]:
    buffer = bytearray()
    while buffer.count(b"\n") < lines and len(buffer) <= max_bytes:
        chunk = os.read(fd, CHUNK)
        if not chunk:
            break
        buffer += chunk
    kept = b"".join(bytes(buffer).splitlines(keepends=True)[:lines])
    if len(kept) > max_bytes:
        return kept[:max_bytes], True
    return kept, False


def _tail(fd: int, size: int, lines: int, max_bytes: int) -> tuple[bytes, bool]:
    buffer = b""
    position = size
    # one newline more than asked for marks the start of the first wanted line
    while position > 0 and buffer.count(b"\n") <= lines and len(buffer) <= max_bytes:
        step = min(CHUNK, position)
        position -= step
        buffer = os.pread(fd, step, position) + buffer
    kept = b"".join(buffer.splitlines(keepends=True)[-lines:])
    if len(kept) > max_bytes:
        return kept[-max_bytes:], True
    return kept, False
