from __future__ import annotations

import json
from pathlib import Path

import jsonschema
from pygent.host.meshconfig import default_document
from pygent.registry.models import json_schema, parse_entry, schema_text

ROOT = Path(__file__).resolve().parents[2]


def test_the_generated_schema_accepts_our_files_and_rejects_bad_ones() -> None:
    schema = json_schema()
    jsonschema.validate(default_document(), schema)
    jsonschema.validate({"mcpServers": {"r": {"url": "https://x/mcp", "includeTools": ["a*"], "timeout": 3}}}, schema)
    errors = list(
        jsonschema.Draft202012Validator(schema).iter_errors({"mcpServers": {"x": {"timeout": -1, "command": "a"}}})
    )
    assert errors


def test_the_published_schema_file_is_current() -> None:
    assert (ROOT / "mcp.schema.json").read_text(encoding="utf-8") == schema_text()


def test_the_repository_mcp_json_is_the_default_mesh() -> None:
    assert json.loads((ROOT / "mcp.json").read_text(encoding="utf-8")) == default_document()


def test_entries_round_trip_through_their_json_form() -> None:
    raw = {"url": "http://127.0.0.1:1/mcp", "headers": {"X": "1"}, "tags": ["t"], "excludeTools": ["x"]}
    entry = parse_entry(raw)
    assert parse_entry(json.loads(entry.model_dump_json(by_alias=True, exclude_defaults=True))) == entry
