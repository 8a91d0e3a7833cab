"""Claude Desktop's config file: where it lives, and merging servers into it.

    path = config_path()          # ~/Library/Application Support/Claude/claude_desktop_config.json on macOS
    backup = install(path, export_document(entries, "claude", pygent=pygent_executable())["mcpServers"])

`install` keeps every other key and every other server of the file, replaces
the entries of the same name, copies the old file to a timestamped backup
next to it first, and writes the new one atomically. Claude Desktop reads the
file when it starts: restart it to pick the servers up.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pygent.core.errors import ConfigError
from pygent.registry.loader import read_json_file

FILE_NAME = "claude_desktop_config.json"


def config_path(platform: str | None = None, environ: Mapping[str, str] | None = None) -> Path:
    """Where Claude Desktop keeps its config on this (or the given) platform."""
    platform = sys.platform if platform is None else platform
    env = os.environ if environ is None else environ
    home = Path(env.get("HOME") or env.get("USERPROFILE") or Path.home())
    if platform == "darwin":
        folder = home / "Library" / "Application Support"
    elif platform == "win32":
        folder = Path(env["APPDATA"]) if env.get("APPDATA") else home / "AppData" / "Roaming"
    else:
        folder = Path(env["XDG_CONFIG_HOME"]) if env.get("XDG_CONFIG_HOME") else home / ".config"
    return folder / "Claude" / FILE_NAME


def install(path: Path, servers: Mapping[str, dict[str, Any]]) -> Path | None:
    """Merge `servers` into the file's `mcpServers`; the backup's path (None for a new file).

    Raises:
        ConfigError: the existing file is not a JSON object (it is left untouched).
    """
    document: dict[str, Any] = {}
    if path.exists():
        existing = read_json_file(path)
        if not isinstance(existing, dict) or not isinstance(existing.get("mcpServers", {}), dict):
            raise ConfigError(f"{path}: expected a JSON object with an 'mcpServers' object; left it unchanged")
        document = existing
    document["mcpServers"] = {**document.get("mcpServers", {}), **servers}
    backup = None
    if path.exists():
        stamp = time.strftime("%Y%m%d-%H%M%S")
        backup = path.with_name(f"{path.name}.{stamp}.bak")
        count = 1
        while backup.exists():  # two installs within a second keep both backups
            backup = path.with_name(f"{path.name}.{stamp}-{count}.bak")
            count += 1
        shutil.copy2(path, backup)
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent, delete=False, suffix=".tmp") as out:
        json.dump(document, out, indent=2)
        out.write("\n")
    os.replace(out.name, path)
    return backup
