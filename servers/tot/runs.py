"""One `solve` call: open the run, pick the thinker, search, keep the outcome.

A run is stored before the search starts and after it ends (and every half
second while it grows), so `get_run` always shows the latest tree and a
restart loses nothing but the work in flight. Cancellation (the `cancel` tool
or the client cancelling the call) and the wall-time budget stop the search
at once; the tree built so far becomes the result.

With the MCP client's model on a 2026-07-28 connection, each search level ends
in an input round: the run is stored as `waiting` with every answer received
so far, its id goes out as the request state, and when the client calls
again the search replays from those answers (model replies are keyed by
content, so the replay meets the same requests) and goes one level further.
After `client_rounds` rounds the run pauses; `solve(run_id=...)` resumes it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import anyio
import mcp_types as t
from fastmcp import Context
from pygent.core.errors import ConflictError, InvalidArgumentError, PygentError
from pygent.core.llm import ChatResponse, ClientProvider, InputRequired, LLMProvider, NoModelError, select_provider
from pygent.core.llm.auto import AutoProvider
from pygent.core.settings import Settings
from pygent.servers.tot.budget import BudgetedProvider, Meter
from pygent.servers.tot.models import Params, RunRecord, SolveResult, Stats
from pygent.servers.tot.search import Search
from pygent.servers.tot.settings import TotSettings
from pygent.servers.tot.store import RunStore, new_run_id, now
from pygent.servers.tot.tasks import TASKS, Task
from pygent.servers.tot.thinkers import FallbackThinker, ModelThinker, ProgrammaticThinker, Thinker

SAVE_EVERY = 0.5


@dataclass
class ActiveRun:
    scope: anyio.CancelScope = field(default_factory=anyio.CancelScope)
    finished: anyio.Event = field(default_factory=anyio.Event)


async def open_provider(
    settings: Settings, ctx: Context | None, transcript: dict[str, ChatResponse] | None = None
) -> LLMProvider:
    """The configured model, resolved (so `auto` has chosen), with earlier client answers loaded.

    Raises:
        NoModelError: no model is configured or reachable.
    """
    provider = select_provider(settings, ctx)
    if isinstance(provider, AutoProvider):
        provider = await provider.resolve()
    if isinstance(provider, ClientProvider) and transcript:
        provider.answers.update(transcript)
    return provider


async def choose_thinker(
    task: Task,
    params: Params,
    settings: TotSettings,
    host: Settings,
    ctx: Context | None,
    meter: Meter,
    run: RunRecord | None = None,
) -> tuple[Thinker, LLMProvider | None]:
    """The thinker `params.thinker` asks for (and the raw provider, when a model thinks).

    `auto` takes the model when one answers, else the task's programmatic
    thinker; it gives way to the latter even when the model fails only on its
    first call (a client that declares sampling but cannot sample).

    Raises:
        NoModelError: a model is needed and none is available.
        InvalidArgumentError: programmatic was asked of a task that has none, or the call budget
            cannot pay for a single step.
    """
    programmatic = task.programmatic()
    fallback = ProgrammaticThinker(programmatic, params.samples) if programmatic is not None else None
    if params.thinker == "programmatic":
        if fallback is None:
            raise InvalidArgumentError(f"task {task.name!r} has no programmatic proposer; use thinker='model'")
        return fallback, None
    try:
        provider = await open_provider(host, ctx, dict(run.transcript) if run else None)
    except NoModelError as exc:
        if params.thinker == "model":
            raise
        if fallback is not None:
            return FallbackThinker(None, fallback, meter, reason=exc.message), None
        raise NoModelError(f"task {task.name!r} has no programmatic thinker, and {exc.message}") from None
    generation = (params.samples or 5) if params.generation == "sample" else 1
    step_cost = generation + params.evaluate_samples
    if params.budget.max_model_calls < step_cost:
        raise InvalidArgumentError(
            f"max_model_calls={params.budget.max_model_calls} cannot pay for one step ({generation} generation "
            f"and {params.evaluate_samples} evaluation calls); raise it to {step_cost} or more"
        )
    thinker: Thinker = ModelThinker(
        task,
        BudgetedProvider(provider, meter),
        generation=params.generation,
        evaluation=params.evaluation,
        samples=params.samples,
        evaluate_samples=params.evaluate_samples,
        depth=params.depth,
        concurrency=settings.concurrency,
        temperature=settings.temperature,
    )
    if params.thinker == "auto" and fallback is not None:
        thinker = FallbackThinker(thinker, fallback, meter)
    return thinker, provider


class RunManager:
    """Runs of this server process: storing them, cancelling them."""

    def __init__(self, store: RunStore, settings: TotSettings, host: Settings) -> None:
        self.store = store
        self.settings = settings
        self.host = host
        self.active: dict[str, ActiveRun] = {}

    async def cancel(self, run_id: str) -> RunRecord:
        """Stop a running search; returns the run once it has stopped (or as it is, if it was not running)."""
        record = await self.store.get(run_id)
        entry = self.active.get(run_id)
        if entry is not None:
            entry.scope.cancel()
            with anyio.move_on_after(5):
                await entry.finished.wait()
            record = await self.store.get(run_id)
        return record

    async def _open(self, problem: str, task: Task, params: Params, run_id: str | None, ctx: Context) -> RunRecord:
        resumed = ctx.request_state or run_id
        if resumed is None:
            stamp = now()
            return RunRecord(
                id=new_run_id(),
                problem=problem,
                task=task.name,
                params=params,
                status="running",
                created=stamp,
                updated=stamp,
            )
        record = await self.store.get(resumed)
        if record.status not in ("waiting", "paused"):
            raise ConflictError(f"run {record.id} is {record.status}; only waiting or paused runs continue")
        if record.problem != problem or record.task != task.name:
            raise InvalidArgumentError(f"run {record.id} solves {record.task} {record.problem!r}, not {problem!r}")
        if ctx.request_state is None:
            record.rounds_at_start = record.rounds
        record.status = "running"
        return record

    async def solve(
        self, problem: str, task_name: str, params: Params, run_id: str | None, ctx: Context
    ) -> SolveResult | t.InputRequiredResult:
        task = TASKS.get(task_name)
        problem = task.parse_problem(problem)
        record = await self._open(problem, task, params, run_id, ctx)
        params = record.params
        meter = Meter(params.budget.max_model_calls, params.budget.max_tokens)
        try:
            thinker, provider = await choose_thinker(task, params, self.settings, self.host, ctx, meter, record)
        except NoModelError as exc:
            # Not bad input: a run that cannot proceed, kept as failed with the reason (never waiting).
            record.status, record.error = "failed", exc.message
            await self.store.save(record)
            raise
        started = time.monotonic()
        last_save = started

        async def progress(search: Search, message: str) -> None:
            nonlocal last_save
            await ctx.report_progress(
                search.expanded, None, f"{message} ({search.tree.size} nodes, {meter.calls} model calls)"
            )
            if time.monotonic() - last_save >= SAVE_EVERY:
                last_save = time.monotonic()
                record.result = self._result(record, search, thinker, meter, started, "running")
                await self.store.save(record)

        search = Search(task, problem, thinker, params, meter, on_progress=progress)
        entry = ActiveRun()
        self.active[record.id] = entry
        await self.store.save(record)
        try:
            with entry.scope:
                with anyio.move_on_after(params.budget.max_seconds) as timer:
                    await search.run()
                if timer.cancelled_caught:
                    search.stop_reason = "max_seconds"
            status = "done"
            if entry.scope.cancelled_caught:
                search.stop_reason, status = "cancelled", "cancelled"
            return await self._finish(record, search, thinker, meter, started, status)
        except InputRequired as need:
            return await self._ask_client(record, search, thinker, meter, started, provider, need)
        except PygentError as exc:
            search.stop_reason = "failed"
            record.error = exc.message
            await self._finish(record, search, thinker, meter, started, "failed")
            raise
        except anyio.get_cancelled_exc_class():
            with anyio.CancelScope(shield=True):
                search.stop_reason = "cancelled"
                await self._finish(record, search, thinker, meter, started, "cancelled")
            raise
        finally:
            self.active.pop(record.id, None)
            entry.finished.set()

    async def _ask_client(
        self,
        record: RunRecord,
        search: Search,
        thinker: Thinker,
        meter: Meter,
        started: float,
        provider: LLMProvider | None,
        need: InputRequired,
    ) -> SolveResult | t.InputRequiredResult:
        if isinstance(provider, ClientProvider):
            record.transcript = dict(provider.answers)
        if record.rounds - record.rounds_at_start >= self.settings.client_rounds:
            search.stop_reason = "client_rounds"
            return await self._finish(record, search, thinker, meter, started, "paused")
        record.rounds += 1
        search.stop_reason = "waiting"
        await self._finish(record, search, thinker, meter, started, "waiting")
        return need.result(request_state=record.id)

    async def _finish(
        self, record: RunRecord, search: Search, thinker: Thinker, meter: Meter, started: float, status: str
    ) -> SolveResult:
        result = self._result(record, search, thinker, meter, started, status)
        record.status = result.status
        record.result = result
        await self.store.save(record)
        return result

    def _result(
        self, record: RunRecord, search: Search, thinker: Thinker, meter: Meter, started: float, status: str
    ) -> SolveResult:
        tree = search.tree
        ranked = tree.ranked()
        best = ranked[0] if ranked else None
        solved = best is not None and best.correct is True
        answer = best.answer if best is not None else None
        confidence = 1.0 if solved else ((best.value or 0.0) if best is not None and answer is not None else 0.0)
        fell_back = thinker.fell_back if isinstance(thinker, FallbackThinker) else None
        stats = Stats(
            nodes=tree.size,
            expanded=search.expanded,
            model_calls=meter.calls,
            prompt_tokens=meter.prompt_tokens,
            completion_tokens=meter.completion_tokens,
            seconds=round(time.monotonic() - started, 3),
            rounds=record.rounds,
        )
        return SolveResult.model_validate(
            {
                "run_id": record.id,
                "status": status,
                "solved": solved,
                "answer": answer,
                "confidence": round(confidence, 4),
                "stop_reason": search.stop_reason,
                "best_path": tree.path(best) if best is not None else [],
                "runners_up": [tree.candidate(n) for n in ranked[1:4]],
                "stats": stats,
                "thinker": thinker.name,
                "model": thinker.model,
                "fallback": fell_back,
                "message": _message(record, search.stop_reason, solved, answer, confidence, fell_back),
                "tree": tree.nodes,
            }
        )


def _message(
    record: RunRecord, stop: str, solved: bool, answer: str | None, confidence: float, fell_back: str | None
) -> str:
    text = _outcome(record, stop, solved, answer, confidence)
    return f"{text}; no model answered, so the task's programmatic thinker ran" if fell_back else text


def _outcome(record: RunRecord, stop: str, solved: bool, answer: str | None, confidence: float) -> str:
    if stop == "waiting":
        return "waiting for the client's model to answer"
    if stop == "client_rounds":
        rounds = record.rounds - record.rounds_at_start
        return f"paused after {rounds} rounds with the client's model; call solve with run_id={record.id!r} to go on"
    found = f"answer {answer!r}" if answer else "no finished answer; best_path is the most promising partial path"
    if solved:
        return f"solved: {answer} (checked exactly)"
    reasons = {
        "exhausted": "searched everything within the depth",
        "cancelled": "cancelled; this is the best found so far",
        "failed": f"the model failed: {record.error}",
    }
    reason = reasons.get(stop, f"stopped by the {stop} budget; this is the best found so far")
    return f"{reason}: {found} (confidence {confidence:.2f})"
