"""The task plugin interface: what the search engine asks of a kind of problem.

A state is the problem plus the steps taken so far (a tuple of strings), so any
client can name a state by listing its steps. A task says how a problem is
written, which steps are legal, when a state is finished and whether it is
right, and which prompts drive a model. Subclass `Task`, override what your
problem needs, and register it:

    class Sudoku(Task):
        name = "sudoku"
        description = "9x9 sudoku, one filled cell per step"
        default_depth = 60
        def parse_problem(self, problem: str) -> str: ...         # normalise or raise InvalidArgumentError
        def is_terminal(self, problem, steps) -> bool: ...
        def check(self, problem, steps) -> bool | None: ...      # an exact checker, if one exists

    TASKS.register(Sudoku())                                     # pygent.servers.tot.tasks

The defaults implement a task "in words": the model proposes steps, judges
them as sure / likely / impossible, and finishes with "Final answer: ...".
A task with a programmatic proposer and evaluator returns one from
`programmatic()`; the search then needs no model at all.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Protocol

from pygent.core.errors import InvalidArgumentError
from pygent.core.llm import ChatMessage

Steps = tuple[str, ...]
VALUE_SCORES = {"sure": 1.0, "likely": 0.5, "impossible": 0.0}
_LABEL = re.compile(r"\b(sure|likely|impossible)\b", re.IGNORECASE)
_VOTE = re.compile(r"best choice is\D{0,12}(\d+)", re.IGNORECASE)
FINAL = re.compile(r"^\s*final answer\s*:\s*(.*)$", re.IGNORECASE | re.DOTALL)


class Programmatic(Protocol):
    """A proposer and evaluator that need no model (both exact for the tasks that have one)."""

    def propose(self, problem: str, steps: Steps) -> list[str]: ...

    def value(self, problem: str, steps: Steps) -> tuple[float, str]: ...


class Task:
    """A kind of problem. The defaults treat any problem stated in words."""

    name = "task"
    description = ""
    default_depth = 4
    default_proposals = 3
    exact_checker = False

    def parse_problem(self, problem: str) -> str:
        """The problem, normalised.

        Raises:
            InvalidArgumentError: the problem cannot be read as this task's kind.
        """
        text = problem.strip()
        if not text:
            raise InvalidArgumentError("the problem is empty; state it in words")
        return text

    def check_steps(self, problem: str, steps: Sequence[str]) -> Steps:
        """The steps, normalised; raises InvalidArgumentError on an illegal step."""
        cleaned = tuple(step.strip() for step in steps)
        if any(not step for step in cleaned):
            raise InvalidArgumentError("a step is empty; every step must say something")
        return cleaned

    def describe(self, problem: str, steps: Steps) -> str:
        """A short human-readable summary of the state."""
        return steps[-1] if steps else problem

    def state_key(self, problem: str, steps: Steps) -> str:
        """States with equal keys are interchangeable; the search keeps the first."""
        return "\n".join(steps)

    def is_terminal(self, problem: str, steps: Steps) -> bool:
        return bool(steps) and FINAL.match(steps[-1]) is not None

    def check(self, problem: str, steps: Steps) -> bool | None:
        """Whether a finished state is right; None when the task has no exact checker."""
        return None

    def answer(self, problem: str, steps: Steps) -> str | None:
        """The answer a finished state gives (None when it gives none)."""
        if not steps:
            return None
        final = FINAL.match(steps[-1])
        return final.group(1).strip() if final else steps[-1]

    def programmatic(self) -> Programmatic | None:
        """A model-free proposer and evaluator, when the task has one."""
        return None

    # Prompts and their parsers: the model-driven search.

    def _context(self, problem: str, steps: Steps) -> str:
        lines = [f"Problem: {problem}"]
        if steps:
            lines.append("Steps so far:")
            lines += [f"{i}. {step}" for i, step in enumerate(steps, 1)]
        else:
            lines.append("No steps yet.")
        return "\n".join(lines)

    def propose_prompt(self, problem: str, steps: Steps, count: int, depth: int) -> list[ChatMessage]:
        left = depth - len(steps)
        finish = (
            "This is the last step allowed: each line must be 'Final answer: ...'."
            if left <= 1
            else "If a step completes the solution, write it as 'Final answer: ...'."
        )
        return [
            ChatMessage(role="system", content="You solve problems one careful step at a time."),
            ChatMessage(
                role="user",
                content=f"{self._context(problem, steps)}\n\nPropose {count} different possible next steps, "
                f"one per line, each a single short step that moves towards the solution. {finish} "
                "Write only the steps, one per line, without numbering.",
            ),
        ]

    def parse_proposals(self, problem: str, steps: Steps, text: str) -> list[str]:
        found = []
        for line in text.splitlines():
            step = re.sub(r"^\s*(?:[-*•]|\d+[.)])\s*", "", line).strip()
            if step and not step.lower().startswith(("possible next steps", "here are")):
                found.append(step)
        return found

    def sample_prompt(self, problem: str, steps: Steps, depth: int) -> list[ChatMessage]:
        left = depth - len(steps)
        finish = (
            "Give the final answer now, as 'Final answer: ...'."
            if left <= 1
            else ("If this step completes the solution, write it as 'Final answer: ...'.")
        )
        return [
            ChatMessage(role="system", content="You solve problems one careful step at a time."),
            ChatMessage(
                role="user",
                content=f"{self._context(problem, steps)}\n\nWrite only the next step, on one line. {finish}",
            ),
        ]

    def parse_sample(self, problem: str, steps: Steps, text: str) -> str | None:
        proposals = self.parse_proposals(problem, steps, text)
        return proposals[0] if proposals else None

    def value_prompt(self, problem: str, steps: Steps) -> list[ChatMessage]:
        return [
            ChatMessage(role="system", content="You judge partial solutions strictly."),
            ChatMessage(
                role="user",
                content=f"{self._context(problem, steps)}\n\nCan these steps lead to a correct and complete "
                "solution? Reason briefly, then write one word on the last line: sure, likely or impossible.",
            ),
        ]

    def parse_value(self, text: str) -> tuple[float, str] | None:
        """The score and label of one judgement; None when it gives none."""
        labels = _LABEL.findall(text)
        if not labels:
            return None
        label = labels[-1].lower()
        return VALUE_SCORES[label], label

    def vote_prompt(self, problem: str, candidates: Sequence[Steps]) -> list[ChatMessage]:
        listing = "\n\n".join(
            f"Choice {i}:\n" + "\n".join(f"- {step}" for step in steps) for i, steps in enumerate(candidates, 1)
        )
        return [
            ChatMessage(role="system", content="You compare partial solutions and pick the most promising."),
            ChatMessage(
                role="user",
                content=f"Problem: {problem}\n\n{listing}\n\nAnalyse each choice briefly, then conclude with "
                "the last line 'The best choice is N', where N is the number of the choice.",
            ),
        ]

    def parse_vote(self, text: str, count: int) -> int | None:
        """The chosen candidate (0-based) or None."""
        votes = _VOTE.findall(text)
        if not votes:
            return None
        choice = int(votes[-1]) - 1
        return choice if 0 <= choice < count else None
