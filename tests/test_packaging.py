"""The repository folders install under the `pygent.` namespace, and nothing bare."""

from __future__ import annotations

import importlib
import subprocess
import sys
import tomllib
from pathlib import Path

import setup as setup_script

ROOT = Path(__file__).resolve().parent.parent


def package_folders() -> list[str]:
    skip = {"tests", "bench", setup_script.ROOT_FOLDER}
    return sorted(p.parent.name for p in ROOT.glob("*/__init__.py") if p.parent.name not in skip)


def test_every_top_level_package_folder_is_mapped_under_pygent() -> None:
    missing = [name for name in package_folders() if name not in setup_script.NAMESPACE_FOLDERS]
    assert not missing, f"add {missing} to NAMESPACE_FOLDERS in setup.py"


def test_every_subpackage_is_discovered_and_importable() -> None:
    packages, package_dir, _ = setup_script.discover()
    assert package_dir["pygent"] == setup_script.ROOT_FOLDER and "pygent" in packages
    for folder in package_folders():
        assert package_dir[f"pygent.{folder}"] == folder
    for init in ROOT.glob("*/**/__init__.py"):
        rel = init.parent.relative_to(ROOT).parts
        if rel[0] not in setup_script.NAMESPACE_FOLDERS:
            continue
        name = ".".join(("pygent", *rel))
        assert name in packages
        importlib.import_module(name)


def test_the_installation_exposes_pygent_names_and_no_bare_ones(tmp_path: Path) -> None:
    # Run outside the repository so only what is installed can be imported.
    code = (
        "import importlib.util as u, sys;"
        "bare = [n for n in ('agents', 'host', 'core', 'servers', 'registry', 'sdk') if u.find_spec(n)];"
        "ours = [n for n in ('pygent.agents', 'pygent.host', 'pygent.core', 'pygent.servers', 'pygent.registry',"
        " 'pygent.factory') if not u.find_spec(n)];"
        "sys.exit(f'bare {bare}, missing {ours}' if bare or ours else 0)"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr


def test_the_console_script_is_pygent() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["scripts"] == {"pygent": "pygent.host.cli:main"}
    assert project["name"] == "pygent-factory"
