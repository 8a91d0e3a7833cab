"""The live registry: servers from `mcp.json` merged with runtime registrations.

    registry = Registry(load_config(path, os.environ), store, source=path)
    await registry.load()
    await registry.add("notes", StdioServer(command="notes-mcp"))   # persisted
    [r.name for r in registry.all()]

Names are the namespace of a server's tools (`<server>_<tool>`), so two names
where one is the other plus `_...` (`git` and `git_hub`) are refused: their
tool names could collide, and a collision is an error at registration rather
than last-writer-wins.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Literal

from pygent.core.errors import ConfigError, ConflictError, InvalidArgumentError, NotFoundError
from pygent.registry.models import ServerEntry, is_valid_server_name
from pygent.registry.store import RegistryStore

log = logging.getLogger("pygent.registry")

Source = Literal["file", "runtime"]


@dataclass(frozen=True)
class Registration:
    name: str
    entry: ServerEntry
    source: Source

    @property
    def enabled(self) -> bool:
        return self.entry.enabled


def namespaces_collide(a: str, b: str) -> bool:
    """Whether `<a>_<tool>` and `<b>_<tool>` names could ever be equal."""
    return a == b or a.startswith(b + "_") or b.startswith(a + "_")


class Registry:
    """All registered servers; mutations persist through the store."""

    def __init__(self, file_entries: dict[str, ServerEntry], store: RegistryStore, source: str = "mcp.json") -> None:
        self._file_entries = dict(file_entries)
        self._store = store
        self._source = source
        self._registrations: dict[str, Registration] = {}

    @property
    def store(self) -> RegistryStore:
        return self._store

    async def load(self) -> None:
        """Merge the file entries, runtime registrations and enable/disable overrides.

        Raises:
            ConfigError: two servers in the file have colliding names.
        """
        names = sorted(self._file_entries)
        for i, first in enumerate(names):
            for second in names[i + 1 :]:
                if namespaces_collide(first, second):
                    raise ConfigError(
                        f"{self._source}: server {second!r}: its tool names could collide with server {first!r}; "
                        "rename one (for example with '-' instead of '_')"
                    )
        overrides = await self._store.overrides()
        merged: dict[str, Registration] = {}
        for name, entry in self._file_entries.items():
            if name in overrides:
                entry = entry.model_copy(update={"enabled": overrides[name]})
            merged[name] = Registration(name, entry, "file")
        for name, entry in (await self._store.runtime_servers()).items():
            clash = next((other for other in merged if namespaces_collide(name, other)), None)
            if clash is not None:
                log.warning("runtime server ignored", extra={"server": name, "collides_with": clash})
                continue
            merged[name] = Registration(name, entry, "runtime")
        self._registrations = merged

    def all(self) -> list[Registration]:
        return sorted(self._registrations.values(), key=lambda r: r.name)

    def get(self, name: str) -> Registration:
        try:
            return self._registrations[name]
        except KeyError:
            raise NotFoundError(f"unknown server {name!r}") from None

    def __contains__(self, name: str) -> bool:
        return name in self._registrations

    def check_new_name(self, name: str) -> None:
        """Raise if `name` cannot be registered next to the current servers.

        Raises:
            InvalidArgumentError: the name has characters a namespace cannot have.
            ConflictError: the name is taken or would collide.
        """
        if not is_valid_server_name(name):
            raise InvalidArgumentError(
                f"invalid server name {name!r}: use letters, digits, '-' and '_' (max 63, not starting with - or _)"
            )
        if name in self._registrations:
            raise ConflictError(f"server {name!r} already exists")
        for other in self._registrations:
            if namespaces_collide(name, other):
                raise ConflictError(
                    f"server name {name!r} collides with {other!r}: tool names '{name}_...' and '{other}_...' "
                    "could be equal; choose another name"
                )

    async def add(self, name: str, entry: ServerEntry) -> Registration:
        """Register a server at runtime; it survives restarts.

        Raises:
            InvalidArgumentError, ConflictError: see `check_new_name`.
        """
        self.check_new_name(name)
        await self._store.put_server(name, entry)
        registration = Registration(name, entry, "runtime")
        self._registrations[name] = registration
        return registration

    async def remove(self, name: str) -> Registration:
        """Remove a runtime registration.

        Raises:
            NotFoundError: no such server.
            InvalidArgumentError: the server is defined in the config file.
        """
        registration = self.get(name)
        if registration.source == "file":
            raise InvalidArgumentError(f"server {name!r} is defined in {self._source}; remove it there, or disable it")
        await self._store.delete_server(name)
        del self._registrations[name]
        return registration

    async def set_enabled(self, name: str, enabled: bool) -> Registration:
        """Enable or disable a server; persisted for file and runtime servers alike."""
        registration = self.get(name)
        entry = registration.entry.model_copy(update={"enabled": enabled})
        if registration.source == "runtime":
            await self._store.put_server(name, entry)
        else:
            await self._store.set_override(name, enabled)
        updated = Registration(name, entry, registration.source)
        self._registrations[name] = updated
        return updated
