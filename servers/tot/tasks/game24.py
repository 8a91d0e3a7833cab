"""The Game of 24: four numbers, + - * /, each number used once, make 24.

The task of the Tree of Thoughts paper (Yao et al., 2023). A step combines two
of the numbers left (`13 - 9 = 4 (left: 4 4 10)`); after three steps one number
is left, and the state is solved exactly when it is 24. Steps a model writes
are recomputed exactly (`arith24`), so a wrong step never enters the tree.

Without a model the task searches with a programmatic proposer (every legal
step) and an exact evaluator (can 24 still be reached from what is left?).
The prompts follow the paper's format (few-shot propose, value with
sure/likely/impossible, chain-of-thought sampling) with examples of our own.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from pygent.core.errors import InvalidArgumentError
from pygent.core.llm import ChatMessage
from pygent.servers.tot.tasks import arith24
from pygent.servers.tot.tasks.base import Programmatic, Steps, Task

RULES = (
    "Use the numbers and basic arithmetic operations (+ - * /) to obtain 24. "
    "Each step combines two of the numbers left into one new number."
)
PROPOSE_EXAMPLE = """Input: 3 5 6 9
Possible next steps:
3 + 5 = 8 (left: 6 8 9)
9 - 3 = 6 (left: 5 6 6)
6 / 3 = 2 (left: 2 5 9)
5 * 6 = 30 (left: 3 9 30)
9 - 5 = 4 (left: 3 4 6)
6 + 9 = 15 (left: 3 5 15)
3 * 9 = 27 (left: 5 6 27)
6 - 5 = 1 (left: 1 3 9)"""
VALUE_EXAMPLES = """Evaluate if the given numbers can reach 24 (sure/likely/impossible)
12 12
12 + 12 = 24
sure
9 13
9 + 13 = 22
13 - 9 = 4
9 * 13 = 117
13 / 9 = 1.44
impossible
2 3 4
2 * 3 * 4 = 6 * 4 = 24
sure
3 6 10
(10 - 6) * 3 = 12
3 * 6 + 10 = 28
10 * 3 - 6 = 24
sure
5 6 7
5 + 6 + 7 = 18
(7 - 5) * 6 = 12
I cannot obtain 24 now, but the numbers are within a reasonable range
likely
1 1 2
1 + 1 + 2 = 4
(1 + 1) * 2 = 4
1 1 2 are all too small
impossible
12 13 13
12 + 13 + 13 = 38
(13 - 12) * 13 = 13
12 13 13 are all too big
impossible"""
COT_EXAMPLES = """Input: 2 5 6 7
Steps:
7 - 5 = 2 (left: 2 2 6)
2 + 2 = 4 (left: 4 6)
4 * 6 = 24 (left: 24)
Answer: (2 + (7 - 5)) * 6 = 24
Input: 4 4 7 10
Steps:
10 - 7 = 3 (left: 3 4 4)
4 + 4 = 8 (left: 3 8)
3 * 8 = 24 (left: 24)
Answer: (10 - 7) * (4 + 4) = 24
Input: 1 4 5 6
Steps:
5 / 4 = 1.25 (left: 1 1.25 6)
1.25 - 1 = 0.25 (left: 0.25 6)
6 / 0.25 = 24 (left: 24)
Answer: 6 / (5 / 4 - 1) = 24"""
IO_EXAMPLES = """Input: 2 5 6 7
Answer: (2 + (7 - 5)) * 6 = 24
Input: 4 4 7 10
Answer: (10 - 7) * (4 + 4) = 24
Input: 1 4 5 6
Answer: 6 / (5 / 4 - 1) = 24"""
_ANSWER = re.compile(r"answer\s*:\s*(.+)", re.IGNORECASE)


def numbers_of(problem: str) -> tuple[int, ...]:
    """The four numbers of a problem such as `4 9 10 13` (commas allowed).

    Raises:
        InvalidArgumentError: not four whole numbers between 0 and 1000.
    """
    parts = [p for p in re.split(r"[\s,;]+", problem.strip()) if p]
    if len(parts) != 4 or not all(p.isdigit() and int(p) <= 1000 for p in parts):
        raise InvalidArgumentError(
            f"a Game of 24 problem is four whole numbers from 0 to 1000, like '4 9 10 13'; got {problem!r}"
        )
    return tuple(int(p) for p in parts)


class _Exact:
    """Every legal step; value 1 when 24 can still be reached, else 0."""

    def __init__(self, task: Game24) -> None:
        self.task = task

    def propose(self, problem: str, steps: Steps) -> list[str]:
        return [step for step, _ in arith24.moves(self.task.state(problem, steps))]

    def value(self, problem: str, steps: Steps) -> tuple[float, str]:
        if arith24.solvable(self.task.state(problem, steps)):
            return 1.0, "sure"
        return 0.0, "impossible"


class Game24(Task):
    name = "game24"
    description = "Game of 24: combine four numbers with + - * / into 24 (exact checker, works without a model)"
    default_depth = 3
    default_proposals = 8
    exact_checker = True

    def parse_problem(self, problem: str) -> str:
        return " ".join(str(n) for n in numbers_of(problem))

    def state(self, problem: str, steps: Sequence[str]) -> arith24.State:
        state = arith24.start(numbers_of(problem))
        for step in steps:
            state = self._read(state, step)[1]
        return state

    def _read(self, state: arith24.State, step: str) -> tuple[str, arith24.State]:
        if len(state) < 2:
            raise InvalidArgumentError(f"no numbers left to combine for {step!r}: the game is over")
        try:
            return arith24.read_step(state, step)
        except arith24.StepError as exc:
            raise InvalidArgumentError(str(exc)) from None

    def check_steps(self, problem: str, steps: Sequence[str]) -> Steps:
        state = arith24.start(numbers_of(problem))
        canonical = []
        for step in steps:
            text, state = self._read(state, step)
            canonical.append(text)
        return tuple(canonical)

    def describe(self, problem: str, steps: Steps) -> str:
        state = self.state(problem, steps)
        if len(state) == 1:
            return f"{state[0].expr} = {arith24.fmt(state[0].value)}"
        return f"left: {arith24.left_of(state)}"

    def state_key(self, problem: str, steps: Steps) -> str:
        return arith24.left_of(self.state(problem, steps))

    def is_terminal(self, problem: str, steps: Steps) -> bool:
        return len(self.state(problem, steps)) == 1

    def check(self, problem: str, steps: Steps) -> bool | None:
        state = self.state(problem, steps)
        return len(state) == 1 and state[0].value == arith24.TARGET

    def answer(self, problem: str, steps: Steps) -> str | None:
        state = self.state(problem, steps)
        return f"{state[0].expr} = {arith24.fmt(state[0].value)}" if len(state) == 1 else None

    def programmatic(self) -> Programmatic:
        return _Exact(self)

    def propose_prompt(self, problem: str, steps: Steps, count: int, depth: int) -> list[ChatMessage]:
        left = arith24.left_of(self.state(problem, steps))
        text = f"{RULES}\n{PROPOSE_EXAMPLE}\nInput: {left}\nPossible next steps:\n"
        return [ChatMessage(role="user", content=text)]

    def parse_proposals(self, problem: str, steps: Steps, text: str) -> list[str]:
        state = self.state(problem, steps)
        found: list[str] = []
        for line in text.splitlines():
            try:
                step, _ = arith24.read_step(state, line)
            except arith24.StepError:
                continue
            if step not in found:
                found.append(step)
        return found

    def sample_prompt(self, problem: str, steps: Steps, depth: int) -> list[ChatMessage]:
        done = "".join(f"{step}\n" for step in steps)
        text = f"{RULES}\n{COT_EXAMPLES}\nInput: {problem}\nSteps:\n{done}"
        return [
            ChatMessage(role="system", content="Continue the steps: write exactly one next step line."),
            ChatMessage(role="user", content=text),
        ]

    def parse_sample(self, problem: str, steps: Steps, text: str) -> str | None:
        found = self.parse_proposals(problem, steps, text)
        return found[0] if found else None

    def value_prompt(self, problem: str, steps: Steps) -> list[ChatMessage]:
        left = arith24.left_of(self.state(problem, steps))
        return [ChatMessage(role="user", content=f"{VALUE_EXAMPLES}\n{left}\n")]

    def vote_prompt(self, problem: str, candidates: Sequence[Steps]) -> list[ChatMessage]:
        messages = super().vote_prompt(problem, candidates)
        messages[-1] = ChatMessage(role="user", content=f"{RULES}\n\n{messages[-1].content}")
        return messages

    def io_prompt(self, problem: str) -> list[ChatMessage]:
        """The paper's plain input-output baseline (few-shot, answer only)."""
        return [ChatMessage(role="user", content=f"{RULES}\n{IO_EXAMPLES}\nInput: {problem}\n")]

    def cot_prompt(self, problem: str) -> list[ChatMessage]:
        """The paper's chain-of-thought baseline (few-shot, steps then answer)."""
        return [ChatMessage(role="user", content=f"{RULES}\n{COT_EXAMPLES}\nInput: {problem}\n")]

    def check_answer(self, problem: str, text: str) -> bool:
        """Whether a reply's `Answer: ...` line (else its last line) is a correct solution."""
        found = _ANSWER.findall(text)
        lines = [line for line in text.strip().splitlines() if line.strip()]
        candidate = found[-1] if found else (lines[-1] if lines else "")
        return arith24.check_expression(numbers_of(problem), candidate)
