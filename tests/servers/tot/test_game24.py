"""The game24 task: reading problems and a model's text, and checking answers."""

from __future__ import annotations

import pytest
from pygent.core.errors import InvalidArgumentError
from pygent.servers.tot.tasks import Game24

GAME = Game24()


@pytest.mark.parametrize("problem", ["4 9 10 13", "4,9,10,13", " 4  9 10 13 "])
def test_problems_are_four_numbers_in_any_reasonable_spelling(problem: str) -> None:
    assert GAME.parse_problem(problem) == "4 9 10 13"


@pytest.mark.parametrize("problem", ["", "1 2 3", "1 2 3 4 5", "a b c d", "1.5 2 3 4", "-1 2 3 4", "1 2 3 99999"])
def test_unreadable_problems_say_what_a_problem_looks_like(problem: str) -> None:
    with pytest.raises(InvalidArgumentError, match=r"four whole numbers .* like '4 9 10 13'"):
        GAME.parse_problem(problem)


def test_a_models_proposals_keep_only_correct_steps_in_canonical_form() -> None:
    reply = """Possible next steps:
4 + 9 = 13 (left: 10 13 13)
13 - 9 = 5 (left: 4 5 10)
10 * 4 = 40 (left: 9 13 40)
1. 13 - 10 = 3 (left: 3 4 9)
4 + 9 = 13 (left: 10 13 13)
I think 13 - 4 is good"""
    steps = GAME.parse_proposals("4 9 10 13", (), reply)
    assert steps == ["4 + 9 = 13 (left: 10 13 13)", "10 * 4 = 40 (left: 9 13 40)"]


def test_the_value_prompt_shows_the_numbers_left_and_labels_parse() -> None:
    prompt = GAME.value_prompt("4 9 10 13", ("13 - 9 = 4 (left: 4 4 10)",))
    assert prompt[-1].content.rstrip().endswith("4 4 10")
    assert GAME.parse_value("4 * (10 - 4) = 24\nsure") == (1.0, "sure")
    assert GAME.parse_value("hard to say\nlikely") == (0.5, "likely")
    assert GAME.parse_value("no idea") is None


def test_finished_states_are_checked_and_answered() -> None:
    steps = ("13 - 9 = 4", "10 - 4 = 6", "4 * 6 = 24")
    canonical = GAME.check_steps("4 9 10 13", steps)
    assert GAME.is_terminal("4 9 10 13", canonical)
    assert GAME.check("4 9 10 13", canonical) is True
    assert GAME.answer("4 9 10 13", canonical) == "(13 - 9) * (10 - 4) = 24"
    wrong = GAME.check_steps("4 9 10 13", ("13 + 9 = 22", "22 + 10 = 32", "32 - 4 = 28"))
    assert GAME.check("4 9 10 13", wrong) is False


def test_steps_after_the_end_are_refused() -> None:
    with pytest.raises(InvalidArgumentError, match="game is over"):
        GAME.check_steps("4 9 10 13", ("13 - 9 = 4", "10 - 4 = 6", "4 * 6 = 24", "24 - 0 = 24"))


def test_baseline_answers_are_checked_from_the_answer_line() -> None:
    assert GAME.check_answer("4 9 10 13", "Steps:\n...\nAnswer: (13 - 9) * (10 - 4) = 24")
    assert not GAME.check_answer("4 9 10 13", "Answer: 4 * 6 = 24")
    assert GAME.check_answer("4 9 10 13", "(10 - 4) * (13 - 9) = 24")
