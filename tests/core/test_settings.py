"""Settings precedence: overrides > environment > settings file > defaults."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

import pytest
from pydantic_settings import SettingsConfigDict
from pygent.core.errors import ConfigError
from pygent.core.settings import ServerSettings, Settings


def test_defaults_put_state_under_pygent_home(clean_environ: Path) -> None:
    settings = Settings.load()
    assert settings.home == clean_environ
    assert settings.host == "127.0.0.1" and settings.port == 8000
    assert settings.data.state_db == clean_environ / "state.db"


def test_environment_beats_file_and_overrides_beat_environment(
    monkeypatch: pytest.MonkeyPatch, clean_environ: Path
) -> None:
    clean_environ.mkdir(parents=True)
    (clean_environ / "settings.toml").write_text('port = 9001\nhost = "127.0.0.2"\nlog_level = "debug"\n')
    assert Settings.load().port == 9001
    monkeypatch.setenv("PYGENT_PORT", "9002")
    settings = Settings.load()
    assert settings.port == 9002 and settings.host == "127.0.0.2" and settings.log_level == "DEBUG"
    assert Settings.load({"port": 9003}).port == 9003


def test_lists_come_from_comma_separated_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYGENT_TOKENS", "alpha, beta")
    assert Settings.load().tokens == ["alpha", "beta"]


def test_an_invalid_value_names_the_setting_and_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYGENT_PORT", "not-a-port")
    with pytest.raises(ConfigError, match="PYGENT_PORT"):
        Settings.load()


def test_a_named_settings_file_must_exist(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        Settings.load(file=tmp_path / "missing.toml")


def test_a_broken_settings_file_is_a_config_error(clean_environ: Path) -> None:
    clean_environ.mkdir(parents=True)
    (clean_environ / "settings.toml").write_text("port = = 3\n")
    with pytest.raises(ConfigError, match=r"settings.toml"):
        Settings.load()


class ToySettings(ServerSettings):
    model_config = SettingsConfigDict(env_prefix="PYGENT_TOY_", extra="ignore", env_ignore_empty=True)
    section: ClassVar[tuple[str, ...] | None] = ("toy",)
    server_name: ClassVar[str] = "toy"
    greeting: str = "hello"


def test_server_settings_read_their_own_prefix_and_table(monkeypatch: pytest.MonkeyPatch, clean_environ: Path) -> None:
    clean_environ.mkdir(parents=True)
    (clean_environ / "settings.toml").write_text('port = 1\n[toy]\ngreeting = "from file"\n')
    assert ToySettings.load().greeting == "from file"
    monkeypatch.setenv("PYGENT_TOY_GREETING", "from env")
    toy = ToySettings.load()
    assert toy.greeting == "from env"
    assert toy.state_dir == clean_environ / "servers" / "toy" and toy.state_dir.is_dir()
