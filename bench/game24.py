"""Game of 24 benchmark: the Tree of Thoughts paper's test set (puzzles ranked 901-1000).

Without a model (always): the tot engine with game24's programmatic proposer,
scored exactly, under BFS, DFS and beam, against a blind DFS in the same run
(same proposer, no evaluator: every state looks equally promising, so only
backtracking finds the answer). Reports success rate, states expanded and
created, and milliseconds per puzzle; the ratio column is states expanded
relative to the blind DFS.

With `--llm ollama:MODEL` (or `openai:MODEL`) it also runs the paper's four
methods with that model: IO (few-shot, answer only), chain of thought, ToT with
breadth 1 and ToT with breadth 5 (propose, value x3, BFS, depth 3), reporting
success rate, model calls, tokens and seconds per puzzle.

    python bench/game24.py                       # programmatic, 100 puzzles (a few seconds)
    python bench/game24.py --llm ollama:llama3.2 --model-limit 20
    python bench/game24.py --start 1 --end 1362  # every puzzle

Writes bench/results/game24.json.
"""

from __future__ import annotations

import argparse
import csv
import json
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import anyio
from pygent.core.llm import ChatOptions, LLMProvider, select_provider
from pygent.core.llm.auto import AutoProvider
from pygent.core.settings import Settings
from pygent.servers.tot.budget import BudgetedProvider, Meter
from pygent.servers.tot.models import Budget, Params, Strategy
from pygent.servers.tot.search import Search
from pygent.servers.tot.tasks import Game24
from pygent.servers.tot.tasks.base import Steps
from pygent.servers.tot.thinkers import ModelThinker, ProgrammaticThinker, Thinker

HERE = Path(__file__).resolve().parent
DATA = HERE / "game24_data" / "24.csv"
RESULTS = HERE / "results" / "game24.json"
PAPER = {"io": 7.3, "cot": 4.0, "tot-b1": 45.0, "tot-b5": 74.0}


@dataclass
class Row:
    method: str
    puzzles: int = 0
    solved: int = 0
    expanded: list[int] = field(default_factory=list)
    nodes: list[int] = field(default_factory=list)
    calls: list[int] = field(default_factory=list)
    tokens: list[int] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)

    @property
    def success(self) -> float:
        return 100.0 * self.solved / self.puzzles if self.puzzles else 0.0

    def summary(self) -> dict[str, Any]:
        def mean(values: list[int] | list[float]) -> float:
            return round(statistics.fmean(values), 3) if values else 0.0

        return {
            "method": self.method,
            "puzzles": self.puzzles,
            "solved": self.solved,
            "success_pct": round(self.success, 1),
            "expanded_mean": mean(self.expanded),
            "nodes_mean": mean(self.nodes),
            "model_calls_mean": mean(self.calls),
            "tokens_mean": mean(self.tokens),
            "ms_per_puzzle": round(1000 * statistics.fmean(self.seconds), 2) if self.seconds else 0.0,
        }


class Blind:
    """The proposer without an evaluator: every unfinished state scores the same."""

    def __init__(self, game: Game24) -> None:
        self.exact = game.programmatic()

    def propose(self, problem: str, steps: Steps) -> list[str]:
        return self.exact.propose(problem, steps)

    def value(self, problem: str, steps: Steps) -> tuple[float, str]:
        return 1.0, "unknown"


def load(path: Path, start: int, end: int) -> list[str]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [row["Puzzles"] for row in csv.DictReader(handle) if start <= int(row["Rank"]) <= end]


def params(strategy: Strategy, breadth: int, evaluate_samples: int = 3) -> Params:
    budget = Budget(max_nodes=100_000, max_model_calls=10_000, max_tokens=None, max_seconds=3600)
    return Params(strategy=strategy, breadth=breadth, depth=3, evaluate_samples=evaluate_samples, budget=budget)


async def search(row: Row, game: Game24, problem: str, thinker: Thinker, setup: Params, meter: Meter) -> None:
    started = time.perf_counter()
    engine = Search(game, problem, thinker, setup, meter)
    await engine.run()
    row.seconds.append(time.perf_counter() - started)
    row.puzzles += 1
    row.solved += engine.solution is not None
    row.expanded.append(engine.expanded)
    row.nodes.append(engine.tree.size)
    row.calls.append(meter.calls)
    row.tokens.append(meter.tokens)


async def programmatic(puzzles: list[str], breadth: int) -> list[Row]:
    game = Game24()
    exact = game.programmatic()
    methods: list[tuple[str, Strategy, int, Any]] = [
        ("blind-dfs (baseline)", "dfs", breadth, Blind(game)),
        ("bfs b=1", "bfs", 1, exact),
        (f"bfs b={breadth}", "bfs", breadth, exact),
        ("dfs", "dfs", breadth, exact),
        (f"beam b={breadth}", "beam", breadth, exact),
    ]
    rows = []
    for name, strategy, width, proposer in methods:
        row = Row(name)
        for puzzle in puzzles:
            await search(row, game, puzzle, ProgrammaticThinker(proposer), params(strategy, width), Meter(0))
        rows.append(row)
    return rows


async def one_shot(row: Row, game: Game24, provider: LLMProvider, problem: str, cot: bool) -> None:
    started = time.perf_counter()
    prompt = game.cot_prompt(problem) if cot else game.io_prompt(problem)
    reply = await provider.chat(prompt, options=ChatOptions(temperature=0.7))
    row.seconds.append(time.perf_counter() - started)
    row.puzzles += 1
    row.solved += game.check_answer(problem, reply.message.content)
    row.calls.append(1)
    row.tokens.append(reply.usage.total_tokens)


async def with_model(puzzles: list[str], spec: str, breadth: int) -> list[Row]:
    settings = Settings.load({"llm": spec})
    provider = select_provider(settings)
    if isinstance(provider, AutoProvider):
        provider = await provider.resolve()
    game = Game24()
    io, cot = Row("io"), Row("cot")
    tot1, tot5 = Row("tot-b1"), Row(f"tot-b{breadth}")
    for index, puzzle in enumerate(puzzles, 1):
        await one_shot(io, game, provider, puzzle, cot=False)
        await one_shot(cot, game, provider, puzzle, cot=True)
        for row, width in ((tot1, 1), (tot5, breadth)):
            meter = Meter(10_000)
            thinker = ModelThinker(
                game,
                BudgetedProvider(provider, meter),
                generation="propose",
                evaluation="value",
                samples=None,
                evaluate_samples=3,
                depth=3,
            )
            await search(row, game, puzzle, thinker, params("bfs", width), meter)
        print(
            f"  {index}/{len(puzzles)} {puzzle}: io {io.solved} cot {cot.solved} tot {tot1.solved}/{tot5.solved}",
            file=sys.stderr,
        )
    return [io, cot, tot1, tot5]


def table(rows: list[Row], baseline: Row | None) -> str:
    head = (
        f"{'method':<22}{'puzzles':>8}{'success %':>11}{'expanded':>10}{'nodes':>9}"
        f"{'calls':>8}{'tokens':>9}{'ms/puzzle':>11}{'x base':>8}"
    )
    lines = [head, "-" * len(head)]
    base = statistics.fmean(baseline.expanded) if baseline and baseline.expanded else 0.0
    for row in rows:
        s = row.summary()
        ratio = f"{s['expanded_mean'] / base:.3f}" if base and row.expanded else "-"
        paper = PAPER.get(row.method.split(" ")[0])
        label = row.method + (f" [paper {paper:g}%]" if paper is not None else "")
        lines.append(
            f"{label:<22}{s['puzzles']:>8}{s['success_pct']:>11.1f}{s['expanded_mean']:>10.2f}{s['nodes_mean']:>9.1f}"
            f"{s['model_calls_mean']:>8.1f}{s['tokens_mean']:>9.0f}{s['ms_per_puzzle']:>11.2f}{ratio:>8}"
        )
    return "\n".join(lines)


async def main(args: argparse.Namespace) -> None:
    puzzles = load(args.data, args.start, args.end)[: args.limit]
    print(f"Game of 24, ranks {args.start}-{args.end}: {len(puzzles)} puzzles", file=sys.stderr)
    rows = await programmatic(puzzles, args.breadth)
    report: dict[str, Any] = {
        "puzzles": len(puzzles),
        "ranks": [args.start, args.end],
        "programmatic": [r.summary() for r in rows],
    }
    print("\nProgrammatic proposer, exact evaluator (x base = states expanded / blind DFS)")
    print(table(rows, rows[0]))
    if args.llm:
        model_rows = await with_model(puzzles[: args.model_limit], args.llm, args.breadth)
        report["model"] = {"llm": args.llm, "rows": [r.summary() for r in model_rows], "paper_gpt4_pct": PAPER}
        print(f"\nWith {args.llm} (paper, GPT-4: IO 7.3%, CoT 4.0%, ToT b=1 45%, ToT b=5 74%)")
        print(table(model_rows, None))
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(report, indent=2), encoding="utf-8")
    print(f"\nwrote {args.json}", file=sys.stderr)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DATA, help="24.csv (default: the vendored copy)")
    parser.add_argument("--start", type=int, default=901, help="first rank (default 901)")
    parser.add_argument("--end", type=int, default=1000, help="last rank (default 1000)")
    parser.add_argument("--limit", type=int, default=10_000, help="at most this many puzzles")
    parser.add_argument("--breadth", type=int, default=5, help="breadth of the wide BFS / beam (default 5)")
    parser.add_argument(
        "--llm", help="also run IO, CoT, ToT b=1 and ToT b=5 with this model (ollama:MODEL, openai:MODEL)"
    )
    parser.add_argument("--model-limit", type=int, default=100, help="puzzles for the model methods (default 100)")
    parser.add_argument("--json", type=Path, default=RESULTS)
    anyio.run(main, parser.parse_args())
