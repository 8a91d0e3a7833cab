"""The search engine: BFS, DFS with pruning and backtracking, and beam search over thoughts.

    search = Search(task, problem, thinker, params, meter, on_progress=report)
    await search.run()            # search.tree, search.stop_reason, search.expanded

- `bfs` (the paper's ToT-BFS): expand every state of a level, evaluate the
  children, keep the `breadth` best by their own value.
- `beam`: the same level by level, but the `breadth` kept are the best by path
  score (mean value along the path), so one lucky step cannot outrank a path
  that was good all the way.
- `dfs`: expand the best child first, skip children valued below
  `value_threshold` (pruning), go back up when a subtree is used up
  (backtracking); stop at the first checked solution.

Every strategy stops early on a state the task's checker accepts, and on any
budget: nodes (checked before adding children), model calls and tokens
(checked before each call). Wall time and cancellation are the caller's cancel
scopes; the tree built so far stays valid either way.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence

from pygent.servers.tot.budget import BudgetExhausted, Meter
from pygent.servers.tot.models import Node, Params
from pygent.servers.tot.tasks import Task
from pygent.servers.tot.thinkers import Thinker
from pygent.servers.tot.tree import Tree

Progress = Callable[["Search", str], Awaitable[None]]


class Search:
    def __init__(
        self,
        task: Task,
        problem: str,
        thinker: Thinker,
        params: Params,
        meter: Meter,
        on_progress: Progress | None = None,
    ) -> None:
        self.task = task
        self.problem = problem
        self.thinker = thinker
        self.params = params
        self.meter = meter
        self.on_progress = on_progress
        self.tree = Tree(task.describe(problem, ()))
        self.expanded = 0
        self.stop_reason = "running"
        self.solution: Node | None = None
        self._pending_stop: str | None = None

    async def run(self) -> None:
        """Search until solved, exhausted or out of budget (`stop_reason` says which)."""
        try:
            if self.params.strategy == "dfs":
                await self._dfs(self.tree.root)
            else:
                await self._levels()
        except BudgetExhausted as exc:
            self.stop_reason = exc.reason
            return
        if self.solution is not None:
            self.stop_reason = "solved"
        else:
            self.stop_reason = self._pending_stop or "exhausted"

    @property
    def stopping(self) -> bool:
        return self.solution is not None or self._pending_stop is not None

    def _rank(self, node: Node) -> float:
        if self.params.strategy == "beam":
            return self.tree.path_score(node)
        return node.value or 0.0

    async def _levels(self) -> None:
        frontier = [self.tree.root]
        for _ in range(self.params.depth):
            open_nodes = [n for n in frontier if not n.terminal]
            if not open_nodes:
                return
            children = await self._expand(open_nodes)
            await self._evaluate(children)
            if self.stopping or not children:
                return
            ranked = sorted(children, key=lambda n: (-self._rank(n), n.id))
            for node in ranked[self.params.breadth :]:
                node.status = "pruned"
            frontier = ranked[: self.params.breadth]

    async def _dfs(self, node: Node) -> None:
        if node.terminal or node.depth >= self.params.depth:
            return
        children = await self._expand([node])
        await self._evaluate(children)
        for child in sorted(children, key=lambda n: (-(n.value or 0.0), n.id)):
            if self.stopping:
                return
            if (child.value or 0.0) < self.params.value_threshold:
                child.status = "pruned"
                continue
            await self._dfs(child)

    async def _expand(self, nodes: Sequence[Node]) -> list[Node]:
        if self.tree.size >= self.params.budget.max_nodes:
            raise BudgetExhausted("max_nodes")
        proposals = await self.thinker.expand(self.problem, [self.tree.steps(n) for n in nodes])
        seen: set[str] = set()
        children: list[Node] = []
        for node, steps in zip(nodes, proposals, strict=True):
            node.status = "expanded"
            self.expanded += 1
            for step in steps:
                path = (*self.tree.steps(node), step)
                key = self.task.state_key(self.problem, path)
                if key in seen:
                    continue
                if self.tree.size >= self.params.budget.max_nodes:
                    self._pending_stop = "max_nodes"
                    break
                seen.add(key)
                state = self.task.describe(self.problem, path)
                children.append(self.tree.add(node, step, state, self.task.is_terminal(self.problem, path)))
        await self._report(f"expanded {len(nodes)} state(s) at depth {nodes[0].depth}: {len(children)} new")
        return children

    async def _evaluate(self, children: list[Node]) -> None:
        checked: list[Node] = []
        judged: list[Node] = []
        for child in children:
            correct = self.task.check(self.problem, self.tree.steps(child)) if child.terminal else None
            (checked if correct is not None else judged).append(child)
            child.correct = correct
        for child in checked:
            child.value = 1.0 if child.correct else 0.0
            child.judgements = ["correct" if child.correct else "wrong"]
        judgements = await self.thinker.evaluate(self.problem, [self.tree.steps(n) for n in judged])
        for child, judgement in zip(judged, judgements, strict=True):
            child.value = judgement.value
            child.judgements = judgement.labels
        for child in children:
            if child.terminal:
                child.answer = self.task.answer(self.problem, self.tree.steps(child))
                child.status = "solution" if child.correct else "terminal"
                if child.correct and self.solution is None:
                    self.solution = child
        best = max((c.value or 0.0 for c in children), default=0.0)
        await self._report(f"evaluated {len(children)} state(s); best value {best:.2f}")

    async def _report(self, message: str) -> None:
        if self.on_progress is not None:
            await self.on_progress(self, message)
