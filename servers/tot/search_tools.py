"""The search tools: `solve`, `expand`, `evaluate`, `get_run`, `list_runs`, `cancel`.

`solve` runs a whole search. `expand` and `evaluate` do one step each, so a
client can drive the search with its own model and judgement. All of them
accept the client's own model (sampling) in both protocol eras.
"""

from __future__ import annotations

from typing import Annotated, Any

import mcp_types as t
from fastmcp import Context, FastMCP
from pydantic import Field
from pygent.core.errors import InvalidArgumentError
from pygent.core.llm import InputRequired
from pygent.core.settings import Settings
from pygent.servers.tot.budget import Meter
from pygent.servers.tot.models import (
    Budget,
    EvaluateResult,
    Evaluation,
    ExpandResult,
    Generation,
    NextStep,
    Params,
    RunList,
    RunRecord,
    Score,
    SolveResult,
    Strategy,
    ThinkerChoice,
)
from pygent.servers.tot.runs import RunManager, choose_thinker
from pygent.servers.tot.settings import TotSettings
from pygent.servers.tot.tasks import TASKS, Steps, Task
from pygent.servers.tot.thinkers import Judgement

Problem = Annotated[
    str, Field(min_length=1, max_length=20_000, description="the problem; for game24 four numbers, e.g. '4 9 10 13'")
]
TaskName = Annotated[str, Field(description="task plugin: 'generic' (any problem in words) or 'game24'")]
ThinkerArg = Annotated[
    ThinkerChoice,
    Field(
        description="'model' (PYGENT_LLM), 'programmatic' (game24's exact proposer, no model), or 'auto': "
        "a model if one is available, else programmatic where the task has one"
    ),
]
StrategyArg = Annotated[
    Strategy,
    Field(
        description="'bfs' (keep the breadth best states per level), 'dfs' (best first, prune, backtrack) "
        "or 'beam' (keep the breadth best paths)"
    ),
]
GenerationArg = Annotated[
    Generation, Field(description="'propose': one prompt lists several next steps; 'sample': independent samples")
]
SamplesArg = Annotated[
    int | None,
    Field(
        ge=1,
        le=50,
        description="thoughts per expansion: propose keeps at most this many (default: the task's, game24 8, "
        "generic 3); sample draws this many (default 5)",
    ),
]
EvaluationArg = Annotated[
    Evaluation,
    Field(description="'value': each state judged sure/likely/impossible; 'vote': the states compete for votes"),
]
EvalSamplesArg = Annotated[
    int | None, Field(ge=1, le=20, description="judgements per state (value) or votes (vote); default 3 / 5")
]
RunId = Annotated[str, Field(min_length=1, max_length=64, description="a run id from `solve`")]

READ = {"readOnlyHint": True, "destructiveHint": False, "idempotentHint": True, "openWorldHint": False}
THINK = {"readOnlyHint": True, "destructiveHint": False, "idempotentHint": False, "openWorldHint": True}


def register_search_tools(server: FastMCP[Any], runs: RunManager, settings: TotSettings, host: Settings) -> None:
    @server.tool(
        annotations={"readOnlyHint": False, "destructiveHint": False, "idempotentHint": False, "openWorldHint": True}
    )
    async def solve(
        problem: Problem,
        ctx: Context,
        task: TaskName = "generic",
        strategy: StrategyArg = "bfs",
        breadth: Annotated[int, Field(ge=1, le=50, description="states kept per level (bfs, beam)")] = 5,
        depth: Annotated[
            int | None, Field(ge=1, le=50, description="steps at most; default: the task's (game24: 3)")
        ] = None,
        generation: GenerationArg = "propose",
        samples: SamplesArg = None,
        evaluation: EvaluationArg = "value",
        evaluate_samples: EvalSamplesArg = None,
        value_threshold: Annotated[float, Field(ge=0, le=1, description="dfs prunes states valued below this")] = 0.3,
        thinker: ThinkerArg = "auto",
        max_nodes: Annotated[int, Field(ge=1, description="budget: states created")] = 200,
        max_model_calls: Annotated[int, Field(ge=1, description="budget: model calls")] = 300,
        max_tokens: Annotated[int | None, Field(ge=1, description="budget: tokens (checked before each call)")] = None,
        max_seconds: Annotated[float, Field(gt=0, description="budget: wall time of this call, in seconds")] = 300.0,
        run_id: Annotated[
            str | None, Field(description="continue a paused run (after its rounds with the client's model)")
        ] = None,
    ) -> SolveResult | t.InputRequiredResult:
        """Search a tree of thoughts for the answer to a problem.

        Generates candidate next steps, evaluates them, keeps the best, backtracks, and returns the best
        answer with its confidence, the best path, the runners-up and the whole tree (also kept as
        tot://runs/{run_id}). Sends progress as states are expanded; cancel it with `cancel`.
        """
        chosen = TASKS.get(task)
        _check_caps(settings, max_nodes, max_model_calls, max_seconds)
        params = Params(
            strategy=strategy,
            breadth=breadth,
            depth=depth or chosen.default_depth,
            generation=generation,
            evaluation=evaluation,
            samples=samples,
            evaluate_samples=evaluate_samples or (5 if evaluation == "vote" else 3),
            value_threshold=value_threshold,
            thinker=thinker,
            budget=Budget(
                max_nodes=max_nodes, max_model_calls=max_model_calls, max_tokens=max_tokens, max_seconds=max_seconds
            ),
        )
        return await runs.solve(problem, chosen.name, params, run_id, ctx)

    @server.tool(annotations=THINK)
    async def expand(
        problem: Problem,
        ctx: Context,
        task: TaskName = "generic",
        steps: Annotated[
            list[str] | None, Field(max_length=50, description="the steps taken so far; none: the start")
        ] = None,
        generation: GenerationArg = "propose",
        samples: SamplesArg = None,
        depth: Annotated[
            int | None, Field(ge=1, le=50, description="planned number of steps (tells the model when to finish)")
        ] = None,
        thinker: ThinkerArg = "auto",
    ) -> ExpandResult | t.InputRequiredResult:
        """Propose the next steps from one state (one step of a search you drive yourself)."""
        chosen, problem, path = _state(task, problem, steps or [])
        if chosen.is_terminal(problem, path):
            raise InvalidArgumentError(f"this state is finished ({chosen.describe(problem, path)}); nothing to expand")
        params = _step_params(
            settings, chosen, thinker, generation=generation, samples=samples, depth=depth or chosen.default_depth
        )
        found, name = await _thinker_call(chosen, params, ctx, lambda th: th.expand(problem, [path]))
        if isinstance(found, t.InputRequiredResult):
            return found
        return ExpandResult(
            problem=problem,
            steps=list(path),
            state=chosen.describe(problem, path),
            candidates=[_next_step(chosen, problem, (*path, step)) for step in found[0]],
            thinker=name,
        )

    @server.tool(annotations=THINK)
    async def evaluate(
        problem: Problem,
        candidates: Annotated[
            list[list[str]], Field(min_length=1, max_length=20, description="states to judge, each given by its steps")
        ],
        ctx: Context,
        task: TaskName = "generic",
        evaluation: EvaluationArg = "value",
        evaluate_samples: EvalSamplesArg = None,
        thinker: ThinkerArg = "auto",
    ) -> EvaluateResult | t.InputRequiredResult:
        """Score states in [0, 1]: the task's exact checker where a state is finished, else the evaluator."""
        chosen = TASKS.get(task)
        problem = chosen.parse_problem(problem)
        paths = [chosen.check_steps(problem, steps) for steps in candidates]
        params = _step_params(
            settings,
            chosen,
            thinker,
            evaluation=evaluation,
            evaluate_samples=evaluate_samples or (5 if evaluation == "vote" else 3),
        )
        exact = {i: chosen.check(problem, p) for i, p in enumerate(paths) if chosen.is_terminal(problem, p)}
        judged = [p for i, p in enumerate(paths) if exact.get(i) is None]
        found, name = await _thinker_call(chosen, params, ctx, lambda th: th.evaluate(problem, judged))
        if isinstance(found, t.InputRequiredResult):
            return found
        return EvaluateResult(problem=problem, scores=_scores(chosen, problem, paths, exact, found), thinker=name)

    @server.tool(annotations=READ)
    async def get_run(
        run_id: RunId,
        include_tree: Annotated[bool, Field(description="include every node of the tree")] = True,
    ) -> RunRecord:
        """A run as stored: its parameters, status and result (with the tree unless include_tree is false)."""
        record = await runs.store.get(run_id)
        record.transcript = {}
        if record.result is not None and not include_tree:
            record.result.tree = []
        return record

    @server.tool(annotations=READ)
    async def list_runs(
        limit: Annotated[int, Field(ge=1, le=500, description="how many, newest first")] = 20,
    ) -> RunList:
        """The runs this server keeps, most recent first."""
        return RunList(runs=await runs.store.summaries(limit))

    @server.tool(
        annotations={"readOnlyHint": False, "destructiveHint": False, "idempotentHint": True, "openWorldHint": False}
    )
    async def cancel(run_id: RunId) -> RunRecord:
        """Stop a running search; its `solve` call returns the best found so far. Returns the stopped run."""
        record = await runs.cancel(run_id)
        record.transcript = {}
        return record

    async def _thinker_call(task: Task, params: Params, ctx: Context, work: Any) -> tuple[Any, str]:
        meter = Meter(params.budget.max_model_calls, params.budget.max_tokens)
        thinker, _ = await choose_thinker(task, params, settings, host, ctx, meter)
        try:
            return await work(thinker), thinker.name
        except InputRequired as need:
            return need.result(), thinker.name


def _next_step(task: Task, problem: str, path: Steps) -> NextStep:
    terminal = task.is_terminal(problem, path)
    return NextStep(
        step=path[-1],
        state=task.describe(problem, path),
        terminal=terminal,
        correct=task.check(problem, path) if terminal else None,
        answer=task.answer(problem, path) if terminal else None,
    )


def _scores(
    task: Task, problem: str, paths: list[Steps], exact: dict[int, bool | None], judged: list[Judgement]
) -> list[Score]:
    remaining = iter(judged)
    scores = []
    for i, path in enumerate(paths):
        correct = exact.get(i)
        if correct is not None:
            value, labels = (1.0 if correct else 0.0), ["correct" if correct else "wrong"]
        else:
            judgement = next(remaining)
            value, labels = judgement.value, judgement.labels
        state = task.describe(problem, path)
        terminal = task.is_terminal(problem, path)
        scores.append(
            Score(steps=list(path), state=state, value=value, judgements=labels, terminal=terminal, correct=correct)
        )
    return scores


def _state(task_name: str, problem: str, steps: list[str]) -> tuple[Task, str, Steps]:
    task = TASKS.get(task_name)
    problem = task.parse_problem(problem)
    return task, problem, task.check_steps(problem, steps)


def _step_params(settings: TotSettings, task: Task, thinker: ThinkerChoice, **values: Any) -> Params:
    budget = Budget(
        max_nodes=settings.max_nodes,
        max_model_calls=settings.max_model_calls,
        max_tokens=None,
        max_seconds=settings.max_seconds,
    )
    return Params(thinker=thinker, budget=budget, depth=values.pop("depth", task.default_depth), **values)


def _check_caps(settings: TotSettings, max_nodes: int, max_model_calls: int, max_seconds: float) -> None:
    for name, value, cap, setting in (
        ("max_nodes", max_nodes, settings.max_nodes, "PYGENT_TOT_MAX_NODES"),
        ("max_model_calls", max_model_calls, settings.max_model_calls, "PYGENT_TOT_MAX_MODEL_CALLS"),
        ("max_seconds", max_seconds, settings.max_seconds, "PYGENT_TOT_MAX_SECONDS"),
    ):
        if value > cap:
            raise InvalidArgumentError(f"{name}={value:g} is over this server's cap of {cap:g} ({setting})")
