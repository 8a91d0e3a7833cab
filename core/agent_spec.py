"""An agent as data: what it is told, which model answers, which tools it sees, its limits.

One pydantic definition shared by the factory server (which stores specs), the
host's runtime (which runs them), the SDK and the UI. JSON uses camelCase
(`systemPrompt`, `maxTools`); Python uses the snake_case attribute names, and
either spelling is accepted on input. `spec_schema()` is the JSON Schema.

    >>> spec = from_template("research", "lit-review", description="papers on RAG")
    >>> spec.tool_name, spec.memory_scope, spec.view.servers
    ('agent_lit_review', 'agent:lit-review', ['search', 'rag', 'memory'])
    >>> spec.model_dump()["systemPrompt"].startswith("You are a research assistant")
    True
    >>> merge_spec(spec, {"view": {"budget": {"maxTools": 10}}}).view.budget.max_tools
    10
    >>> try:
    ...     merge_spec(spec, {"limits": {"max_steps": 0}})
    ... except InvalidArgumentError as exc:
    ...     print(exc.message)
    invalid agent spec: invalid field 'limits.maxSteps': Input should be greater than or equal to 1
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping, Sequence
from fnmatch import fnmatchcase
from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from pydantic.alias_generators import to_camel
from pygent.core import agent_prompts as prompts
from pygent.core.arguments import describe
from pygent.core.errors import InvalidArgumentError

AgentType = Literal["reasoning", "research", "coding", "search", "general", "custom"]
AGENT_TYPES: tuple[str, ...] = get_args(AgentType)
AGENT_NAME_PATTERN = r"^[a-z][a-z0-9-]{0,62}$"
_AGENT_NAME = re.compile(AGENT_NAME_PATTERN)
# The memory server's scope shape (servers/memory/scopes.py); core cannot import it.
MEMORY_SCOPE_PATTERN = r"^(default|(agent|user|conversation):[A-Za-z0-9._@-]{1,128})$"
# Fields the factory sets; a caller's spec or changes may not carry them.
READ_ONLY_FIELDS = ("version", "created_at", "updated_at")
_GLOB = re.compile(r"[*?\[]")


def _first_paragraph(schema: dict[str, Any]) -> None:
    """A model's description in its JSON Schema is its docstring's first paragraph, never its examples.

    The schemas go into the factory's tool definitions, which every model that
    sees the factory pays for in tokens (bench/view_tokens.py).
    """
    description = schema.get("description")
    if isinstance(description, str):
        schema["description"] = description.split("\n\n", 1)[0]


class _SpecModel(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        populate_by_name=True,
        alias_generator=to_camel,
        serialize_by_alias=True,
        json_schema_extra=_first_paragraph,
    )


class ModelChoice(_SpecModel):
    """Which language model answers. `auto` is whatever `PYGENT_LLM` resolves to; `offline`
    is the no-model router (best-matching tool by embedding similarity)."""

    provider: Literal["auto", "ollama", "openai", "client", "offline"] = "auto"
    model: str | None = Field(default=None, description="model name for ollama/openai; the provider's default if unset")
    options: dict[str, Any] = Field(default_factory=dict, description="provider options: temperature, max_tokens, ...")


class ToolBudget(_SpecModel):
    """How much of a model's context the view's tool definitions may take."""

    max_tools: int = Field(default=40, ge=1, le=1000)
    max_tokens: int = Field(default=15000, ge=100, description="tokens of tool definitions")


class ViewSpec(_SpecModel):
    """A named selection of the mesh's tools, by server, tag and glob over namespaced names.

    Every filter narrows: a tool is in the view when its server is listed (or
    `servers` is empty), its server carries one of `tags` (or `tags` is empty),
    its namespaced name matches an `include` glob and no `exclude` glob.

        >>> view = ViewSpec(servers=["memory", "rag"], exclude=["*_delete_*"])
        >>> view.selects("memory", "recall", []), view.selects("memory", "delete_entities", [])
        (True, False)
        >>> view.selects("github", "git_log", []), ViewSpec(tags=["ro"]).selects("github", "git_log", ["ro"])
        (False, True)
    """

    servers: list[str] = Field(default_factory=list, description="server names; empty means every server")
    include: list[str] = Field(default_factory=lambda: ["*"], description="globs over namespaced tool names")
    exclude: list[str] = Field(default_factory=list, description="globs over namespaced tool names")
    tags: list[str] = Field(default_factory=list, description="only servers carrying one of these mcp.json tags")
    search: Literal["auto", "always", "never"] = Field(
        default="auto",
        description="offer find_tools/call_tool instead of the tools: when over budget (auto), always, or never",
    )
    budget: ToolBudget = Field(default_factory=ToolBudget)

    @field_validator("servers", "include", "exclude", "tags")
    @classmethod
    def _no_blanks(cls, values: list[str]) -> list[str]:
        if any(not value.strip() for value in values):
            raise ValueError("entries must not be empty")
        return values

    def selects(self, server: str, tool: str, server_tags: Sequence[str] = ()) -> bool:
        """Whether `tool` of `server` (its own, un-namespaced name) is in this view."""
        if self.servers and server not in self.servers:
            return False
        if self.tags and not set(self.tags).intersection(server_tags):
            return False
        name = f"{server}_{tool}"
        return any(fnmatchcase(name, p) for p in self.include) and not any(fnmatchcase(name, p) for p in self.exclude)


class ViewDefinition(ViewSpec):
    """A view as `mcp.json`'s `views` object holds it: the selection and what it is for."""

    description: str = Field(default="", max_length=2000)


class NamedView(ViewDefinition):
    """A view users define for itself (REST, CLI, `mcp.json`), served as `/views/<name>/mcp`.

    >>> NamedView(name="read-only", exclude=["*_delete_*", "*_write_*"]).endpoint
    '/views/read-only/mcp'
    """

    name: str = Field(
        description="1-63 lowercase letters, digits and '-', starting with a letter",
        json_schema_extra={"pattern": AGENT_NAME_PATTERN},
    )

    @field_validator("name")
    @classmethod
    def _view_name(cls, name: str) -> str:
        if not _AGENT_NAME.match(name):
            raise ValueError(
                f"{name!r} is not a view name: use 1-63 lowercase letters, digits and '-', starting with a letter"
            )
        return name

    @property
    def endpoint(self) -> str:
        return f"/views/{self.name}/mcp"


def validate_view(data: Mapping[str, Any]) -> NamedView:
    """A `NamedView` from JSON-like data.

    Raises:
        InvalidArgumentError: one line naming what is wrong.
    """
    try:
        return NamedView.model_validate(data)
    except ValidationError as exc:
        raise InvalidArgumentError("invalid view: " + describe(exc, data, what="field")) from None


def is_glob(pattern: str) -> bool:
    """Whether a view pattern is a glob (else it names one tool)."""
    return bool(_GLOB.search(pattern))


class MemorySpec(_SpecModel):
    """What the agent recalls before a turn and whether it remembers the conversation."""

    scope: str | None = Field(
        default=None, pattern=MEMORY_SCOPE_PATTERN, description="memory scope; default 'agent:<name>'"
    )
    recall: int = Field(default=5, ge=0, le=50, description="memories recalled per turn; 0 turns recall off")
    remember: bool = True


class TreeOfThought(_SpecModel):
    """Arguments of the tot server's `solve` (servers/tot/search_tools.py)."""

    strategy: Literal["bfs", "dfs", "beam"] = "bfs"
    breadth: int = Field(default=3, ge=1, le=50)
    depth: int | None = Field(default=None, ge=1, le=50, description="steps at most; default: the task's")
    max_nodes: int = Field(default=100, ge=1)
    max_model_calls: int = Field(default=100, ge=1)


class Reasoning(_SpecModel):
    strategy: Literal["direct", "tree_of_thought"] = "direct"
    tot: TreeOfThought = Field(default_factory=TreeOfThought)


class Limits(_SpecModel):
    """Caps of one run of the agent."""

    max_steps: int = Field(default=20, ge=1, le=200, description="model turns")
    max_tool_calls: int = Field(default=50, ge=0)
    max_tokens: int | None = Field(default=None, ge=1)
    max_seconds: float = Field(default=300, gt=0)


class AgentSpec(_SpecModel):
    """One agent. Its name becomes the MCP tool `agent_<name>` and the endpoint `/agents/<name>/mcp`."""

    model_config = ConfigDict(title="PyGent Factory agent spec")

    name: str = Field(
        description="1-63 lowercase letters, digits and '-', starting with a letter",
        json_schema_extra={"pattern": AGENT_NAME_PATTERN},
    )
    type: AgentType = "custom"
    description: str = Field(default="", max_length=2000)
    system_prompt: str = Field(min_length=1, max_length=50_000)
    model: ModelChoice = Field(default_factory=ModelChoice)
    view: ViewSpec = Field(default_factory=ViewSpec)
    memory: MemorySpec = Field(default_factory=MemorySpec)
    reasoning: Reasoning = Field(default_factory=Reasoning)
    limits: Limits = Field(default_factory=Limits)
    created_by: str | None = Field(
        default=None, max_length=200, description="the agent that created this one (it never gets more tools)"
    )
    version: int = Field(default=1, ge=1, description="set by the factory; read-only")
    created_at: float | None = Field(default=None, description="when version 1 was stored (Unix time)")
    updated_at: float | None = Field(default=None, description="when this version was stored (Unix time)")

    @field_validator("name")
    @classmethod
    def _agent_name(cls, name: str) -> str:
        if not _AGENT_NAME.match(name):
            raise ValueError(
                f"{name!r} is not an agent name: use 1-63 lowercase letters, digits and '-', starting with a letter"
            )
        return name

    @property
    def tool_name(self) -> str:
        """The MCP tool this agent is exposed as."""
        return "agent_" + self.name.replace("-", "_")

    @property
    def endpoint(self) -> str:
        return f"/agents/{self.name}/mcp"

    @property
    def memory_scope(self) -> str:
        return self.memory.scope or f"agent:{self.name}"


def validate_spec(data: Mapping[str, Any]) -> AgentSpec:
    """An `AgentSpec` from JSON-like data.

    Raises:
        InvalidArgumentError: one line naming every field that is wrong.
    """
    try:
        return AgentSpec.model_validate(data)
    except ValidationError as exc:
        raise InvalidArgumentError("invalid agent spec: " + describe(exc, data, what="field")) from None


def merge_changes(model: type[BaseModel], data: Mapping[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    """`changes` deep-merged over `data` (both JSON-like, for `model`); nothing is validated.

    Nested models merge field by field; any other value (a list, a dict such as
    `model.options`, a scalar) replaces the old one. Keys may be snake_case or
    camelCase; the result uses the camelCase aliases.
    """
    merged = {_alias(model, key): value for key, value in copy.deepcopy(dict(data)).items()}
    for key, value in changes.items():
        alias = _alias(model, key)
        nested = _model_of(model, key)
        if isinstance(value, BaseModel):
            value = value.model_dump(mode="json")
        if nested is not None and isinstance(value, Mapping) and isinstance(merged.get(alias), Mapping):
            merged[alias] = merge_changes(nested, merged[alias], value)
        else:
            merged[alias] = copy.deepcopy(value)
    return merged


def merge_spec(base: AgentSpec, changes: Mapping[str, Any]) -> AgentSpec:
    """`base` with `changes` deep-merged over it (see `merge_changes`), validated.

    Raises:
        InvalidArgumentError: the result is not a valid spec (one line naming the field).
    """
    return validate_spec(merge_changes(AgentSpec, base.model_dump(mode="json"), changes))


def _field_name(model: type[BaseModel], key: str) -> str | None:
    if key in model.model_fields:
        return key
    return next((name for name, field in model.model_fields.items() if field.alias == key), None)


def _alias(model: type[BaseModel], key: str) -> str:
    name = _field_name(model, key)
    if name is None:
        return key  # unknown: validation reports it under the caller's spelling
    return model.model_fields[name].alias or name


def _model_of(model: type[BaseModel], key: str) -> type[BaseModel] | None:
    name = _field_name(model, key)
    annotation = model.model_fields[name].annotation if name else None
    return annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) else None


_NO_FORGETTING = ["memory_forget", "memory_delete_*"]

TEMPLATES: dict[str, AgentSpec] = {
    "reasoning": AgentSpec(
        name="reasoning",
        type="reasoning",
        description="Thinks problems through with tree-of-thought search and remembers its conclusions.",
        system_prompt=prompts.REASONING,
        view=ViewSpec(servers=["tot", "memory"], exclude=_NO_FORGETTING),
        reasoning=Reasoning(strategy="tree_of_thought"),
        limits=Limits(max_seconds=600),
    ),
    "research": AgentSpec(
        name="research",
        type="research",
        description="Answers from academic papers and your documents, with citations.",
        system_prompt=prompts.RESEARCH,
        model=ModelChoice(options={"temperature": 0.3}),
        view=ViewSpec(
            servers=["search", "rag", "memory"],
            include=["search_academic_search", "search_fetch", "rag_*", "memory_*"],
            exclude=["rag_delete_*", *_NO_FORGETTING],
        ),
        limits=Limits(max_steps=30, max_seconds=600),
    ),
    "coding": AgentSpec(
        name="coding",
        type="coding",
        description="Reads, changes and checks code in your files, local git repositories and databases.",
        system_prompt=prompts.CODING,
        model=ModelChoice(options={"temperature": 0.2}),
        view=ViewSpec(
            servers=["filesystem", "github", "database"], include=["filesystem_*", "github_git_*", "database_*"]
        ),
        limits=Limits(max_steps=40, max_tool_calls=100, max_seconds=900),
    ),
    "search": AgentSpec(
        name="search",
        type="search",
        description="Finds things on the web, in papers, in local files and in your collections.",
        system_prompt=prompts.SEARCH,
        view=ViewSpec(servers=["search", "rag"], exclude=["rag_delete_*"]),
    ),
    "general": AgentSpec(
        name="general",
        type="general",
        description="Uses any tool of the mesh that fits its budget, and finds the others by search.",
        system_prompt=prompts.GENERAL,
        view=ViewSpec(),
    ),
}


def template_data(agent_type: str, name: str) -> dict[str, Any]:
    """The JSON of a new spec of this type, before overrides: the template's, or a bare custom one.

    Raises:
        InvalidArgumentError: the type is not one of `AGENT_TYPES`.
    """
    if agent_type == "custom":
        return {"name": name, "type": "custom"}
    template = TEMPLATES.get(agent_type)
    if template is None:
        raise InvalidArgumentError(f"unknown template {agent_type!r}: use one of {', '.join(AGENT_TYPES)}")
    return {**template.model_dump(mode="json", exclude={"version", "created_at", "updated_at"}), "name": name}


def from_template(agent_type: str, name: str, **overrides: Any) -> AgentSpec:
    """A spec of `agent_type` (a template, or `custom`) named `name`, `overrides` deep-merged over it.

    Raises:
        InvalidArgumentError: unknown type, or the result is invalid (e.g. `custom` without `system_prompt`).
    """
    return validate_spec(merge_changes(AgentSpec, template_data(agent_type, name), overrides))


def spec_schema() -> dict[str, Any]:
    """JSON Schema of an agent spec (camelCase)."""
    schema = AgentSpec.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema


def changes_schema() -> dict[str, Any]:
    """JSON Schema of a partial spec (every field optional, read-only ones left out), `$ref`s inlined.

    Tools that take a partial spec (`create_agent`'s `spec`, `update_agent`'s `changes`) show it.
    """
    schema = AgentSpec.model_json_schema(by_alias=True)
    definitions = schema.pop("$defs", {})
    partial = _inline(schema, definitions)
    partial.pop("title", None)
    for field in READ_ONLY_FIELDS:
        partial["properties"].pop(to_camel(field), None)
    return dict(partial)


def _inline(node: Any, definitions: Mapping[str, Any]) -> Any:
    if isinstance(node, dict):
        if "$ref" in node:
            return _inline(definitions[node["$ref"].rsplit("/", 1)[1]], definitions)
        return {key: _inline(value, definitions) for key, value in node.items() if key != "required"}
    if isinstance(node, list):
        return [_inline(item, definitions) for item in node]
    return node


__all__ = [
    "AGENT_NAME_PATTERN",
    "AGENT_TYPES",
    "READ_ONLY_FIELDS",
    "TEMPLATES",
    "AgentSpec",
    "AgentType",
    "Limits",
    "MemorySpec",
    "ModelChoice",
    "NamedView",
    "Reasoning",
    "ToolBudget",
    "TreeOfThought",
    "ViewDefinition",
    "ViewSpec",
    "changes_schema",
    "from_template",
    "is_glob",
    "merge_changes",
    "merge_spec",
    "spec_schema",
    "template_data",
    "validate_spec",
    "validate_view",
]
