"""Every `>>>` example in a module docstring runs and shows what it claims.

Module docstrings teach the API (style anchors, principle 15); an example that
no longer matches the code misleads the next reader, so each one is a test.
"""

from __future__ import annotations

import doctest
import importlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FOLDERS = ("core", "registry", "host", "servers", "agents")


def modules_with_examples() -> list[str]:
    names = []
    for folder in FOLDERS:
        for path in sorted((ROOT / folder).rglob("*.py")):
            if ">>>" in path.read_text(encoding="utf-8"):
                rel = path.relative_to(ROOT).with_suffix("").parts
                parts = rel[:-1] if rel[-1] == "__init__" else rel
                names.append(".".join(("pygent", *parts)))
    return names


def test_some_modules_carry_runnable_examples() -> None:
    assert "pygent.core.errors" in modules_with_examples()


@pytest.mark.parametrize("module", modules_with_examples())
def test_the_examples_of(module: str) -> None:
    result = doctest.testmod(importlib.import_module(module), optionflags=doctest.ELLIPSIS, verbose=False)
    assert result.attempted > 0
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples in {module} failed (run with -s)"
