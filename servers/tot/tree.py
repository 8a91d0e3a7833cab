"""The search tree: nodes, paths, and which answers are best.

Ranking of answers, best first: states the task's checker accepted; then
finished states the task cannot check, by value; finished states the checker
rejected never count. With no finished state at all, the most promising
partial paths (deepest, then highest value) are returned without an answer.
"""

from __future__ import annotations

from pygent.servers.tot.models import Candidate, Node, PathStep
from pygent.servers.tot.tasks import Steps


class Tree:
    def __init__(self, state: str) -> None:
        self.nodes: list[Node] = [Node(id=0, state=state, status="root")]

    @property
    def root(self) -> Node:
        return self.nodes[0]

    @property
    def size(self) -> int:
        """States created, the root excluded."""
        return len(self.nodes) - 1

    def add(self, parent: Node, step: str, state: str, terminal: bool) -> Node:
        node = Node(
            id=len(self.nodes), parent=parent.id, depth=parent.depth + 1, step=step, state=state, terminal=terminal
        )
        self.nodes.append(node)
        return node

    def lineage(self, node: Node) -> list[Node]:
        """The nodes from the root's first child down to `node`."""
        chain = []
        current: Node | None = node
        while current is not None and current.parent is not None:
            chain.append(current)
            current = self.nodes[current.parent]
        return chain[::-1]

    def steps(self, node: Node) -> Steps:
        return tuple(n.step for n in self.lineage(node))

    def path_score(self, node: Node) -> float:
        """Mean value along the path (what beam search ranks by)."""
        values = [n.value or 0.0 for n in self.lineage(node)]
        return sum(values) / len(values) if values else 0.0

    def ranked(self) -> list[Node]:
        """Candidate end states, best first (see the module docstring)."""
        solutions = [n for n in self.nodes if n.terminal and n.correct is True]
        finished = [n for n in self.nodes if n.terminal and n.correct is None and n.answer is not None]
        if solutions or finished:
            return solutions + sorted(finished, key=lambda n: (-(n.value or 0.0), n.id))
        partial = [n for n in self.nodes[1:] if not n.terminal]
        return sorted(partial, key=lambda n: (-n.depth, -(n.value or 0.0), n.id))

    def candidate(self, node: Node) -> Candidate:
        score = 1.0 if node.correct else (node.value or 0.0)
        return Candidate(
            node=node.id, answer=node.answer, score=score, correct=node.correct, steps=list(self.steps(node))
        )

    def path(self, node: Node) -> list[PathStep]:
        return [PathStep(node=n.id, step=n.step, state=n.state, value=n.value) for n in self.lineage(node)]
