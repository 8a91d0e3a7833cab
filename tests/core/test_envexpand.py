from __future__ import annotations

import pytest
from pygent.core.envexpand import expand
from pygent.core.errors import ConfigError


def test_variables_defaults_and_escapes_expand_recursively() -> None:
    value = {"url": "${HOST:-http://localhost}/mcp", "args": ["--token", "${TOKEN}", "$${LITERAL}"], "n": 3}
    assert expand(value, {"TOKEN": "s3cret"}) == {
        "url": "http://localhost/mcp",
        "args": ["--token", "s3cret", "${LITERAL}"],
        "n": 3,
    }


def test_an_unset_variable_without_default_is_an_error_naming_it() -> None:
    with pytest.raises(ConfigError, match="MISSING_TOKEN"):
        expand({"headers": {"Authorization": "Bearer ${MISSING_TOKEN}"}}, {})
