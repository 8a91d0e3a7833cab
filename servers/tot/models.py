"""What the tot tools return and what a run record holds (pydantic, so tools have output schemas)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field
from pygent.core.llm import ChatResponse

Strategy = Literal["bfs", "dfs", "beam"]
Generation = Literal["propose", "sample"]
Evaluation = Literal["value", "vote"]
ThinkerChoice = Literal["auto", "model", "programmatic"]
NodeStatus = Literal["root", "open", "expanded", "pruned", "terminal", "solution"]
RunStatus = Literal["running", "waiting", "paused", "done", "cancelled", "failed", "interrupted"]


class Node(BaseModel):
    """One state of the search tree: the step that led here, its evaluation and what became of it."""

    id: int
    parent: int | None = None
    depth: int = 0
    step: str = Field(default="", description="the thought that led from the parent to this state")
    state: str = Field(default="", description="a short summary of the state")
    value: float | None = Field(default=None, description="evaluation in [0, 1]; None until evaluated")
    judgements: list[str] = Field(default_factory=list, description="the evaluator's raw labels or votes")
    status: NodeStatus = "open"
    terminal: bool = False
    correct: bool | None = Field(default=None, description="the task's exact checker on a finished state, if any")
    answer: str | None = None


class PathStep(BaseModel):
    node: int
    step: str
    state: str
    value: float | None


class Candidate(BaseModel):
    """An answer (or, when none was reached, a partial path) and how good the search judged it."""

    node: int
    answer: str | None
    score: float
    correct: bool | None
    steps: list[str]


class Budget(BaseModel):
    max_nodes: int
    max_model_calls: int
    max_tokens: int | None
    max_seconds: float


class Params(BaseModel):
    """How a run searches."""

    strategy: Strategy = "bfs"
    breadth: int = 5
    depth: int = 3
    generation: Generation = "propose"
    evaluation: Evaluation = "value"
    samples: int | None = None
    evaluate_samples: int = 3
    value_threshold: float = 0.3
    thinker: ThinkerChoice = "auto"
    budget: Budget


class Stats(BaseModel):
    nodes: int = Field(default=0, description="states created (the root excluded)")
    expanded: int = Field(default=0, description="states whose next steps were generated")
    model_calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    seconds: float = 0.0
    rounds: int = Field(default=0, description="input rounds with the client's model (2026-07-28 sampling)")


class SolveResult(BaseModel):
    run_id: str
    status: RunStatus
    solved: bool = Field(description="a finished state passed the task's exact checker")
    answer: str | None
    confidence: float = Field(description="1.0 for a checked solution, else the evaluator's score of the answer")
    stop_reason: str = Field(description="solved, exhausted, max_nodes, max_model_calls, max_tokens, max_seconds, ...")
    best_path: list[PathStep]
    runners_up: list[Candidate]
    stats: Stats
    thinker: str = Field(description="'programmatic' or the model provider that answered")
    model: str = ""
    fallback: str | None = Field(
        default=None, description="with thinker 'auto': why no model thought and the programmatic thinker ran"
    )
    message: str = ""
    tree: list[Node] = Field(default_factory=list)


class RunRecord(BaseModel):
    """A run as stored under the server's state folder."""

    id: str
    problem: str
    task: str
    params: Params
    status: RunStatus
    created: str
    updated: str
    result: SolveResult | None = None
    error: str | None = None
    rounds: int = 0
    rounds_at_start: int = Field(default=0, description="rounds done before the last solve(run_id=...) resumed it")
    transcript: dict[str, ChatResponse] = Field(default_factory=dict)


class RunSummary(BaseModel):
    id: str
    problem: str
    task: str
    status: RunStatus
    solved: bool
    answer: str | None
    updated: str


class RunList(BaseModel):
    runs: list[RunSummary]


class NextStep(BaseModel):
    step: str
    state: str
    terminal: bool
    correct: bool | None
    answer: str | None


class ExpandResult(BaseModel):
    problem: str
    steps: list[str]
    state: str
    candidates: list[NextStep]
    thinker: str


class Score(BaseModel):
    steps: list[str]
    state: str
    value: float
    judgements: list[str]
    terminal: bool
    correct: bool | None


class EvaluateResult(BaseModel):
    problem: str
    scores: list[Score]
    thinker: str


class TaskInfo(BaseModel):
    name: str
    description: str
    default_depth: int
    exact_checker: bool
    works_without_model: bool


class TaskList(BaseModel):
    tasks: list[TaskInfo]
