"""Connections from settings: URLs, names, passwords hidden, the embedded default."""

from __future__ import annotations

from pathlib import Path

import pytest
from pygent.core.errors import ConfigError
from pygent.servers.database.connections import hide_password, make_target, sqlite_path
from pygent.servers.database.settings import ConnectionSettings, DatabaseSettings


def target(url: str, name: str = "x", **extra: object):  # type: ignore[no-untyped-def]
    return make_target(name, ConnectionSettings(url=url, **extra), DatabaseSettings.load())  # type: ignore[arg-type]


def test_postgres_url_variants_are_normalised() -> None:
    for url in ("postgres://u@h/db", "postgresql+psycopg://u@h/db", "postgresql://u@h/db"):
        assert target(url).url == "postgresql://u@h/db" and target(url).dialect == "postgresql"


def test_sqlite_paths(tmp_path: Path) -> None:
    assert sqlite_path(target(f"sqlite:///{tmp_path}/a.db")) == tmp_path / "a.db"
    assert sqlite_path(target("sqlite:///rel.db")) == Path("rel.db").absolute()
    with pytest.raises(ConfigError, match="in-memory"):
        sqlite_path(target("sqlite:///:memory:"))


def test_passwords_never_show() -> None:
    assert hide_password("postgresql://me:s3cret@db:5432/app") == "postgresql://me:***@db:5432/app"
    assert target("postgresql://me:s3cret@db/app").display_url == "postgresql://me:***@db/app"
    assert hide_password("postgresql://me@db/app") == "postgresql://me@db/app"


def test_bad_names_and_schemes_are_config_errors() -> None:
    with pytest.raises(ConfigError, match="unsupported URL scheme 'mysql'"):
        target("mysql://u@h/db")
    with pytest.raises(ConfigError, match="connection name"):
        target("sqlite:///a.db", name="bad name/")


def test_limits_come_from_the_connection_or_the_server() -> None:
    settings = DatabaseSettings.load({"statement_timeout": 9, "max_rows": 50, "max_rows_limit": 60})
    own = make_target("a", ConnectionSettings(url="sqlite:///a.db", statement_timeout=2, max_rows=500), settings)
    assert own.statement_timeout == 2 and own.max_rows == 60
    default = make_target("b", ConnectionSettings(url="sqlite:///b.db"), settings)
    assert default.statement_timeout == 9 and default.max_rows == 50


def test_connections_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYGENT_DATABASE_CONNECTIONS", '{"app": {"url": "postgresql://u@h/db", "writable": true}}')
    configured = DatabaseSettings.load().configured()
    assert configured["app"].writable is True
    monkeypatch.setenv("PYGENT_DATABASE_CONNECTIONS", '{"app": {"uri": "oops"}}')
    with pytest.raises(ConfigError, match="PYGENT_DATABASE_CONNECTIONS"):
        DatabaseSettings.load()


def test_the_default_is_a_writable_sqlite_file_in_the_state_dir(clean_environ: Path) -> None:
    [(name, default)] = DatabaseSettings.load().configured().items()
    assert name == "default" and default.writable
    assert default.url == f"sqlite:///{clean_environ / 'servers' / 'database' / 'pygent.db'}"
