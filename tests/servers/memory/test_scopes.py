"""Scopes and filters: only well-formed scopes reach a query, and quotes cannot break out."""

from __future__ import annotations

import pytest
from pygent.core.errors import InvalidArgumentError
from pygent.servers.memory.filters import Filters
from pygent.servers.memory.scopes import check_scope, scope_filter


@pytest.mark.parametrize("scope", ["default", "user:ann", "agent:planner-2", "conversation:2026.11.25@x_y"])
def test_well_formed_scopes_pass(scope: str) -> None:
    assert check_scope(scope) == scope


@pytest.mark.parametrize("scope", ["", "user:", "user:a b", "team:x", "user:' OR 1=1 --", "../../etc", "USER:ann"])
def test_anything_else_is_refused(scope: str) -> None:
    with pytest.raises(InvalidArgumentError, match="invalid scope"):
        check_scope(scope)


def test_filters_quote_values_and_hide_expired_rows() -> None:
    where = Filters(["user:ann", "default"], tags=["it's"], since=1.0, min_importance=0.5).sql(now=100.0)
    assert where.startswith("scope IN ('user:ann', 'default')")
    assert "(expires_at IS NULL OR expires_at > 100.0)" in where
    assert "array_has_any(tags, ['it''s'])" in where and "created_at >= 1.0" in where
    assert scope_filter(["agent:x"]) == "scope IN ('agent:x')"
