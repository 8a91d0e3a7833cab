"""The reference server's JSONL graph format: parsing, exact export, clear errors."""

from __future__ import annotations

import pytest
from pygent.core.errors import InvalidArgumentError
from pygent.servers.memory.graph_model import Entity, Graph, Relation
from pygent.servers.memory.jsonl import export_jsonl, parse_jsonl

FILE = (
    '{"type":"entity","name":"Zoë","entityType":"person","observations":["naïve \\"quote\\""]}\n'
    '{"type":"relation","from":"Zoë","to":"Oslo","relationType":"lives in"}'
)


def test_export_matches_the_reference_byte_for_byte_and_parses_back() -> None:
    graph = Graph(
        entities=[Entity(name="Zoë", entityType="person", observations=['naïve "quote"'])],
        relations=[Relation.model_validate({"from": "Zoë", "to": "Oslo", "relationType": "lives in"})],
    )
    assert export_jsonl(graph) == FILE
    assert parse_jsonl(FILE + '\n\n{"type":"other"}\n') == graph


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"type":"entity","name":"x"}', "line 1 of the graph file is invalid: Field required"),
        ("\n[1, 2]", "line 2 of the graph file is invalid: not an object"),
        ('{"type":', "line 1 of the graph file is invalid"),
    ],
)
def test_bad_lines_name_the_line(text: str, message: str) -> None:
    with pytest.raises(InvalidArgumentError, match=message):
        parse_jsonl(text)
