"""Which entries are our own servers, what they inherit, and where our `pygent` is."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

from pydantic import AliasChoices
from pydantic_settings import BaseSettings
from pygent.registry.installation import (
    SETTINGS_ALIASES,
    is_own_server,
    own_variable,
    pygent_executable,
    resolve_own_command,
)
from pygent.registry.models import RemoteServer, StdioServer


def test_our_servers_are_pygent_by_name_or_path_and_python_dash_m_pygent() -> None:
    assert is_own_server(StdioServer(command="pygent", args=["server", "memory"]))
    assert is_own_server(StdioServer(command="/opt/venv/bin/pygent", args=["server", "rag"]))
    assert is_own_server(StdioServer(command=sys.executable, args=["-m", "pygent.servers.memory"]))
    assert not is_own_server(StdioServer(command="python3", args=["server.py"]))
    assert not is_own_server(StdioServer(command="npx", args=["-y", "pygent-lookalike"]))
    assert not is_own_server(RemoteServer(url="https://x.example/mcp"))


def test_pygent_is_the_entry_point_next_to_the_running_interpreter() -> None:
    path = Path(pygent_executable())
    assert path.is_absolute() and path.parent == Path(sys.executable).parent and path.name == "pygent"
    assert resolve_own_command("pygent") == str(path)
    assert resolve_own_command("node") == "node"


def test_our_servers_inherit_our_settings_and_nothing_else_of_the_host() -> None:
    for name in ("PYGENT_HOME", "PYGENT_LLM", "OLLAMA_HOST", "GITHUB_TOKEN", "HTTPS_PROXY", "https_proxy", "LC_ALL"):
        assert own_variable(name), name
    for name in ("AWS_SECRET_ACCESS_KEY", "OPENAI_API_KEY", "VIRTUAL_ENV", "PYTHONPATH"):
        assert not own_variable(name), name


def _settings_classes() -> list[type[BaseSettings]]:
    classes: list[type[BaseSettings]] = []
    root = Path(__file__).resolve().parents[2]
    for path in [root / "core" / "settings.py", *sorted((root / "servers").glob("*/settings.py"))]:
        module = importlib.import_module(".".join(("pygent", *path.relative_to(root).with_suffix("").parts)))
        classes += [
            value
            for value in vars(module).values()
            if isinstance(value, type) and issubclass(value, BaseSettings) and value.__module__ == module.__name__
        ]
    return classes


def test_every_unprefixed_variable_our_settings_read_is_inherited() -> None:
    read = set()
    for cls in _settings_classes():
        for field in cls.model_fields.values():
            alias = field.validation_alias
            choices = alias.choices if isinstance(alias, AliasChoices) else [alias] if alias else []
            read |= {c for c in choices if isinstance(c, str) and not c.startswith("PYGENT_")}
    assert read == set(SETTINGS_ALIASES)
