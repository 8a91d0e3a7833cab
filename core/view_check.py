"""Check an agent's view against what the mesh really serves.

The host writes every server's last tool catalog to the state database
(`pygent.core.mesh_catalog`); a view that names an unknown server or tool, or
selects nothing, is an error a person can fix at once. What cannot be known
from the database comes back as warnings.

    >>> mesh = Mesh(tools={"memory": ["recall", "remember"]}, tags={})
    >>> check_view(ViewSpec(servers=["memory"], include=["memory_recall"]), mesh)
    []
    >>> check_view(ViewSpec(include=["memory_recal"]), mesh)
    Traceback (most recent call last):
    ...
    pygent.core.errors.InvalidArgumentError: unknown tool 'memory_recal' in view.include: did you mean 'memory_recall'?
    >>> check_view(ViewSpec(servers=["github"]), Mesh(tools={}, tags={}))
    ['no tool catalog in the state database (no host has used it yet): the view was checked for structure only']
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from pygent.core.agent_spec import ViewSpec, is_glob
from pygent.core.errors import InvalidArgumentError
from pygent.core.mesh_catalog import known_tools, registered_servers
from sqlalchemy import Engine

NO_CATALOG = "no tool catalog in the state database (no host has used it yet): the view was checked for structure only"


@dataclass(frozen=True)
class Mesh:
    """What the state database knows of the mesh."""

    tools: dict[str, list[str]]  # server -> its own tool names, for every server that has been ready
    tags: dict[str, list[str]]  # runtime-added server -> its tags (mcp.json servers' tags are not stored)

    @classmethod
    def read(cls, engine: Engine) -> Mesh:
        """Blocking; run in a worker thread."""
        catalogs = known_tools(engine)
        tools = {server: [str(tool.get("name")) for tool in listed] for server, listed in catalogs.items()}
        return cls(tools=tools, tags=registered_servers(engine))

    @property
    def servers(self) -> list[str]:
        return sorted(set(self.tools) | set(self.tags))


def check_view(view: ViewSpec, mesh: Mesh) -> list[str]:
    """Warnings about what could not be checked; an error for what is wrong.

    Raises:
        InvalidArgumentError: an unknown server or tool, or a view that selects no tools.
    """
    if not view.include:
        raise InvalidArgumentError("view.include is empty, so the view selects no tools (use ['*'] for all)")
    if not mesh.servers:
        return [NO_CATALOG]
    for server in view.servers:
        if server not in mesh.servers:
            raise InvalidArgumentError(
                f"unknown server {server!r} in view: known servers are {', '.join(mesh.servers)}"
            )
    scope = view.servers or mesh.servers
    waiting = [server for server in scope if server not in mesh.tools]  # added at runtime, never ready yet
    warnings = [f"the tools of {', '.join(waiting)} are not known yet (never ready): not checked"] if waiting else []
    _check_names(view, mesh, scope, waiting)
    selected = sum(
        view.selects(server, tool, mesh.tags.get(server, ())) for server in scope for tool in mesh.tools.get(server, ())
    )
    if selected == 0 and not waiting:
        if view.tags and any(server not in mesh.tags for server in scope):
            warnings.append("view.tags: the tags of servers in mcp.json are not in the state database; not checked")
        else:
            raise InvalidArgumentError(
                f"the view selects no tools of {', '.join(scope)}: check view.include, view.exclude and view.tags"
            )
    if selected > view.budget.max_tools and view.search == "never":
        warnings.append(
            f"the view selects {selected} tools, more than view.budget.maxTools ({view.budget.max_tools}), "
            "and view.search is 'never'"
        )
    return warnings


def _check_names(view: ViewSpec, mesh: Mesh, scope: list[str], waiting: list[str]) -> None:
    """Every include/exclude entry that is not a glob must name a tool on the view's servers."""
    names = {f"{server}_{tool}" for server in scope for tool in mesh.tools.get(server, ())}
    everywhere = {f"{server}_{tool}" for server, tools in mesh.tools.items() for tool in tools}
    for field, patterns in (("include", view.include), ("exclude", view.exclude)):
        for pattern in patterns:
            if is_glob(pattern) or pattern in names or any(pattern.startswith(f"{s}_") for s in waiting):
                continue
            if pattern in everywhere:
                raise InvalidArgumentError(
                    f"tool {pattern!r} in view.{field} is not on the view's servers ({', '.join(scope)})"
                )
            close = difflib.get_close_matches(pattern, sorted(names), n=1)
            example = f", such as {min(names)!r}" if names else ""
            hint = f"did you mean {close[0]!r}?" if close else f"tool names are '<server>_<tool>'{example}"
            raise InvalidArgumentError(f"unknown tool {pattern!r} in view.{field}: {hint}")
