"""The `${…}` variables of Cursor and VS Code configs, translated for a runtime registration.

    context = ImportContext("proj/.vscode/mcp.json", workspace=Path("proj"), environ=os.environ)
    translate({"args": ["${workspaceFolder}/data"], "env": {"T": "${env:TOKEN}"}}, context)
    # {'args': ['proj/data'], 'env': {'T': '<value of TOKEN>'}}

Runtime registrations hold values (as `pygent servers add` does after the shell
expanded `$TOKEN`), so a variable is resolved when the file is imported:
`${env:NAME}` (and our own `${NAME}`, `${NAME:-default}`) from the importing
environment; `${workspaceFolder}`, `${workspaceFolderBasename}`, `${userHome}`,
`${pathSeparator}` and `${/}` from where the file lives. What has no value
outside the editor (`${input:ID}`, which VS Code prompts for; `${command:…}`,
`${config:…}`, ...) raises `ConfigError` naming it, and the entry is not imported.

    >>> ctx = ImportContext("x.json", workspace=None, environ={"T": "abc"})
    >>> translate("Bearer ${env:T}", ctx)
    'Bearer abc'
    >>> translate("${input:key}", ctx)
    Traceback (most recent call last):
    ...
    pygent.core.errors.ConfigError: needs ${input:key}, which the editor asks for when it starts the server
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pygent.core.envexpand import expand
from pygent.core.errors import ConfigError

_REFERENCE = re.compile(r"(?<!\$)\$\{([^}]*)\}")
_OURS = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(:-.*)?$")
WORKSPACE_FOLDERS = (".vscode", ".cursor")


@dataclass(frozen=True)
class ImportContext:
    origin: str
    workspace: Path | None
    environ: Mapping[str, str]
    inputs: dict[str, str] = field(default_factory=dict)  # VS Code `inputs`: id -> description


def workspace_of(path: Path, home: Path) -> Path | None:
    """The workspace folder of a `<workspace>/.vscode/…` or `<workspace>/.cursor/…` file.

    `~/.cursor/mcp.json` is Cursor's global file: it belongs to no workspace.
    """
    folder = path.absolute().parent
    if folder.name in WORKSPACE_FOLDERS and folder.parent != home.absolute():
        return folder.parent
    return None


def _value(reference: str, context: ImportContext) -> str:
    kind, colon, argument = reference.partition(":")
    if colon and kind == "env":
        return f"${{{argument}}}"
    if colon and kind == "input":
        description = context.inputs.get(argument)
        what = f" ({description})" if description else ""
        raise ConfigError(f"needs ${{input:{argument}}}{what}, which the editor asks for when it starts the server")
    if reference in ("workspaceFolder", "workspaceFolderBasename"):
        if context.workspace is None:
            raise ConfigError(f"uses ${{{reference}}}, but {context.origin} is not in a .vscode or .cursor folder")
        return str(context.workspace) if reference == "workspaceFolder" else context.workspace.name
    if reference == "userHome" and "HOME" in context.environ:
        return context.environ["HOME"]
    if reference in ("pathSeparator", "/"):
        return os.sep
    if _OURS.match(reference):
        return f"${{{reference}}}"  # our own syntax: `expand` resolves it below
    raise ConfigError(f"uses ${{{reference}}}, which has no value outside the editor")


def _translate_string(text: str, context: ImportContext) -> str:
    return _REFERENCE.sub(lambda match: _value(match.group(1), context), text)


def _translate(value: Any, context: ImportContext) -> Any:
    if isinstance(value, str):
        return _translate_string(value, context)
    if isinstance(value, dict):
        return {key: _translate(item, context) for key, item in value.items()}
    if isinstance(value, list):
        return [_translate(item, context) for item in value]
    return value


def translate(value: Any, context: ImportContext) -> Any:
    """Every `${…}` in a JSON-like value resolved, or `ConfigError` for the first that cannot be.

    Raises:
        ConfigError: a variable has no value here (an unset environment variable included).
    """
    return expand(_translate(value, context), context.environ)
