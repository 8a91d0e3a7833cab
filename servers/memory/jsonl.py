"""The reference server's graph file format: one JSON object per line.

    {"type":"entity","name":"Ada","entityType":"person","observations":["wrote notes"]}
    {"type":"relation","from":"Ada","to":"Engine","relationType":"programmed"}

`export_jsonl` writes exactly what `@modelcontextprotocol/server-memory` writes
(entities first, then relations, no trailing newline), so its `MEMORY_FILE_PATH`
can point at our export; `parse_jsonl` reads its files.
"""

from __future__ import annotations

import json

from pydantic import ValidationError
from pygent.core.errors import InvalidArgumentError
from pygent.servers.memory.graph_model import Entity, Graph, Relation


def export_jsonl(graph: Graph) -> str:
    lines = [
        json.dumps(
            {"type": "entity", "name": e.name, "entityType": e.entityType, "observations": e.observations},
            ensure_ascii=False,
            separators=(",", ":"),
        )
        for e in graph.entities
    ]
    lines += [
        json.dumps(
            {"type": "relation", "from": r.from_, "to": r.to, "relationType": r.relationType},
            ensure_ascii=False,
            separators=(",", ":"),
        )
        for r in graph.relations
    ]
    return "\n".join(lines)


def parse_jsonl(text: str) -> Graph:
    """Read a graph file; lines of other types are ignored, as the reference does.

    Raises:
        InvalidArgumentError: a line is not JSON or lacks a field; the message names the line.
    """
    graph = Graph()
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            if not isinstance(item, dict):
                raise ValueError("not an object")
            if item.get("type") == "entity":
                graph.entities.append(Entity.model_validate(item))
            elif item.get("type") == "relation":
                graph.relations.append(Relation.model_validate(item))
        except (ValueError, ValidationError) as exc:
            reason = exc.errors()[0]["msg"] if isinstance(exc, ValidationError) else str(exc)
            raise InvalidArgumentError(f"line {number} of the graph file is invalid: {reason}") from None
    return graph
