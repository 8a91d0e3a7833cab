"""Any problem stated in words: the model proposes, judges and concludes.

The defaults of `Task` are exactly this task; it has no exact checker and no
programmatic proposer, so it needs a model (without one, `solve` says how to
configure it).
"""

from __future__ import annotations

from pygent.servers.tot.tasks.base import Task


class Generic(Task):
    name = "generic"
    description = "any problem in words; a model proposes steps, judges them and gives a final answer"
    default_depth = 4
