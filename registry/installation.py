"""Our own servers among the registered ones, and how to start them from anywhere.

    is_own_server(StdioServer(command="pygent", args=["server", "memory"]))   # True
    pygent_executable()     # '<your clone>/.venv/bin/pygent'
    own_variable("PYGENT_HOME"), own_variable("AWS_SECRET_ACCESS_KEY")      # True, False

An entry is ours when it runs this package: the `pygent` command (by name or
path) or `python -m pygent.…`. `mcp.json` names it `pygent`, which is only on
PATH while our venv is active; the host and exported client configs use the
absolute path of the `pygent` that is running instead (Claude Desktop starts
servers with its own PATH).

Third-party servers get only the MCP SDK's default environment (HOME, LOGNAME,
PATH, SHELL, TERM, USER) plus their entry's `env`. Ours also get the host's
variables that our settings read (`own_variable`): every `PYGENT_*`, the
unprefixed credentials some servers accept, and what HTTP clients, git and
locale-aware code need to work as they do for the user.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from pygent.registry.models import ServerEntry, StdioServer

PYGENT = "pygent"

# Read by our settings without the PYGENT_ prefix (AliasChoices; a test keeps this list complete).
SETTINGS_ALIASES = ("OLLAMA_HOST", "GITHUB_TOKEN", "BRAVE_API_KEY")
# What httpx (proxies, CA bundles), git over SSH and locale-aware code read.
_PASSED_THROUGH = (
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "ALL_PROXY",
    "NO_PROXY",
    "SSL_CERT_FILE",
    "SSL_CERT_DIR",
    "SSH_AUTH_SOCK",
    "TMPDIR",
    "LANG",
    "TZ",
)


def own_variable(name: str) -> bool:
    """Whether our own servers inherit this variable of the host's environment."""
    upper = name.upper()
    return upper.startswith(("PYGENT_", "LC_")) or upper in SETTINGS_ALIASES or upper in _PASSED_THROUGH


def _is_pygent(command: str) -> bool:
    return Path(command).name.lower() in (PYGENT, f"{PYGENT}.exe")


def is_own_server(entry: ServerEntry) -> bool:
    """Whether the entry starts this package's code (`pygent …` or `python -m pygent.…`)."""
    if not isinstance(entry, StdioServer):
        return False
    if _is_pygent(entry.command):
        return True
    return len(entry.args) >= 2 and entry.args[0] == "-m" and entry.args[1].startswith(f"{PYGENT}.")


def pygent_executable() -> str:
    """The absolute path of this installation's `pygent` entry point.

    It sits next to the running interpreter (`.venv/bin`, or `Scripts` on
    Windows); without one there (an uninstalled checkout), the `pygent` on PATH,
    else the bare name.
    """
    folder = Path(sys.executable).parent
    for name in (PYGENT, f"{PYGENT}.exe"):
        candidate = folder / name
        if candidate.is_file():
            return str(candidate)
    return shutil.which(PYGENT) or PYGENT


def resolve_own_command(command: str) -> str:
    """`pygent` as an absolute path; any other command unchanged."""
    return pygent_executable() if command == PYGENT else command
