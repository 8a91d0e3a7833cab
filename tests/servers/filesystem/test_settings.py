"""Filesystem settings from the environment and overrides."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from pygent.core.errors import ConfigError
from pygent.servers.filesystem.settings import FilesystemSettings


def test_roots_from_the_environment_as_a_path_list_or_json(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYGENT_FILESYSTEM_ROOTS", os.pathsep.join(["/a", "/b c"]))
    assert FilesystemSettings.load().roots == [Path("/a"), Path("/b c")]
    monkeypatch.setenv("PYGENT_FILESYSTEM_ROOTS", '["/x:y", "/z"]')
    assert FilesystemSettings.load().roots == [Path("/x:y"), Path("/z")]


def test_overrides_beat_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYGENT_FILESYSTEM_ROOTS", "/env")
    assert FilesystemSettings.load({"roots": ["/cli"]}).roots == [Path("/cli")]


def test_invalid_values_name_the_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYGENT_FILESYSTEM_CLIENT_ROOTS", "sometimes")
    with pytest.raises(ConfigError, match="PYGENT_FILESYSTEM_CLIENT_ROOTS"):
        FilesystemSettings.load()


def test_the_default_root_is_the_data_folders_workspace(clean_environ: Path) -> None:
    root = FilesystemSettings.load().default_root
    assert root == clean_environ / "workspace" and root.is_dir()


def test_a_workspace_in_the_old_place_is_moved_with_its_files(clean_environ: Path) -> None:
    old = clean_environ / "servers" / "filesystem" / "workspace"
    old.mkdir(parents=True)
    (old / "notes.md").write_text("kept", encoding="utf-8")
    root = FilesystemSettings.load().default_root
    assert (root / "notes.md").read_text(encoding="utf-8") == "kept" and not old.exists()


def test_an_existing_workspace_is_kept_and_the_old_one_left_alone(clean_environ: Path) -> None:
    old = clean_environ / "servers" / "filesystem" / "workspace"
    old.mkdir(parents=True)
    (old / "old.md").write_text("old", encoding="utf-8")
    (clean_environ / "workspace").mkdir()
    root = FilesystemSettings.load().default_root
    assert list(root.iterdir()) == [] and (old / "old.md").is_file()
