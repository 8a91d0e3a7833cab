"""The factory's tools: create_agent, list_agents, get_agent, update_agent, delete_agent, list_templates."""

from __future__ import annotations

from typing import Annotated, Any

from fastmcp import FastMCP
from pydantic import Field, WithJsonSchema
from pygent.core.agent_spec import AGENT_NAME_PATTERN, AgentType, changes_schema
from pygent.servers.factory.models import AgentList, AgentResult, DeleteResult, TemplateList
from pygent.servers.factory.service import Factory

AgentName = Annotated[
    str,
    Field(
        min_length=1,
        max_length=63,
        description="the agent's name: lowercase letters, digits and '-', starting with a letter",
        json_schema_extra={"pattern": AGENT_NAME_PATTERN},
    ),
]
# Validated as a whole spec after merging (one error naming the field), but
# shown to clients with every field of a spec, so a model knows what it may set.
PartialSpec = Annotated[dict[str, Any], WithJsonSchema(changes_schema())]

READ = {"readOnlyHint": True, "destructiveHint": False, "idempotentHint": True, "openWorldHint": False}
WRITE = {"readOnlyHint": False, "destructiveHint": False, "idempotentHint": False, "openWorldHint": False}
DELETE = {"readOnlyHint": False, "destructiveHint": True, "idempotentHint": True, "openWorldHint": False}


def register_tools(server: FastMCP[Any], factory: Factory) -> None:
    @server.tool(annotations=WRITE)
    async def create_agent(
        name: AgentName,
        template: Annotated[
            AgentType | None,
            Field(description="start from this template's prompt, tools and limits (see list_templates)"),
        ] = None,
        spec: Annotated[
            PartialSpec | None,
            Field(
                description="fields that override the template's (camelCase or snake_case); required: "
                "systemPrompt when there is no template"
            ),
        ] = None,
    ) -> AgentResult:
        """Create an agent: a template's defaults with `spec`'s fields over them, stored as version 1.

        Its view is checked against the mesh's tool catalog: an unknown server or tool, or a view that
        selects nothing, is an error. The agent becomes the tool `agent_<name>` on the host.
        """
        return await factory.create(name, template, spec)

    @server.tool(annotations=READ)
    async def list_agents() -> AgentList:
        """Every agent, latest version: name, type, description, version, updatedAt."""
        return await factory.list()

    @server.tool(annotations=READ)
    async def get_agent(
        name: AgentName,
        version: Annotated[int | None, Field(ge=1, description="a stored version; default the latest")] = None,
    ) -> AgentResult:
        """An agent's full spec (the latest version, or the one asked for) and the list of its versions."""
        return await factory.get(name, version)

    @server.tool(annotations=WRITE)
    async def update_agent(
        name: AgentName,
        changes: Annotated[
            PartialSpec,
            Field(
                description="fields to change, deep-merged over the latest version, e.g. "
                '{"limits": {"maxSteps": 40}}; lists are replaced whole'
            ),
        ],
    ) -> AgentResult:
        """Store a new version of an agent with `changes` merged over its latest; older versions stay readable."""
        return await factory.update(name, changes)

    @server.tool(annotations=DELETE)
    async def delete_agent(name: AgentName) -> DeleteResult:
        """Delete an agent and every version of it."""
        return await factory.delete(name)

    @server.tool(annotations=READ)
    def list_templates() -> TemplateList:
        """The agent templates (reasoning, research, coding, search, general), each a full spec."""
        return factory.templates()
