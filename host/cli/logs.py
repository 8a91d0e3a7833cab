"""`pygent logs [NAME] [-f] [-n LINES]`: a server's stderr from the running host, or the host's log file.

    pygent logs memory -f      # the memory server's stderr, then new lines as they come (Ctrl-C stops)
    pygent logs                # the last lines of $PYGENT_HOME/logs/host.log, as text

Following polls (the REST API every second, the file four times a second):
cheap, and a restarted server or a rotated log file is picked up.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path
from typing import Any

import anyio
from pygent.core.errors import NotFoundError, UnavailableError
from pygent.core.settings import Settings
from pygent.host.cli.control import MeshControl, connect, load_settings
from pygent.host.cli.local import NOT_RUNNING

SERVER_POLL = 1.0
FILE_POLL = 0.25
HOST_LOG = "host.log"


def new_lines(before: list[str], after: list[str]) -> list[str]:
    """The lines of the tail `after` that the earlier tail `before` did not have.

    A tail is a window over a stream: the longest end of `before` that starts
    `after` is what both saw. No overlap means a new process (or a flood): all is new.

    >>> new_lines(["a", "b", "c"], ["b", "c", "d", "e"])
    ['d', 'e']
    >>> new_lines(["a"], ["x", "y"])
    ['x', 'y']
    """
    for start in range(len(before)):
        seen = before[start:]
        if after[: len(seen)] == seen:
            return after[len(seen) :]
    return after


async def _server_logs(control: MeshControl, name: str, lines: int, follow: bool) -> None:
    if not control.live:
        await control.server(name)  # an unknown name is still named as such
        raise UnavailableError(
            f"{NOT_RUNNING}: a server's stderr is kept by the running host; `pygent logs` shows the host log"
        )
    tail = (await control.server(name)).stderr_tail
    for line in tail[-lines:]:
        print(line, flush=True)
    while follow:
        await anyio.sleep(SERVER_POLL)
        latest = (await control.server(name)).stderr_tail
        for line in new_lines(tail, latest):
            print(line, flush=True)
        tail = latest


def as_text(line: str) -> str:
    """A JSON log record as `time LEVEL logger: message key=value`; other lines unchanged."""
    try:
        record: Any = json.loads(line)
    except ValueError:
        return line
    if not isinstance(record, dict) or "message" not in record:
        return line
    known = ("time", "level", "logger", "message", "exception")
    fields = " ".join(f"{key}={value}" for key, value in record.items() if key not in known)
    text = f"{record.get('time', '')} {record.get('level', ''):<7} {record.get('logger', '')}: {record['message']}"
    text = f"{text} {fields}" if fields else text
    return f"{text}\n{record['exception']}" if record.get("exception") else text


def _host_log(path: Path, lines: int, follow: bool) -> None:
    try:
        log = path.open("rb")
    except FileNotFoundError:
        raise NotFoundError(f"no host log at {path} yet (`pygent serve` writes it)") from None
    try:
        for line in log.read().decode("utf-8", "replace").splitlines()[-lines:]:
            print(as_text(line), flush=True)
        pending = b""
        while follow:
            # As `tail -F` does: appends are read from the open handle; the path is looked at
            # only to notice a rotation (a new inode) or a truncation.
            if chunk := log.read():
                *complete, pending = (pending + chunk).split(b"\n")
                for raw in complete:
                    print(as_text(raw.decode("utf-8", "replace")), flush=True)
                continue
            time.sleep(FILE_POLL)
            try:
                current = path.stat()
            except FileNotFoundError:
                continue  # between a rotation's rename and the new file
            if current.st_ino != os.fstat(log.fileno()).st_ino:
                log.close()
                log, pending = path.open("rb"), b""
            elif current.st_size < log.tell():
                log.seek(0)
                pending = b""
    finally:
        log.close()


async def _server(args: argparse.Namespace, settings: Settings) -> None:
    async with connect(settings, args) as control:
        await _server_logs(control, args.name, args.lines, args.follow)


def logs(args: argparse.Namespace) -> int:
    settings = load_settings(args)
    if args.name is None:
        _host_log(settings.data.logs / HOST_LOG, args.lines, args.follow)
    else:
        anyio.run(_server, args, settings)
    return 0
