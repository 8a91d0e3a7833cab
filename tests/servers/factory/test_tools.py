"""The factory's tools through an MCP client, on SQLite and PostgreSQL: create, list, versions, delete."""

from __future__ import annotations

import json
from typing import Any

import jsonschema
import pytest
from fastmcp import Client
from pygent.core.agent_spec import TEMPLATES, spec_schema
from pygent.registry.models import RemoteServer

from tests.servers.factory.conftest import StateDb, data, error_of, make_server

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize("template", sorted(TEMPLATES))
async def test_an_agent_from_each_template_is_version_1_checked_against_the_mesh(
    state: StateDb, client: Client[Any], template: str
) -> None:
    await state.seed()
    made = data(await client.call_tool("create_agent", {"name": f"my-{template}", "template": template}))
    assert made["warnings"] == [] and made["versions"] == [1]
    agent = made["agent"]
    assert (agent["name"], agent["type"], agent["version"]) == (f"my-{template}", template, 1)
    assert agent["systemPrompt"] == TEMPLATES[template].system_prompt
    assert agent["createdAt"] == agent["updatedAt"] is not None
    stored = data(await client.call_tool("get_agent", {"name": f"my-{template}"}))
    assert stored["agent"] == agent


async def test_the_spec_overrides_the_template_field_by_field(state: StateDb, client: Client[Any]) -> None:
    await state.seed()
    spec = {"description": "papers on RAG", "view": {"budget": {"maxTools": 12}}, "limits": {"max_steps": 5}}
    agent = data(await client.call_tool("create_agent", {"name": "lit", "template": "research", "spec": spec}))["agent"]
    assert agent["description"] == "papers on RAG"
    assert agent["view"]["servers"] == ["search", "rag", "memory"]
    assert agent["view"]["budget"] == {"maxTools": 12, "maxTokens": 15000}
    assert agent["limits"]["maxSteps"] == 5 and agent["limits"]["maxSeconds"] == 600


async def test_a_spec_naming_a_type_gets_that_template(state: StateDb, client: Client[Any]) -> None:
    await state.seed()
    agent = data(await client.call_tool("create_agent", {"name": "fixer", "spec": {"type": "coding"}}))["agent"]
    assert agent["view"]["servers"] == ["filesystem", "github", "database"]


async def test_a_custom_agent_from_its_own_prompt(state: StateDb, client: Client[Any]) -> None:
    await state.seed()
    spec = {"systemPrompt": "Answer in haiku.", "view": {"servers": ["memory"], "include": ["memory_recall"]}}
    agent = data(await client.call_tool("create_agent", {"name": "poet", "spec": spec}))["agent"]
    assert (agent["type"], agent["systemPrompt"]) == ("custom", "Answer in haiku.")
    assert agent["view"]["include"] == ["memory_recall"]


async def test_list_agents_shows_the_latest_version_of_each(state: StateDb, client: Client[Any]) -> None:
    assert data(await client.call_tool("list_agents", {})) == {"agents": []}
    await client.call_tool("create_agent", {"name": "b-agent", "template": "search"})
    await client.call_tool("create_agent", {"name": "a-agent", "template": "general"})
    await client.call_tool("update_agent", {"name": "b-agent", "changes": {"description": "second"}})
    listed = data(await client.call_tool("list_agents", {}))["agents"]
    assert [(a["name"], a["type"], a["version"], a["description"]) for a in listed] == [
        ("a-agent", "general", 1, TEMPLATES["general"].description),
        ("b-agent", "search", 2, "second"),
    ]
    assert set(listed[0]) == {"name", "type", "description", "version", "updatedAt"}


async def test_every_version_stays_readable_after_updates(state: StateDb, client: Client[Any]) -> None:
    created = data(await client.call_tool("create_agent", {"name": "planner", "template": "reasoning"}))["agent"]
    second = data(
        await client.call_tool("update_agent", {"name": "planner", "changes": {"reasoning": {"tot": {"breadth": 5}}}})
    )
    assert second["versions"] == [1, 2]
    third = data(await client.call_tool("update_agent", {"name": "planner", "changes": {"view": {"exclude": []}}}))
    assert third["versions"] == [1, 2, 3]
    latest = third["agent"]
    assert latest["reasoning"]["tot"]["breadth"] == 5 and latest["reasoning"]["strategy"] == "tree_of_thought"
    assert latest["view"]["exclude"] == [] and latest["createdAt"] == created["createdAt"]
    assert latest["updatedAt"] >= second["agent"]["updatedAt"] >= created["updatedAt"]

    first = data(await client.call_tool("get_agent", {"name": "planner", "version": 1}))
    assert first["agent"] == created and first["versions"] == [1, 2, 3]
    middle = data(await client.call_tool("get_agent", {"name": "planner", "version": 2}))["agent"]
    assert middle["reasoning"]["tot"]["breadth"] == 5 and middle["view"]["exclude"] == created["view"]["exclude"]
    assert await error_of(client, "get_agent", {"name": "planner", "version": 9}) == (
        "agent 'planner' has no version 9; its versions are 1, 2, 3"
    )


async def test_the_agent_resource_is_the_latest_spec(state: StateDb, client: Client[Any]) -> None:
    await client.call_tool("create_agent", {"name": "helper", "template": "general"})
    await client.call_tool("update_agent", {"name": "helper", "changes": {"description": "v2"}})
    spec = json.loads((await client.read_resource("agents://helper"))[0].text)  # type: ignore[union-attr]
    assert (spec["version"], spec["description"]) == (2, "v2")
    templates = json.loads((await client.read_resource("agents://templates"))[0].text)  # type: ignore[union-attr]
    assert [t["name"] for t in templates["templates"]] == list(TEMPLATES)


async def test_list_templates_gives_each_template_as_a_full_spec(client: Client[Any]) -> None:
    templates = data(await client.call_tool("list_templates", {}))["templates"]
    assert [t["type"] for t in templates] == ["reasoning", "research", "coding", "search", "general"]
    for template in templates:
        jsonschema.validate(template, spec_schema())


async def test_delete_removes_every_version_and_frees_the_name(state: StateDb, client: Client[Any]) -> None:
    await client.call_tool("create_agent", {"name": "temp", "template": "search"})
    await client.call_tool("update_agent", {"name": "temp", "changes": {"description": "x"}})
    assert data(await client.call_tool("delete_agent", {"name": "temp"})) == {"name": "temp", "versionsDeleted": 2}
    assert state.count() == 0
    assert await error_of(client, "get_agent", {"name": "temp"}) == "unknown agent 'temp'"
    assert await error_of(client, "get_agent", {"name": "temp", "version": 1}) == "unknown agent 'temp'"
    assert await error_of(client, "delete_agent", {"name": "temp"}) == "unknown agent 'temp'"
    again = data(await client.call_tool("create_agent", {"name": "temp", "template": "search"}))
    assert again["versions"] == [1]


async def test_the_delete_tool_is_marked_destructive(client: Client[Any]) -> None:
    tools = {tool.name: tool for tool in await client.list_tools()}
    assert set(tools) == {"create_agent", "list_agents", "get_agent", "update_agent", "delete_agent", "list_templates"}
    assert tools["delete_agent"].annotations.destructive_hint  # type: ignore[union-attr]
    assert all(tools[name].annotations.read_only_hint for name in ("list_agents", "get_agent", "list_templates"))  # type: ignore[union-attr]
    assert not tools["update_agent"].annotations.destructive_hint  # type: ignore[union-attr]
    # A client sees every field it may set in `spec` and `changes`.
    changes = tools["update_agent"].input_schema["properties"]["changes"]
    assert {"systemPrompt", "view", "limits"} <= set(changes["properties"]) and "version" not in changes["properties"]


async def test_unknown_server_in_a_view_is_a_clear_error_and_nothing_is_stored(
    state: StateDb, client: Client[Any]
) -> None:
    await state.seed({"memory": ["recall"], "rag": ["search"]})
    spec = {"systemPrompt": "x", "view": {"servers": ["memory", "wiki"]}}
    assert await error_of(client, "create_agent", {"name": "a", "spec": spec}) == (
        "unknown server 'wiki' in view: known servers are memory, rag"
    )
    assert state.count() == 0


async def test_unknown_tool_in_a_view_suggests_the_name_it_resembles(state: StateDb, client: Client[Any]) -> None:
    await state.seed({"memory": ["recall", "remember"], "rag": ["search"]})
    spec = {"systemPrompt": "x", "view": {"include": ["memory_recal"]}}
    assert await error_of(client, "create_agent", {"name": "a", "spec": spec}) == (
        "unknown tool 'memory_recal' in view.include: did you mean 'memory_recall'?"
    )
    spec = {"systemPrompt": "x", "view": {"servers": ["rag"], "exclude": ["memory_recall"]}}
    assert await error_of(client, "create_agent", {"name": "a", "spec": spec}) == (
        "tool 'memory_recall' in view.exclude is not on the view's servers (rag)"
    )
    assert state.count() == 0


async def test_a_view_selecting_no_tools_is_refused(state: StateDb, client: Client[Any]) -> None:
    await state.seed({"memory": ["recall"]})
    spec = {"systemPrompt": "x", "view": {"include": ["memory_*"], "exclude": ["*_recall"]}}
    message = await error_of(client, "create_agent", {"name": "a", "spec": spec})
    assert message.startswith("the view selects no tools of memory")
    await client.call_tool("create_agent", {"name": "a", "spec": {"systemPrompt": "x"}})
    message = await error_of(client, "update_agent", {"name": "a", "changes": {"view": {"include": []}}})
    assert message == "view.include is empty, so the view selects no tools (use ['*'] for all)"
    assert data(await client.call_tool("get_agent", {"name": "a"}))["versions"] == [1]


async def test_outside_a_host_the_view_is_checked_for_structure_only_and_the_result_says_so(
    client: Client[Any],
) -> None:
    made = data(await client.call_tool("create_agent", {"name": "coder", "template": "coding"}))
    assert made["warnings"] == [
        "no tool catalog in the state database (no host has used it yet): the view was checked for structure only"
    ]
    spec = {"systemPrompt": "x", "view": {"include": []}}
    assert (await error_of(client, "create_agent", {"name": "none", "spec": spec})).startswith("view.include is empty")


async def test_a_server_added_at_runtime_but_never_ready_is_known_with_a_warning(
    state: StateDb, client: Client[Any]
) -> None:
    await state.seed({"memory": ["recall"]})
    await state.register("notes", RemoteServer(url="http://127.0.0.1:9/mcp", tags=["local"]))
    spec = {"systemPrompt": "x", "view": {"servers": ["notes"], "include": ["notes_search"]}}
    made = data(await client.call_tool("create_agent", {"name": "a", "spec": spec}))
    assert made["warnings"] == ["the tools of notes are not known yet (never ready): not checked"]
    tagged = {"systemPrompt": "x", "view": {"tags": ["local"]}}
    assert data(await client.call_tool("create_agent", {"name": "b", "spec": tagged}))["agent"]["view"]["tags"] == [
        "local"
    ]


BAD_CREATES: list[tuple[dict[str, Any], str]] = [
    ({"name": "Bad Name", "template": "general"}, "invalid agent spec: invalid field 'name': 'Bad Name' is not an"),
    ({"name": "x", "template": "poet"}, "invalid argument 'template': Input should be 'reasoning', 'research'"),
    ({"name": "x", "template": "general", "spec": {"colour": "red"}}, "invalid agent spec: unexpected field 'colour'"),
    ({"name": "x", "template": "general", "spec": {"view": {"budget": {"maxTools": 0}}}}, "invalid agent spec: "
     "invalid field 'view.budget.maxTools': Input should be greater than or equal to 1"),
    ({"name": "x"}, "invalid agent spec: missing required field 'systemPrompt'"),
    ({"name": "x", "spec": {"systemPrompt": "p", "version": 7}}, "spec.version is set by the factory; leave it out"),
    ({"name": "x", "spec": {"systemPrompt": "p", "name": "y"}}, "spec.name 'y' differs from name 'x'; leave it out"),
    ({"name": "templates", "template": "general"}, "'templates' is reserved (agents://templates)"),
    ({"name": "x", "spec": {"systemPrompt": "p"}, "extra": 1}, "unexpected argument 'extra'"),
]  # fmt: skip


@pytest.mark.parametrize(("arguments", "start"), BAD_CREATES)
async def test_bad_input_to_create_is_one_line_and_stores_nothing(
    state: StateDb, client: Client[Any], arguments: dict[str, Any], start: str
) -> None:
    message = await error_of(client, "create_agent", arguments)
    assert message.startswith(start) and "\n" not in message
    assert state.count() == 0


BAD_UPDATES: list[tuple[dict[str, Any], str]] = [
    ({"limits": {"maxSteps": 0}}, "invalid agent spec: invalid field 'limits.maxSteps'"),
    ({"view": {"servres": []}}, "invalid agent spec: unexpected field 'view.servres'"),
    ({"name": "other"}, "an agent cannot be renamed"),
    ({"createdBy": "me"}, "changes.createdBy cannot be changed"),
    ({"updated_at": 1.0}, "changes.updatedAt is set by the factory"),
    ({}, "changes is empty"),
    ({"view": {"servers": ["nowhere"]}}, "unknown server 'nowhere' in view"),
]


@pytest.mark.parametrize(("changes", "start"), BAD_UPDATES)
async def test_bad_input_to_update_is_one_line_and_keeps_the_agent_as_it_was(
    state: StateDb, client: Client[Any], changes: dict[str, Any], start: str
) -> None:
    await state.seed()
    before = data(await client.call_tool("create_agent", {"name": "keep", "template": "search"}))["agent"]
    message = await error_of(client, "update_agent", {"name": "keep", "changes": changes})
    assert message.startswith(start) and "\n" not in message
    after = data(await client.call_tool("get_agent", {"name": "keep"}))
    assert after["versions"] == [1] and after["agent"] == before


async def test_a_taken_name_is_a_conflict(state: StateDb, client: Client[Any]) -> None:
    await client.call_tool("create_agent", {"name": "twin", "template": "search"})
    assert await error_of(client, "create_agent", {"name": "twin", "template": "coding"}) == (
        "agent 'twin' already exists; update_agent changes it"
    )
    assert data(await client.call_tool("get_agent", {"name": "twin"}))["agent"]["type"] == "search"


async def test_updating_an_unknown_agent_is_not_found(client: Client[Any]) -> None:
    assert await error_of(client, "update_agent", {"name": "ghost", "changes": {"description": "x"}}) == (
        "unknown agent 'ghost'"
    )


async def test_the_number_of_agents_is_capped(state: StateDb) -> None:
    async with Client(make_server(state, max_agents=2)) as client:
        for name in ("one", "two"):
            await client.call_tool("create_agent", {"name": name, "template": "search"})
        message = await error_of(client, "create_agent", {"name": "three", "template": "search"})
        assert message.startswith("the factory keeps at most 2 agents")
        await client.call_tool("delete_agent", {"name": "one"})
        await client.call_tool("create_agent", {"name": "three", "template": "search"})


@pytest.mark.parametrize("mode", ["auto", "legacy"])
async def test_both_protocol_eras(state: StateDb, mode: str) -> None:
    async with Client(make_server(state), mode=mode) as client:
        await client.call_tool("create_agent", {"name": "era", "template": "general"})
        assert data(await client.call_tool("get_agent", {"name": "era"}))["agent"]["name"] == "era"
