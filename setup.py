"""Map the repository's top-level folders into the `pygent.` namespace.

`core/` installs as `pygent.core`, `servers/memory/` as `pygent.servers.memory`, and
so on, so no bare `host` or `agents` module lands in a user's site-packages.
Subpackages are discovered here, so a new folder needs no edit;
tests/test_packaging.py fails when a top-level package folder is not mapped.
"""

from pathlib import Path

from setuptools import setup

ROOT = Path(__file__).parent
NAMESPACE_FOLDERS = ("core", "registry", "host", "servers", "agents", "ui")
ROOT_FOLDER = "sdk"  # the `pygent` package itself: `from pygent import AgentFactory`
DATA_PATTERNS = ["py.typed", "*.json", "*.html", "*.css", "*.js", "*.md", "*.svg", "*.txt"]


def discover() -> tuple[list[str], dict[str, str], dict[str, list[str]]]:
    packages: list[str] = []
    package_dir: dict[str, str] = {}
    if (ROOT / ROOT_FOLDER / "__init__.py").exists():
        package_dir["pygent"] = ROOT_FOLDER
        packages.append("pygent")
    for folder in NAMESPACE_FOLDERS:
        base = ROOT / folder
        if not (base / "__init__.py").exists():
            continue
        package_dir[f"pygent.{folder}"] = folder
        for init in sorted(base.rglob("__init__.py")):
            rel = init.parent.relative_to(ROOT).parts
            packages.append(".".join(("pygent", *rel)))
    package_data = {name: DATA_PATTERNS for name in packages}
    return packages, package_dir, package_data


if __name__ == "__main__":  # setuptools executes this file as __main__; tests import discover()
    packages, package_dir, package_data = discover()
    setup(packages=packages, package_dir=package_dir, package_data=package_data)
