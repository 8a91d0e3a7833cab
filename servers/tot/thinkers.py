"""Thought generation and state evaluation: by a model, or programmatically.

A thinker works on batches (every state of a search level at once), so model
calls run concurrently and, with the MCP client's model on 2026-07-28
connections, a whole level is one input round.

`thinker="auto"` on a task with a programmatic thinker is a `FallbackThinker`:
the model until it proves unreachable on its first call (no endpoint, or a
client that cannot sample), then the task's own proposer and evaluator.

- generation `propose`: one prompt per state lists several next steps;
  `sample`: `samples` independent prompts per state, one step each.
- evaluation `value`: each state judged sure / likely / impossible
  (`evaluate_samples` times, scores averaged); `vote`: one prompt shows all the
  states, `evaluate_samples` votes, a state's value is its share of the votes.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol, TypeVar

from pygent.core.errors import UnavailableError
from pygent.core.llm import ChatCall, ChatOptions, LLMProvider, chat_many
from pygent.servers.tot.budget import Meter
from pygent.servers.tot.models import Evaluation, Generation
from pygent.servers.tot.tasks import Programmatic, Steps, Task

DEFAULT_SAMPLES = 5
T = TypeVar("T")
log = logging.getLogger("pygent.servers.tot")


@dataclass
class Judgement:
    value: float
    labels: list[str] = field(default_factory=list)


class Thinker(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def model(self) -> str: ...

    async def expand(self, problem: str, paths: Sequence[Steps]) -> list[list[str]]: ...

    async def evaluate(self, problem: str, paths: Sequence[Steps]) -> list[Judgement]: ...


class ProgrammaticThinker:
    """The task's own proposer and evaluator; no model, no cost."""

    name = "programmatic"
    model = ""

    def __init__(self, programmatic: Programmatic, samples: int | None = None) -> None:
        self.programmatic = programmatic
        self.samples = samples

    async def expand(self, problem: str, paths: Sequence[Steps]) -> list[list[str]]:
        proposals = [self.programmatic.propose(problem, steps) for steps in paths]
        return [found[: self.samples] if self.samples else found for found in proposals]

    async def evaluate(self, problem: str, paths: Sequence[Steps]) -> list[Judgement]:
        judged = [self.programmatic.value(problem, steps) for steps in paths]
        return [Judgement(value, [label]) for value, label in judged]


class ModelThinker:
    """Prompts from the task, answers from a model."""

    def __init__(
        self,
        task: Task,
        provider: LLMProvider,
        *,
        generation: Generation,
        evaluation: Evaluation,
        samples: int | None,
        evaluate_samples: int,
        depth: int,
        concurrency: int = 4,
        temperature: float = 0.7,
    ) -> None:
        self.task = task
        self.provider = provider
        self.generation = generation
        self.evaluation = evaluation
        self.samples = samples
        self.evaluate_samples = evaluate_samples
        self.depth = depth
        self.concurrency = concurrency
        self.options = ChatOptions(temperature=temperature)
        self._values: dict[str, Judgement] = {}

    @property
    def name(self) -> str:
        return self.provider.name

    @property
    def model(self) -> str:
        return self.provider.model

    async def expand(self, problem: str, paths: Sequence[Steps]) -> list[list[str]]:
        if self.generation == "propose":
            count = self.samples or self.task.default_proposals
            calls = [
                ChatCall(self.task.propose_prompt(problem, steps, count, self.depth), None, self.options)
                for steps in paths
            ]
            replies = await chat_many(self.provider, calls, limit=self.concurrency)
            return [
                self.task.parse_proposals(problem, steps, reply.message.content)[:count]
                for steps, reply in zip(paths, replies, strict=True)
            ]
        count = self.samples or DEFAULT_SAMPLES
        calls = [
            ChatCall(self.task.sample_prompt(problem, steps, self.depth), None, self.options)
            for steps in paths
            for _ in range(count)
        ]
        replies = await chat_many(self.provider, calls, limit=self.concurrency)
        found: list[list[str]] = []
        for index, steps in enumerate(paths):
            drawn = [
                self.task.parse_sample(problem, steps, r.message.content)
                for r in replies[index * count : (index + 1) * count]
            ]
            found.append(list(dict.fromkeys(step for step in drawn if step)))
        return found

    async def evaluate(self, problem: str, paths: Sequence[Steps]) -> list[Judgement]:
        if not paths:
            return []
        if self.evaluation == "vote":
            return await self._vote(problem, paths)
        return await self._value(problem, paths)

    async def _value(self, problem: str, paths: Sequence[Steps]) -> list[Judgement]:
        # Equal prompts get one judgement (game24's prompt shows only the numbers left).
        prompts = {self._prompt_key(problem, steps): steps for steps in paths}
        todo = [(key, steps) for key, steps in prompts.items() if key not in self._values]
        n = self.evaluate_samples
        calls = [
            ChatCall(self.task.value_prompt(problem, steps), None, self.options) for _, steps in todo for _ in range(n)
        ]
        replies = await chat_many(self.provider, calls, limit=self.concurrency)
        for index, (key, _) in enumerate(todo):
            parsed = [self.task.parse_value(r.message.content) for r in replies[index * n : (index + 1) * n]]
            scores = [p for p in parsed if p is not None]
            value = sum(score for score, _ in scores) / len(scores) if scores else 0.0
            self._values[key] = Judgement(value, [label for _, label in scores] or ["unparsed"])
        return [self._values[self._prompt_key(problem, steps)] for steps in paths]

    def _prompt_key(self, problem: str, steps: Steps) -> str:
        return "\n".join(m.content for m in self.task.value_prompt(problem, steps))

    async def _vote(self, problem: str, paths: Sequence[Steps]) -> list[Judgement]:
        prompt = self.task.vote_prompt(problem, paths)
        calls = [ChatCall(prompt, None, self.options) for _ in range(self.evaluate_samples)]
        replies = await chat_many(self.provider, calls, limit=self.concurrency)
        votes = [0] * len(paths)
        for reply in replies:
            choice = self.task.parse_vote(reply.message.content, len(paths))
            if choice is not None:
                votes[choice] += 1
        total = len(replies)
        return [Judgement(count / total, [f"{count}/{total} votes"]) for count in votes]


class FallbackThinker:
    """A model thinker that gives way to the programmatic one when the model cannot be reached.

    Only the first call may fall back: once the model has answered, a failure is
    a real one and propagates (the run fails with its reason).
    """

    def __init__(self, model: Thinker | None, programmatic: Thinker, meter: Meter, reason: str | None = None) -> None:
        """`model=None`: no model was there to begin with (`reason` says why)."""
        self.current = model or programmatic
        self.programmatic = programmatic
        self.meter = meter
        self.fell_back = reason
        self._answered = False

    @property
    def name(self) -> str:
        return self.current.name

    @property
    def model(self) -> str:
        return self.current.model

    async def expand(self, problem: str, paths: Sequence[Steps]) -> list[list[str]]:
        return await self._call(lambda thinker: thinker.expand(problem, paths))

    async def evaluate(self, problem: str, paths: Sequence[Steps]) -> list[Judgement]:
        return await self._call(lambda thinker: thinker.evaluate(problem, paths))

    async def _call(self, work: Callable[[Thinker], Awaitable[T]]) -> T:
        if self._answered or self.current is self.programmatic:
            return await work(self.current)
        try:
            result = await work(self.current)
        except UnavailableError as exc:  # NoModelError included: a client that cannot sample
            log.info("no model answered; using the programmatic thinker", extra={"reason": exc.message})
            self.fell_back = exc.message
            self.current = self.programmatic
            self.meter.calls = 0  # the attempts that failed did not think
            return await work(self.current)
        self._answered = True
        return result
