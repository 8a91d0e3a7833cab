"""Changing files inside the sandbox: write, edit, create directories, move and delete.

    write_file(sandbox, "notes/today.md", "# Today\\n")
    edit_file(sandbox, "a.py", [Edit("x = 1", "x = 2")], dry_run=True, max_bytes=16 << 20)

New contents are written to a temporary file in the same directory and renamed
over the target, so readers never see half a file and a symlink swapped in at
the last moment is replaced rather than written through. Moves never
overwrite (`renameat2(RENAME_NOREPLACE)` where the kernel has it).
"""

from __future__ import annotations

import ctypes
import errno
import os
import secrets
import shutil
import stat
from collections.abc import Sequence
from contextlib import suppress
from functools import cache
from typing import Any

from pygent.core.errors import (
    ConflictError,
    InvalidArgumentError,
    LimitExceededError,
    NotFoundError,
    PermissionDeniedError,
)
from pygent.servers.filesystem.edits import Edit, apply_edits, unified_diff
from pygent.servers.filesystem.listing import entry_type
from pygent.servers.filesystem.models import DeleteResult, DirectoryCreated, EditResult, MoveResult, WriteResult
from pygent.servers.filesystem.reading import is_binary
from pygent.servers.filesystem.sandbox import Location, Sandbox

RENAME_NOREPLACE = 1
_READ_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC


def write_file(sandbox: Sandbox, path: str, content: str) -> WriteResult:
    """Create or replace a file with `content` (UTF-8); its parent directory must exist."""
    data = content.encode("utf-8")
    with sandbox.locate(path) as here:
        existing = _lstat(here)
        if not here.name or (existing is not None and stat.S_ISDIR(existing.st_mode)):
            raise InvalidArgumentError(f"{here.path} is a directory; write_file writes files")
        # A symlink swapped in after the check has mode 0777; the new file must not inherit it.
        mode = stat.S_IMODE(existing.st_mode) if existing is not None and stat.S_ISREG(existing.st_mode) else None
        replace_contents(here, data, mode)
        return WriteResult(path=here.path, bytes_written=len(data), created=existing is None)


def edit_file(sandbox: Sandbox, path: str, edits: Sequence[Edit], *, dry_run: bool, max_bytes: int) -> EditResult:
    """Apply exact replacements; with `dry_run` only the diff is computed and nothing changes.

    Raises:
        InvalidArgumentError: a missing or ambiguous match, a binary or non-UTF-8 file.
        LimitExceededError: the file is larger than `max_bytes`.
    """
    if not edits:
        raise InvalidArgumentError("edits is empty; pass at least one {oldText, newText} pair")
    with sandbox.locate(path) as here:
        original, mode = _read_for_edit(here, max_bytes)
        crlf = "\r\n" in original
        text = original.replace("\r\n", "\n") if crlf else original
        changed = apply_edits(text, edits, path=here.path)
        diff = unified_diff(text, changed, here.path)
        applied = not dry_run and changed != text
        if applied:
            replace_contents(here, (changed.replace("\n", "\r\n") if crlf else changed).encode("utf-8"), mode)
        return EditResult(path=here.path, diff=diff, applied=applied, edits=len(edits))


def create_directory(sandbox: Sandbox, path: str) -> DirectoryCreated:
    """Create a directory and any missing parents; an existing directory is fine."""
    with sandbox.locate(path, create_parents=True) as here:
        if not here.name:
            return DirectoryCreated(path=here.path, created=False)
        try:
            os.mkdir(here.name, dir_fd=here.dir_fd)
        except FileExistsError:
            existing = _lstat(here)
            if existing is None or not stat.S_ISDIR(existing.st_mode):
                raise ConflictError(f"{here.path} exists and is not a directory") from None
            return DirectoryCreated(path=here.path, created=False)
        except OSError as exc:
            raise InvalidArgumentError(f"cannot create {here.path}: {os.strerror(exc.errno or 0)}") from None
        return DirectoryCreated(path=here.path, created=True)


def move_file(sandbox: Sandbox, source: str, destination: str) -> MoveResult:
    """Move or rename a file or directory; fails if the destination exists.

    A symlink is moved as the link itself, never its target.
    """
    with sandbox.locate(source, follow=False) as src, sandbox.locate(destination, follow=False) as dst:
        if not src.name:
            raise PermissionDeniedError(f"{src.path} is an allowed directory itself and cannot be moved")
        if _lstat(src) is None:
            raise NotFoundError(f"{src.path} does not exist")
        if not dst.name or _lstat(dst) is not None:
            raise ConflictError(f"{dst.path} already exists; move_file never overwrites")
        try:
            rename_noreplace(src.dir_fd, src.name, dst.dir_fd, dst.name)
        except FileExistsError:
            raise ConflictError(f"{dst.path} already exists; move_file never overwrites") from None
        except FileNotFoundError:
            raise NotFoundError(f"{src.path} does not exist") from None
        except OSError as exc:
            if exc.errno == errno.EXDEV:
                raise InvalidArgumentError(f"cannot move {src.path} to another filesystem") from None
            if exc.errno == errno.EINVAL:
                raise InvalidArgumentError(f"cannot move {src.path} into itself") from None
            raise InvalidArgumentError(f"cannot move {src.path}: {os.strerror(exc.errno or 0)}") from None
        return MoveResult(source=src.path, destination=dst.path)


def delete_file(sandbox: Sandbox, path: str, *, recursive: bool) -> DeleteResult:
    """Delete a file or symlink (the link, not its target); a directory only with `recursive`."""
    with sandbox.locate(path, follow=False) as here:
        if not here.name:
            raise PermissionDeniedError(f"{here.path} is an allowed directory itself and cannot be deleted")
        existing = _lstat(here)
        if existing is None:
            raise NotFoundError(f"{here.path} does not exist")
        kind = entry_type(existing.st_mode)
        try:
            if kind == "directory":
                if not recursive:
                    raise InvalidArgumentError(
                        f"{here.path} is a directory; pass recursive=true to delete it and everything in it"
                    )
                shutil.rmtree(here.name, dir_fd=here.dir_fd)
            else:
                os.unlink(here.name, dir_fd=here.dir_fd)
        except OSError as exc:
            raise InvalidArgumentError(f"cannot delete {here.path}: {os.strerror(exc.errno or 0)}") from None
        return DeleteResult(path=here.path, type=kind)


def replace_contents(here: Location, data: bytes, mode: int | None) -> None:
    """Write `data` to a temporary sibling, then rename it over `here.name`."""
    temp = f".{here.name[:180]}.{secrets.token_hex(6)}.tmp"
    try:
        fd = os.open(
            temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o666, dir_fd=here.dir_fd
        )
    except OSError as exc:
        raise InvalidArgumentError(f"cannot write {here.path}: {os.strerror(exc.errno or 0)}") from None
    try:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            if mode is not None:
                os.fchmod(fd, mode)
        finally:
            os.close(fd)
        os.replace(temp, here.name, src_dir_fd=here.dir_fd, dst_dir_fd=here.dir_fd)
    except BaseException:
        with suppress(OSError):
            os.unlink(temp, dir_fd=here.dir_fd)
        raise


def rename_noreplace(src_fd: int, src: str, dst_fd: int, dst: str) -> None:
    """Rename without ever replacing an existing destination (FileExistsError instead)."""
    renameat2 = _renameat2()
    if renameat2 is not None:
        if renameat2(src_fd, os.fsencode(src), dst_fd, os.fsencode(dst), RENAME_NOREPLACE) == 0:
            return
        code = ctypes.get_errno()
        if code not in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):
            raise OSError(code, os.strerror(code))
    # no RENAME_NOREPLACE here (old kernel, some filesystems): check, then rename
    with suppress(FileNotFoundError):
        os.stat(dst, dir_fd=dst_fd, follow_symlinks=False)
        raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST))
    os.rename(src, dst, src_dir_fd=src_fd, dst_dir_fd=dst_fd)


@cache
def _renameat2() -> Any:
    try:
        function = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    function.restype = ctypes.c_int
    return function


def _lstat(here: Location) -> os.stat_result | None:
    try:
        return os.stat(here.name, dir_fd=here.dir_fd, follow_symlinks=False) if here.name else os.fstat(here.dir_fd)
    except FileNotFoundError:
        return None


def _read_for_edit(here: Location, max_bytes: int) -> tuple[str, int]:
    if not here.name:
        raise InvalidArgumentError(f"{here.path} is a directory; edit_file edits text files")
    try:
        fd = os.open(here.name, _READ_FLAGS, dir_fd=here.dir_fd)
    except FileNotFoundError:
        raise NotFoundError(f"{here.path} does not exist") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise InvalidArgumentError(f"{here.path} changed while it was being opened; try again") from None
        raise InvalidArgumentError(f"cannot open {here.path}: {os.strerror(exc.errno or 0)}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise InvalidArgumentError(f"{here.path} is not a regular file")
        if info.st_size > max_bytes:
            raise LimitExceededError(f"{here.path} is {info.st_size} bytes; edit_file edits files up to {max_bytes}")
        chunks = []
        while chunk := os.read(fd, 1 << 20):
            chunks.append(chunk)
    finally:
        os.close(fd)
    data = b"".join(chunks)
    if is_binary(data):
        raise InvalidArgumentError(f"{here.path} looks like a binary file; edit_file edits text")
    try:
        return data.decode("utf-8"), stat.S_IMODE(info.st_mode)
    except UnicodeDecodeError:
        raise InvalidArgumentError(
            f"{here.path} is not valid UTF-8; edit_file refuses so nothing is corrupted"
        ) from None
