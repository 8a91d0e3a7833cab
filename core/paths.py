"""The data directory layout under `PYGENT_HOME` (default `~/.pygent`).

home/
  state.db        SQLite: registry, agent specs, conversations
  lance/          vectors (LanceDB)
  files/          ingested documents
  logs/           host logs
  servers/<name>/ each capability server's own state

data = DataDir(Path("~/.pygent").expanduser())
data.server("memory")   # created on first use
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

    def server(self, name: str) -> Path:
        """The state folder of one capability server.

        Raises:
            InvalidArgumentError: the name could escape the data directory.
        """
        if not _SERVER_NAME.match(name):
            raise InvalidArgumentError(f"invalid server name {name!r}")
        return self._folder(self.home / "servers" / name)
