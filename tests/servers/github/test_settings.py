"""GitHub settings: with no git roots configured, local repositories must lie in the workspace, not the cwd."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from pygent.servers.github.settings import GitHubSettings


def test_without_git_roots_the_workspace_is_the_root(clean_environ: Path) -> None:
    assert GitHubSettings.load().git_roots == [(clean_environ / "workspace").resolve()]
    assert GitHubSettings.load({"git_roots": ["/srv/src"]}).git_roots == [Path("/srv/src")]


def test_a_server_started_in_the_root_folder_does_not_take_it_as_git_root(clean_environ: Path) -> None:
    code = "from pygent.servers.github.settings import GitHubSettings; print(GitHubSettings.load().git_roots[0])"
    env = {"PATH": os.environ["PATH"], "PYGENT_HOME": str(clean_environ)}
    out = subprocess.run([sys.executable, "-c", code], cwd="/", env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == str((clean_environ / "workspace").resolve())
