"""Link typings/pygent/<folder> to each source folder setup.py maps, so mypy checks the `pygent.*` names.

The links are made here rather than committed: a checkout or archive that drops
symlinks would leave plain files behind, and mypy would then check nothing.
Run by scripts/test before mypy; safe to run again.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from setup import discover  # noqa: E402  (setup.py lives at the root, not in a package)


def main() -> None:
    target = ROOT / "typings" / "pygent"
    target.mkdir(parents=True, exist_ok=True)
    _, package_dir, _ = discover()
    for name, folder in package_dir.items():
        if name == "pygent":  # the root package: link its files into typings/pygent itself
            for source in [*sorted((ROOT / folder).glob("*.py")), ROOT / folder / "py.typed"]:
                link = target / source.name
                if link.is_symlink() or link.exists():
                    link.unlink()
                link.symlink_to(os.path.relpath(source, target))
            continue
        link = target / name.removeprefix("pygent.")
        if link.is_symlink() or link.exists():
            link.unlink()
        link.symlink_to(os.path.relpath(ROOT / folder, target), target_is_directory=True)


if __name__ == "__main__":
    main()
