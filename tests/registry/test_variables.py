"""Which workspace a Cursor or VS Code file belongs to, and the variables that need none."""

from __future__ import annotations

import os
from pathlib import Path

from pygent.registry.variables import ImportContext, translate, workspace_of


def test_a_file_in_dot_vscode_or_dot_cursor_belongs_to_the_folder_above(tmp_path: Path) -> None:
    home = tmp_path / "home"
    project = home / "src" / "proj"
    assert workspace_of(project / ".vscode" / "mcp.json", home) == project
    assert workspace_of(project / ".cursor" / "mcp.json", home) == project
    assert workspace_of(home / ".cursor" / "mcp.json", home) is None  # Cursor's global file
    assert workspace_of(home / "Library" / "Claude" / "claude_desktop_config.json", home) is None


def test_separators_and_escapes_need_no_workspace() -> None:
    context = ImportContext("x.json", workspace=None, environ={})
    assert translate(["a${/}b", "a${pathSeparator}b", "$${LITERAL}"], context) == [
        f"a{os.sep}b",
        f"a{os.sep}b",
        "${LITERAL}",
    ]
