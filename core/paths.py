"""The data directory layout under `PYGENT_HOME` (default `~/.pygent`).

home/
  state.db        SQLite: registry, agent specs, conversations
  lance/          vectors (LanceDB)
  files/          ingested documents
  logs/           host logs
  workspace/      the user's files: the default root of the filesystem server, and of
                  rag's ingest_path, search's local_search and github's local git tools
  servers/<name>/ each capability server's own state

data = DataDir(Path("~/.pygent").expanduser())
data.server("memory")   # created on first use
data.workspace          # likewise
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from pygent.core.errors import InvalidArgumentError

_SERVER_NAME = re.compile(r"^[a-z][a-z0-9_-]{0,63}$")


@dataclass(frozen=True)
class DataDir:
    """Paths inside one PyGent home directory; folders are created when asked for."""

    home: Path

    def _folder(self, path: Path) -> Path:
        path.mkdir(parents=True, exist_ok=True)
        return path

    @property
    def state_db(self) -> Path:
        self._folder(self.home)
        return self.home / "state.db"

    @property
    def logs(self) -> Path:
        return self._folder(self.home / "logs")

    @property
    def workspace(self) -> Path:
        """The folder servers that read the user's files default to.

        It sits beside the servers' state, not inside one server's folder: it holds
        the user's files, which four servers share, and must survive resetting any
        one server's state. Before, it was the filesystem server's
        `servers/filesystem/workspace`; a workspace found there is moved here once.
        """
        path = self.home / "workspace"
        legacy = self.home / "servers" / "filesystem" / "workspace"
        if not path.exists() and legacy.is_dir():
            try:
                legacy.rename(path)
            except OSError:  # another server process moved it first
                pass
        return self._folder(path)

    def server(self, name: str) -> Path:
        """The state folder of one capability server.

        Raises:
            InvalidArgumentError: the name could escape the data directory.
        """
        if not _SERVER_NAME.match(name):
            raise InvalidArgumentError(f"invalid server name {name!r}")
        return self._folder(self.home / "servers" / name)
