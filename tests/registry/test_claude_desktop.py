"""Claude Desktop's config file: found where Claude keeps it, merged into with a backup."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pygent.core.errors import ConfigError
from pygent.registry.claude_desktop import config_path, install


def test_the_file_is_where_claude_desktop_keeps_it_on_each_platform() -> None:
    environ = {"HOME": "/users/ann", "APPDATA": "C:/Users/ann/AppData/Roaming"}
    assert config_path("darwin", environ) == Path(
        "/users/ann/Library/Application Support/Claude/claude_desktop_config.json"
    )
    assert config_path("win32", environ) == Path("C:/Users/ann/AppData/Roaming/Claude/claude_desktop_config.json")
    assert config_path("linux", environ) == Path("/users/ann/.config/Claude/claude_desktop_config.json")
    assert config_path("linux", {**environ, "XDG_CONFIG_HOME": "/cfg"}) == Path(
        "/cfg/Claude/claude_desktop_config.json"
    )


def test_installing_keeps_other_servers_and_settings_and_backs_the_old_file_up(tmp_path: Path) -> None:
    path = tmp_path / "Claude" / "claude_desktop_config.json"
    path.parent.mkdir()
    old = {"globalShortcut": "Ctrl+Space", "mcpServers": {"theirs": {"command": "node"}, "memory": {"command": "x"}}}
    path.write_text(json.dumps(old), encoding="utf-8")
    backup = install(path, {"memory": {"command": "/v/bin/pygent", "args": ["server", "memory"]}})
    assert backup is not None and json.loads(backup.read_text(encoding="utf-8")) == old
    assert backup.name.startswith("claude_desktop_config.json.") and backup.suffix == ".bak"
    assert json.loads(path.read_text(encoding="utf-8")) == {
        "globalShortcut": "Ctrl+Space",
        "mcpServers": {
            "theirs": {"command": "node"},
            "memory": {"command": "/v/bin/pygent", "args": ["server", "memory"]},
        },
    }
    second = install(path, {})
    assert second is not None and second != backup and backup.exists()


def test_a_new_file_is_created_without_a_backup(tmp_path: Path) -> None:
    path = tmp_path / "new" / "Claude" / "claude_desktop_config.json"
    assert install(path, {"tot": {"command": "pygent", "args": ["server", "tot"]}}) is None
    assert json.loads(path.read_text(encoding="utf-8")) == {
        "mcpServers": {"tot": {"command": "pygent", "args": ["server", "tot"]}}
    }


def test_a_file_that_is_not_a_config_is_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "claude_desktop_config.json"
    path.write_text('["not", "a", "config"]', encoding="utf-8")
    with pytest.raises(ConfigError, match="left it unchanged"):
        install(path, {"x": {"command": "y"}})
    assert path.read_text(encoding="utf-8") == '["not", "a", "config"]'
    assert list(tmp_path.iterdir()) == [path]
