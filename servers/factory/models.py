"""What the factory's tools return (pydantic, so every tool has an output schema)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel
from pygent.core.agent_spec import AgentSpec, AgentType


class _Result(BaseModel):
    model_config = ConfigDict(populate_by_name=True, alias_generator=to_camel, serialize_by_alias=True)


class AgentResult(_Result):
    """One version of an agent, with every version kept and what validation could not check."""

    agent: AgentSpec
    versions: list[int] = Field(description="every stored version of this agent, oldest first")
    warnings: list[str] = Field(
        default_factory=list, description="what could not be checked, e.g. no tool catalog outside a host"
    )


class AgentSummary(_Result):
    name: str
    type: AgentType
    description: str
    version: int = Field(description="the latest version")
    updated_at: float | None


class AgentList(_Result):
    agents: list[AgentSummary]


class DeleteResult(_Result):
    name: str
    versions_deleted: int


class TemplateList(_Result):
    """The templates `create_agent(template=...)` starts from; each is a full spec named after its type."""

    templates: list[AgentSpec]
