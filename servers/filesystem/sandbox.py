"""Resolve paths inside the allowed roots and open them without following swapped-in symlinks.

    sandbox = Sandbox(["/srv/docs"])
    with sandbox.open_file("notes/a.txt") as opened:       # opened.fd, opened.path, opened.stat
        data = os.read(opened.fd, 4096)
    with sandbox.locate("notes/new.txt") as here:           # here.dir_fd, here.name, here.path
        os.mkdir(here.name, dir_fd=here.dir_fd)

A request is first normalised lexically (relative paths start at the first
root; `..` may not climb out; NUL bytes are refused) and must then lie inside a
root, with whole-component matching so `/allowed-other` is not inside
`/allowed`. It is then walked from its root one component at a time, each
opened with `O_NOFOLLOW` relative to its parent's descriptor. A symlink met on
the way is read and its target checked against the roots before the walk goes
on, so a link that leads outside, or dangles towards outside, is refused. A
symlink swapped in after a check is never followed: the open either gets the
real entry or fails with ELOOP, and the walk starts over.
"""

from __future__ import annotations

import errno
import os
import re
import stat
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from pygent.core.errors import InvalidArgumentError, NotFoundError, PermissionDeniedError

DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
MAX_SYMLINKS = 40
_WINDOWS_DRIVE = re.compile(r"^[A-Za-z]:([\\/]|$)")


@dataclass(frozen=True)
class Location:
    """An entry inside the sandbox: `name` in the open directory `dir_fd`.

    `name` is "" when the location is a directory opened itself (a root, or
    `open_directory`). `path` is the real absolute path, for messages.
    """

    dir_fd: int
    name: str
    path: str


@dataclass(frozen=True)
class OpenedFile:
    fd: int
    path: str
    stat: os.stat_result


class _Raced(Exception):
    """An entry changed between two steps of a walk; the walk starts over."""


class Sandbox:
    """The allowed roots (real, absolute paths) and safe access below them."""

    def __init__(self, roots: Sequence[str], *, empty_reason: str = "no allowed directories are configured") -> None:
        unique = list(dict.fromkeys(os.path.normpath(root) for root in roots))
        self.roots: tuple[str, ...] = tuple(unique)
        self._longest_first = tuple(sorted(unique, key=len, reverse=True))
        self._empty_reason = empty_reason

    def root_of(self, path: str) -> str | None:
        """The root containing a normalised absolute path, or None."""
        for root in self._longest_first:
            if path == root or path.startswith(root if root == "/" else root + "/"):
                return root
        return None

    def absolute(self, requested: str) -> str:
        """The normalised absolute form of a requested path, which must lie inside a root.

        Raises:
            InvalidArgumentError: empty, NUL bytes, a Windows drive path.
            PermissionDeniedError: the path is outside every root.
        """
        if not requested or not requested.strip():
            raise InvalidArgumentError("path is empty")
        if "\x00" in requested:
            raise InvalidArgumentError("path contains a NUL byte")
        if _WINDOWS_DRIVE.match(requested):
            raise InvalidArgumentError(f"{requested!r} is a Windows path; this server runs on a POSIX system")
        if not self.roots:
            raise PermissionDeniedError(self._empty_reason)
        expanded = os.path.expanduser(requested) if requested.startswith("~") else requested
        joined = expanded if os.path.isabs(expanded) else os.path.join(self.roots[0], expanded)
        path = _normalise(joined)
        if self.root_of(path) is None:
            raise PermissionDeniedError(f"{requested} is outside the allowed directories ({', '.join(self.roots)})")
        return path

    @contextmanager
    def locate(self, requested: str, *, follow: bool = True, create_parents: bool = False) -> Iterator[Location]:
        """The parent directory (open) and final name of a path, for operations on that name.

        With `follow`, a final symlink is resolved (its target must be inside the
        roots); without it, the name is the link itself (delete, move).

        Raises:
            PermissionDeniedError, NotFoundError, InvalidArgumentError.
        """
        location = self._walk(requested, follow=follow, create_parents=create_parents)
        try:
            yield location
        finally:
            os.close(location.dir_fd)

    @contextmanager
    def open_directory(self, requested: str) -> Iterator[Location]:
        """An existing directory, opened itself (`name` is "")."""
        fd, path = self._open_final(requested, DIR_FLAGS, kind="directory")
        try:
            yield Location(fd, "", path)
        finally:
            os.close(fd)

    @contextmanager
    def open_file(self, requested: str, flags: int = os.O_RDONLY) -> Iterator[OpenedFile]:
        """An existing regular file, opened with `flags` (never through a symlink swapped in)."""
        fd, path = self._open_final(requested, flags | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK, kind="file")
        try:
            info = os.fstat(fd)
            if stat.S_ISDIR(info.st_mode):
                raise InvalidArgumentError(f"{path} is a directory, not a file")
            if not stat.S_ISREG(info.st_mode):
                raise InvalidArgumentError(f"{path} is not a regular file")
            yield OpenedFile(fd, path, info)
        finally:
            os.close(fd)

    def _open_final(self, requested: str, flags: int, *, kind: str) -> tuple[int, str]:
        for _ in range(MAX_SYMLINKS):
            location = self._walk(requested, follow=True, create_parents=False)
            if not location.name:
                if kind == "directory":
                    return location.dir_fd, location.path
                os.close(location.dir_fd)
                raise InvalidArgumentError(f"{location.path} is a directory, not a file")
            try:
                return os.open(location.name, flags, dir_fd=location.dir_fd), location.path
            except FileNotFoundError:
                raise NotFoundError(f"{location.path} does not exist") from None
            except OSError as exc:
                if exc.errno == errno.ELOOP:
                    continue  # a symlink was swapped in after the walk checked the name
                raise _describe(exc, location.path, kind) from None
            finally:
                os.close(location.dir_fd)
        raise InvalidArgumentError(f"{requested} keeps changing while it is opened; try again")

    def _walk(self, requested: str, *, follow: bool, create_parents: bool) -> Location:
        path = self.absolute(requested)
        through_link = False
        for _ in range(MAX_SYMLINKS):
            root = self.root_of(path)
            if root is None:
                raise PermissionDeniedError(
                    f"{requested} leads through a symlink to {path}, outside the allowed directories"
                    if through_link
                    else f"{requested} is outside the allowed directories"
                )
            try:
                next_path = self._walk_from(root, path, follow=follow, create_parents=create_parents)
            except _Raced:
                continue
            if isinstance(next_path, Location):
                return next_path
            path, through_link = next_path, True
        raise InvalidArgumentError(f"{requested}: too many levels of symbolic links")

    def _walk_from(self, root: str, path: str, *, follow: bool, create_parents: bool) -> Location | str:
        """Walk `path` from `root`: a Location, or the next path to walk when a symlink redirects."""
        parts = [part for part in path[len(root) :].split("/") if part]
        fd = _open_root(root)
        current = root
        try:
            for index, part in enumerate(parts[:-1]):
                step = _enter(fd, part, current, create=create_parents)
                if isinstance(step, str):
                    return _redirect(current, step, parts[index + 1 :])
                os.close(fd)
                fd, current = step, os.path.join(current, part)
            if not parts:
                location = Location(fd, "", root)
            else:
                target = _link_target(fd, parts[-1]) if follow else None
                if target is not None:
                    return _redirect(current, target, [])
                location = Location(fd, parts[-1], os.path.join(current, parts[-1]))
            fd = -1
            return location
        finally:
            if fd >= 0:
                os.close(fd)


def open_child_directory(dir_fd: int, name: str) -> int | None:
    """Open a subdirectory for a recursive walk; None for symlinks and anything else."""
    try:
        return os.open(name, DIR_FLAGS, dir_fd=dir_fd)
    except OSError:
        return None


def _normalise(path: str) -> str:
    normal = os.path.normpath(path)
    return "/" + normal.lstrip("/") if normal.startswith("//") else normal


def _redirect(current: str, target: str, rest: Sequence[str]) -> str:
    base = target if os.path.isabs(target) else os.path.join(current, target)
    return _normalise(os.path.join(base, *rest))


def _open_root(root: str) -> int:
    try:
        return os.open(root, DIR_FLAGS)
    except FileNotFoundError:
        raise NotFoundError(f"allowed directory {root} no longer exists") from None
    except OSError as exc:
        raise _describe(exc, root, "directory") from None


def _enter(fd: int, part: str, current: str, *, create: bool) -> int | str:
    """Open the subdirectory `part`: its descriptor, or a symlink's target to follow."""
    path = os.path.join(current, part)
    try:
        return os.open(part, DIR_FLAGS, dir_fd=fd)
    except FileNotFoundError:
        if not create:
            raise NotFoundError(f"directory {path} does not exist") from None
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.ENOTDIR):
            target = _link_target(fd, part)
            if target is not None:
                return target
            if exc.errno == errno.ELOOP:
                raise _Raced from None
        raise _describe(exc, path, "directory") from None
    try:
        os.mkdir(part, dir_fd=fd)
    except FileExistsError:
        pass
    except OSError as exc:
        raise _describe(exc, path, "directory") from None
    try:
        return os.open(part, DIR_FLAGS, dir_fd=fd)
    except OSError:
        raise _Raced from None  # replaced right after creation: walk again from the root


def _link_target(fd: int, name: str) -> str | None:
    try:
        return os.readlink(name, dir_fd=fd)
    except OSError as exc:
        if exc.errno in (errno.EINVAL, errno.ENOENT):
            return None  # not a symlink, or does not exist (yet)
        raise


def _describe(exc: OSError, path: str, kind: str) -> Exception:
    if exc.errno in (errno.EACCES, errno.EPERM):
        return PermissionDeniedError(f"{path}: permission denied by the operating system")
    if exc.errno == errno.ENOTDIR:
        return InvalidArgumentError(f"{path} is not a directory")
    if exc.errno == errno.EISDIR:
        return InvalidArgumentError(f"{path} is a directory, not a {kind}")
    if exc.errno == errno.ENAMETOOLONG:
        return InvalidArgumentError(f"{path}: name too long")
    return InvalidArgumentError(f"{path}: {os.strerror(exc.errno or 0)}")
