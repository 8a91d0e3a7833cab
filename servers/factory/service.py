"""What the factory's tools do: build a spec from a template and a partial spec,
check it against the mesh, store it as a new version.

    factory = Factory(SpecStore(engine, 1000), engine)
    made = await factory.create("lit-review", "research", {"description": "RAG papers"})
    made.warnings                   # what could not be checked (no host catalog yet, ...)
    await factory.update("lit-review", {"limits": {"maxSteps": 40}})    # version 2

Nothing is stored unless the whole spec is valid.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic.alias_generators import to_camel
from pygent.core.agent_spec import (
    READ_ONLY_FIELDS,
    TEMPLATES,
    AgentSpec,
    merge_changes,
    merge_spec,
    template_data,
    validate_spec,
)
from pygent.core.db import run_sql
from pygent.core.errors import InvalidArgumentError, UnavailableError
from pygent.core.view_check import Mesh, check_view
from pygent.servers.factory.models import AgentList, AgentResult, AgentSummary, DeleteResult, TemplateList
from pygent.servers.factory.store import SpecStore
from sqlalchemy import Engine

# `agents://templates` is the template list; an agent of that name would hide it.
RESERVED_NAMES = frozenset({"templates"})
# Each failed attempt means another writer stored a version, so this bounds
# the wait behind that many concurrent updates of one agent.
UPDATE_ATTEMPTS = 100


def _given(data: Mapping[str, Any], field: str) -> Any:
    """The value of `field` under either spelling, or None."""
    return data.get(field, data.get(to_camel(field)))


def _refuse_read_only(data: Mapping[str, Any], argument: str) -> None:
    for field in READ_ONLY_FIELDS:
        if field in data or to_camel(field) in data:
            raise InvalidArgumentError(f"{argument}.{to_camel(field)} is set by the factory; leave it out")


class Factory:
    def __init__(self, store: SpecStore, engine: Engine) -> None:
        self.store = store
        self._engine = engine

    async def _check(self, agent: AgentSpec) -> list[str]:
        mesh = await run_sql(lambda: Mesh.read(self._engine))
        return check_view(agent.view, mesh)

    async def create(self, name: str, template: str | None, spec: Mapping[str, Any] | None) -> AgentResult:
        """Raises: InvalidArgumentError, ConflictError, LimitExceededError."""
        spec = spec or {}
        _refuse_read_only(spec, "spec")
        if name in RESERVED_NAMES:
            raise InvalidArgumentError(f"{name!r} is reserved (agents://{name}); choose another name")
        if _given(spec, "name") not in (None, name):
            raise InvalidArgumentError(f"spec.name {_given(spec, 'name')!r} differs from name {name!r}; leave it out")
        # A spec that names a template type gets that template's defaults too.
        spec_type = _given(spec, "type")
        chosen = template or (spec_type if spec_type in TEMPLATES else "custom")
        agent = validate_spec(merge_changes(AgentSpec, template_data(chosen, name), spec))
        warnings = await self._check(agent)
        stored = await self.store.add(agent)
        return AgentResult(agent=stored, versions=[stored.version], warnings=warnings)

    async def update(self, name: str, changes: Mapping[str, Any]) -> AgentResult:
        """`changes` deep-merged over the latest version, stored as the next one.

        Raises: NotFoundError, InvalidArgumentError, UnavailableError (too many concurrent writers).
        """
        if not changes:
            raise InvalidArgumentError("changes is empty: name at least one field to change")
        _refuse_read_only(changes, "changes")
        if _given(changes, "name") not in (None, name):
            raise InvalidArgumentError("an agent cannot be renamed: create_agent a new one, then delete_agent this one")
        for _ in range(UPDATE_ATTEMPTS):
            base, versions = await self.store.read(name)
            if _given(changes, "created_by") not in (None, base.created_by):
                raise InvalidArgumentError("changes.createdBy cannot be changed: it records who created the agent")
            changed = merge_spec(base, changes)
            warnings = await self._check(changed)
            stored = await self.store.append(base, changed)
            if stored is not None:
                return AgentResult(agent=stored, versions=[*versions, stored.version], warnings=warnings)
        raise UnavailableError(f"agent {name!r} is being changed by too many writers at once; try again")

    async def get(self, name: str, version: int | None) -> AgentResult:
        agent, versions = await self.store.read(name, version)
        return AgentResult(agent=agent, versions=versions)

    async def list(self) -> AgentList:
        summaries = [
            AgentSummary(
                name=a.name, type=a.type, description=a.description, version=a.version, updated_at=a.updated_at
            )
            for a in await self.store.latest_all()
        ]
        return AgentList(agents=summaries)

    async def delete(self, name: str) -> DeleteResult:
        return DeleteResult(name=name, versions_deleted=await self.store.delete(name))

    def templates(self) -> TemplateList:
        return TemplateList(templates=list(TEMPLATES.values()))
