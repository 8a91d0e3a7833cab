"""Agent specs as data: templates, merging, one-line errors, the JSON Schema and views."""

from __future__ import annotations

from typing import Any

import jsonschema
import pytest
from pygent.core.agent_spec import (
    AGENT_TYPES,
    TEMPLATES,
    AgentSpec,
    ViewSpec,
    changes_schema,
    from_template,
    merge_spec,
    spec_schema,
    validate_spec,
)
from pygent.core.errors import InvalidArgumentError


@pytest.mark.parametrize("template", sorted(TEMPLATES))
def test_a_template_dump_validates_against_the_schema_and_reads_back_equal(template: str) -> None:
    spec = from_template(template, f"my-{template}")
    dumped = spec.model_dump(mode="json")
    jsonschema.validate(dumped, spec_schema())
    assert AgentSpec.model_validate(dumped) == spec
    assert "systemPrompt" in dumped and "maxTools" in dumped["view"]["budget"]


def test_the_schema_refuses_what_the_model_refuses() -> None:
    dumped = from_template("coding", "fixer").model_dump(mode="json")
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**dumped, "colour": "red"}, spec_schema())
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**dumped, "name": "Fixer"}, spec_schema())


def test_the_changes_schema_requires_nothing_and_leaves_out_read_only_fields() -> None:
    schema = changes_schema()
    assert "$defs" not in schema and "$ref" not in str(schema)
    jsonschema.validate({"limits": {"maxSteps": 3}}, schema)
    assert not {"version", "createdAt", "updatedAt"} & set(schema["properties"])
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"view": {"budget": {"maxTool": 3}}}, schema)


def test_schemas_describe_models_by_their_first_paragraph_without_doctests() -> None:
    # the factory's tool definitions carry these schemas: every model that sees them pays for each word
    for schema in (spec_schema(), changes_schema()):
        assert ">>>" not in str(schema)
    assert ViewSpec.model_json_schema()["description"] == (
        "A named selection of the mesh's tools, by server, tag and glob over namespaced names."
    )


def test_templates_choose_the_servers_of_their_type() -> None:
    assert TEMPLATES["reasoning"].view.servers == ["tot", "memory"]
    assert TEMPLATES["reasoning"].reasoning.strategy == "tree_of_thought"
    assert TEMPLATES["research"].view.servers == ["search", "rag", "memory"]
    assert TEMPLATES["coding"].view.servers == ["filesystem", "github", "database"]
    assert TEMPLATES["search"].view.servers == ["search", "rag"]
    assert TEMPLATES["general"].view.servers == []
    assert {t.view.search for t in TEMPLATES.values()} == {"auto"}
    assert set(TEMPLATES) | {"custom"} == set(AGENT_TYPES)


def test_research_sees_academic_search_but_not_web_search() -> None:
    view = TEMPLATES["research"].view
    assert view.selects("search", "academic_search", [])
    assert view.selects("search", "fetch", [])
    assert not view.selects("search", "web_search", [])
    assert view.selects("rag", "search", []) and not view.selects("rag", "delete_collection", [])
    assert view.selects("memory", "recall", []) and not view.selects("memory", "forget", [])


def test_coding_sees_local_git_but_not_the_github_api() -> None:
    view = TEMPLATES["coding"].view
    assert view.selects("github", "git_diff", [])
    assert not view.selects("github", "issue_write", [])
    assert view.selects("filesystem", "edit_file", []) and view.selects("database", "query", [])


def test_overrides_merge_into_nested_models_and_replace_lists() -> None:
    spec = from_template(
        "research", "lit", view={"exclude": ["memory_*"], "budget": {"max_tools": 12}}, limits={"maxSteps": 3}
    )
    assert spec.view.servers == ["search", "rag", "memory"]  # kept from the template
    assert spec.view.exclude == ["memory_*"]  # replaced whole
    assert spec.view.budget.max_tools == 12 and spec.view.budget.max_tokens == 15000
    assert spec.limits.max_steps == 3 and spec.limits.max_seconds == 600
    assert spec.model.options == {"temperature": 0.3}


def test_snake_case_and_camel_case_read_alike() -> None:
    data: dict[str, Any] = {"name": "a", "systemPrompt": "x", "limits": {"max_steps": 4}}
    assert validate_spec(data) == validate_spec({"name": "a", "system_prompt": "x", "limits": {"maxSteps": 4}})


def test_a_custom_agent_needs_a_system_prompt() -> None:
    with pytest.raises(InvalidArgumentError) as caught:
        from_template("custom", "bare")
    assert caught.value.message == "invalid agent spec: missing required field 'systemPrompt'"
    assert from_template("custom", "bare", system_prompt="Be brief.").type == "custom"


@pytest.mark.parametrize("name", ["Bad", "9lives", "under_score", "a" * 64, ""])
def test_a_bad_name_is_one_line_giving_the_rule(name: str) -> None:
    with pytest.raises(InvalidArgumentError) as caught:
        from_template("general", name)
    assert "\n" not in caught.value.message
    assert "invalid field 'name'" in caught.value.message and "lowercase letters" in caught.value.message


def test_an_unknown_template_names_the_choices() -> None:
    with pytest.raises(InvalidArgumentError, match=r"^unknown template 'poet': use one of reasoning, research"):
        from_template("poet", "x")


def test_an_unknown_field_is_named_with_its_path() -> None:
    with pytest.raises(InvalidArgumentError) as caught:
        merge_spec(from_template("general", "g"), {"view": {"servres": ["memory"]}})
    assert caught.value.message == "invalid agent spec: unexpected field 'view.servres'"


def test_names_become_the_tool_the_endpoint_and_the_memory_scope() -> None:
    spec = from_template("general", "help-desk")
    assert (spec.tool_name, spec.endpoint, spec.memory_scope) == (
        "agent_help_desk",
        "/agents/help-desk/mcp",
        "agent:help-desk",
    )
    assert merge_spec(spec, {"memory": {"scope": "user:kim"}}).memory_scope == "user:kim"
    with pytest.raises(InvalidArgumentError, match=r"memory\.scope"):
        merge_spec(spec, {"memory": {"scope": "everyone"}})


def test_every_filter_of_a_view_narrows() -> None:
    view = ViewSpec(servers=["memory", "github"], tags=["safe"], include=["*_read*", "memory_*"], exclude=["*_graph"])
    assert view.selects("memory", "recall", ["safe"])
    assert not view.selects("memory", "recall", [])  # untagged server
    assert not view.selects("memory", "read_graph", ["safe"])  # excluded
    assert view.selects("github", "repo_read", ["safe", "x"])
    assert not view.selects("github", "git_log", ["safe"])  # not included
    assert not view.selects("rag", "read_doc", ["safe"])  # not one of the servers
    assert ViewSpec().selects("anything", "at_all", [])
