"""One interface to the mesh for every `pygent servers|tools|logs` command.

    async with connect(settings, args) as control:       # a running host, else the registry here
        rows = await control.servers()
        if not control.live: say("the host is not running")

`RestControl` (a running host's REST API) and `LocalControl` (the registry
and, for tools, a mesh started in-process) implement `MeshControl`, so each
command is written once. Both speak the REST API's models, so `--json` output
is the same either way.
"""

from __future__ import annotations

import argparse
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, Protocol

from pygent.core.errors import InvalidArgumentError
from pygent.core.settings import Settings
from pygent.host.api import ServerDetail, ServerSummary
from pygent.host.cli.local import LocalControl
from pygent.host.cli.rest import RestControl, find_host
from pygent.registry.models import ServerEntry


class MeshControl(Protocol):
    @property
    def live(self) -> bool:
        """True when a host runs the servers: status, restarts and stderr are real."""
        ...

    async def servers(self) -> list[ServerSummary]: ...

    async def server(self, name: str) -> ServerDetail: ...

    async def add(self, name: str, entry: ServerEntry) -> ServerSummary: ...

    async def remove(self, name: str) -> None: ...

    async def set_enabled(self, name: str, enabled: bool) -> ServerSummary: ...

    async def restart(self, name: str) -> ServerSummary: ...

    async def entries(self) -> dict[str, ServerEntry]:
        """Every registered entry; over REST with credentials already masked."""
        ...

    async def tools(self) -> list[dict[str, Any]]: ...

    async def call_tool(self, name: str, arguments: dict[str, Any]) -> dict[str, Any]: ...


def load_settings(args: argparse.Namespace, **overrides: Any) -> Settings:
    """Settings from the environment and file, with the command line's flags on top."""
    if getattr(args, "config", None):
        overrides["config"] = Path(args.config)
    settings_file = Path(args.settings) if getattr(args, "settings", None) else None
    return Settings.load(overrides, file=settings_file)


@asynccontextmanager
async def connect(settings: Settings, args: argparse.Namespace, *, local: bool = False) -> AsyncIterator[MeshControl]:
    """The running host when one answers (`--host-url` must), else the local registry.

    `local=True` always uses the local registry: for what REST never sends (secrets).

    Raises:
        UnavailableError: `--host-url` was given and does not answer.
    """
    url = getattr(args, "url", None)
    if local and url:
        raise InvalidArgumentError(
            "the REST API never sends secrets: run this on the host's machine without --host-url"
        )
    client = None if local else await find_host(settings, url, getattr(args, "token", None))
    if client is not None:
        async with client:
            yield RestControl(client)
        return
    async with LocalControl.open(settings) as control:
        yield control
