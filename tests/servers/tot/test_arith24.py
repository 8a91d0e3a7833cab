"""Exact Game of 24 arithmetic: moves, the solver, reading steps, checking answers."""

from __future__ import annotations

from fractions import Fraction

import pytest
from pygent.servers.tot.tasks import arith24


def test_moves_cover_every_distinct_result_once() -> None:
    state = arith24.start((4, 9, 10, 13))
    steps = [step for step, _ in arith24.moves(state)]
    assert "13 - 9 = 4 (left: 4 4 10)" in steps
    assert "10 / 4 = 2.5 (left: 2.5 9 13)" in steps
    results = [tuple(sorted(i.value for i in after)) for _, after in arith24.moves(state)]
    assert len(results) == len(set(results))


@pytest.mark.parametrize(
    ("numbers", "solvable"),
    [((4, 9, 10, 13), True), ((3, 3, 8, 8), True), ((1, 1, 1, 1), False), ((12, 12), True), ((5, 6, 7), False)],
)
def test_the_solver_knows_which_numbers_can_reach_24(numbers: tuple[int, ...], solvable: bool) -> None:
    assert arith24.solvable(arith24.start(numbers)) is solvable


def test_a_step_is_recomputed_not_trusted() -> None:
    state = arith24.start((3, 3, 8, 8))
    text, after = arith24.read_step(state, "8 / 3 = 2.67 (left: 2.67 3 8)")
    assert text == "8 / 3 = 2.67 (left: 2.67 3 8)"
    assert sorted(i.value for i in after) == [Fraction(8, 3), 3, 8]
    text, after = arith24.read_step(after, "3 - 2.67 = 0.33")
    _, after = arith24.read_step(after, "8 ÷ 0.33 = 24")
    assert after[0].value == 24 and after[0].expr == "8 / (3 - (8 / 3))"


@pytest.mark.parametrize(
    ("step", "problem"),
    [
        ("4 + 4 = 8", "not left"),
        ("13 - 9 = 5", "is wrong"),
        ("13 minus 9", "is not a step"),
        ("9 / 0 = 0", "not left"),
    ],
)
def test_illegal_steps_are_refused_with_the_reason(step: str, problem: str) -> None:
    with pytest.raises(arith24.StepError, match=problem):
        arith24.read_step(arith24.start((4, 9, 10, 13)), step)


def test_division_by_zero_is_refused() -> None:
    _, after = arith24.read_step(arith24.start((4, 4, 10, 13)), "4 - 4 = 0")
    with pytest.raises(arith24.StepError, match="divides by zero"):
        arith24.read_step(after, "10 / 0 = 0")


@pytest.mark.parametrize(
    ("expression", "right"),
    [
        ("(13 - 9) * (10 - 4) = 24", True),
        ("(10 - 4) * (13 - 9)", True),
        ("(13 - 9) * (10 - 4) + 0 = 24", False),
        ("13 * 9 / 10 = 24", False),
        ("4 * 6 = 24", False),
        ("__import__('os')", False),
    ],
)
def test_answers_are_checked_exactly(expression: str, right: bool) -> None:
    assert arith24.check_expression((4, 9, 10, 13), expression) is right
