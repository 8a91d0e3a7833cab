"""Task plugins: the kinds of problem the search understands.

task = TASKS.get("game24")          # raises InvalidArgumentError naming the known tasks
TASKS.register(MyTask())            # a plugin (see `base.Task`)
"""

from __future__ import annotations

from pygent.core.errors import InvalidArgumentError
from pygent.servers.tot.tasks.base import Programmatic, Steps, Task
from pygent.servers.tot.tasks.game24 import Game24
from pygent.servers.tot.tasks.generic import Generic


class TaskRegistry:
    """Tasks by name."""

    def __init__(self, *tasks: Task) -> None:
        self._tasks: dict[str, Task] = {}
        for task in tasks:
            self.register(task)

    def register(self, task: Task) -> None:
        self._tasks[task.name] = task

    def get(self, name: str) -> Task:
        task = self._tasks.get(name.strip().lower())
        if task is None:
            raise InvalidArgumentError(f"unknown task {name!r}; known tasks: {', '.join(sorted(self._tasks))}")
        return task

    def all(self) -> list[Task]:
        return [self._tasks[name] for name in sorted(self._tasks)]


TASKS = TaskRegistry(Generic(), Game24())

__all__ = ["TASKS", "Game24", "Generic", "Programmatic", "Steps", "Task", "TaskRegistry"]
