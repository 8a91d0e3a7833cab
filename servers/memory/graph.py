"""The knowledge graph: entities with observations, and typed relations, per scope.

Semantics follow the reference `@modelcontextprotocol/server-memory`: creating an
existing entity or relation is skipped, observations already present are not
added twice, adding to a missing entity fails the whole call, deleting an
entity deletes its relations, deletes of missing things are ignored, and reads
list things in the order they were created. Two differences, both fixes:
duplicates inside one call are added once, and concurrent writers (threads or
processes) never lose each other's changes, because every change is a
read-modify-write under a lock file shared by all processes using the store;
a write that loses a commit race to a process outside that lock (landing
vectors, compacting) runs again (core.embeddings.conflicts).

Each entity row keeps `content` (name, type and observations as one text);
its vector lands after the write (see core.embeddings.backfill).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pyarrow as pa
from filelock import FileLock, Timeout
from lancedb.db import DBConnection
from lancedb.index import FTS, Bitmap
from lancedb.table import Table
from pygent.core.embeddings.base import Embedder
from pygent.core.embeddings.conflicts import retry_conflicts
from pygent.core.embeddings.indexing import IndexPolicy
from pygent.core.embeddings.search import search
from pygent.core.embeddings.sql import sql_list
from pygent.core.embeddings.tables import index_names, open_table, vector_field
from pygent.core.errors import NotFoundError, UnavailableError
from pygent.servers.memory.graph_model import (
    Entity,
    Graph,
    ObservationAdded,
    ObservationAddition,
    ObservationDeletion,
    Relation,
)
from pygent.servers.memory.scopes import scope_filter

ENTITIES = "entities"
RELATIONS = "relations"
ENTITY_COLUMNS = ["scope", "name", "entity_type", "observations", "seq"]
RELATION_COLUMNS = ["scope", "src", "dst", "relation_type", "seq"]


def entity_schema(dimension: int) -> pa.Schema:
    return pa.schema(
        [
            pa.field("scope", pa.string(), nullable=False),
            pa.field("name", pa.string(), nullable=False),
            pa.field("entity_type", pa.string()),
            pa.field("observations", pa.list_(pa.string())),
            pa.field("content", pa.string()),
            pa.field("seq", pa.int64()),
            vector_field(dimension),
        ]
    )


RELATION_SCHEMA = pa.schema(
    [
        pa.field("scope", pa.string(), nullable=False),
        pa.field("src", pa.string(), nullable=False),
        pa.field("dst", pa.string(), nullable=False),
        pa.field("relation_type", pa.string(), nullable=False),
        pa.field("seq", pa.int64()),
    ]
)


def content_of(name: str, entity_type: str, observations: list[str]) -> str:
    """The text embedded and keyword-indexed for an entity."""
    return f"{name} ({entity_type}): " + "; ".join(observations)


def _entity_indices(table: Table) -> None:
    present = index_names(table)
    if "scope_idx" not in present:
        table.create_index("scope", config=Bitmap())
    if "content_idx" not in present:
        table.create_index("content", config=FTS())


def _relation_indices(table: Table) -> None:
    if "scope_idx" not in index_names(table):
        table.create_index("scope", config=Bitmap())


class GraphStore:
    """Blocking graph operations; the server runs them in worker threads."""

    def __init__(
        self, db: DBConnection, lock_path: Path, embedder: Embedder, policy: IndexPolicy, lock_timeout: float
    ) -> None:
        self.entities = open_table(
            db, ENTITIES, entity_schema(embedder.dimension), embedder, text_column="content", setup=_entity_indices
        )
        self.relations = open_table(db, RELATIONS, RELATION_SCHEMA, None, setup=_relation_indices)
        self.policy = policy
        self._lock = FileLock(str(lock_path))
        self._lock_timeout = lock_timeout

    @contextmanager
    def _locked(self) -> Iterator[None]:
        try:
            with self._lock.acquire(timeout=self._lock_timeout):
                yield
        except Timeout:
            raise UnavailableError("the knowledge graph is busy with another writer; try again") from None

    # reads

    def entity_rows(self, scope: str, where: str | None = None) -> list[dict[str, Any]]:
        condition = scope_filter([scope]) + (f" AND ({where})" if where else "")
        rows: list[dict[str, Any]] = (
            self.entities.search().where(condition).select(ENTITY_COLUMNS).limit(None).to_arrow().to_pylist()
        )
        return sorted(rows, key=lambda row: row["seq"])

    def relation_rows(self, scope: str, where: str | None = None) -> list[dict[str, Any]]:
        condition = scope_filter([scope]) + (f" AND ({where})" if where else "")
        rows: list[dict[str, Any]] = (
            self.relations.search().where(condition).select(RELATION_COLUMNS).limit(None).to_arrow().to_pylist()
        )
        return sorted(rows, key=lambda row: row["seq"])

    def read(self, scope: str) -> Graph:
        return _graph(self.entity_rows(scope), self.relation_rows(scope))

    def open_nodes(self, scope: str, names: list[str]) -> Graph:
        if not names:
            return Graph()
        return self.subgraph(scope, self.entity_rows(scope, f"name IN ({sql_list(names)})"))

    def subgraph(self, scope: str, rows: list[dict[str, Any]]) -> Graph:
        """These entities and every relation touching one of them."""
        names = {row["name"] for row in rows}
        if not names:
            return Graph()
        if len(names) > 100:  # a long IN list costs more than reading the scope's relations and picking here
            relations = [r for r in self.relation_rows(scope) if r["src"] in names or r["dst"] in names]
        else:
            listed = sql_list(sorted(names))
            relations = self.relation_rows(scope, f"src IN ({listed}) OR dst IN ({listed})")
        return _graph(rows, relations)

    def substring(self, scope: str, query: str) -> list[dict[str, Any]]:
        """Entities whose name, type or one observation contains `query`, ignoring case."""
        needle = query.lower()
        literal = sql_list([needle])
        candidates = self.entity_rows(
            scope,
            f"strpos(lower(name), {literal}) > 0 OR strpos(lower(entity_type), {literal}) > 0 "
            f"OR strpos(lower(array_to_string(observations, ' ')), {literal}) > 0",
        )
        return [row for row in candidates if _contains(row, needle)]

    def similar(self, scope: str, vector: Any, limit: int, min_similarity: float) -> list[dict[str, Any]]:
        """Up to `limit` entities closest in meaning to `vector`, above `min_similarity`."""
        hits = search(
            self.entities,
            self.policy,
            text="",
            vector=vector,
            k=limit,
            where=scope_filter([scope]),
            mode="vector",
            text_column="content",
            columns=ENTITY_COLUMNS,
        )
        return [hit.row for hit in hits if (hit.similarity or 0.0) >= min_similarity]

    def known(self, scope: str) -> bool:
        where = scope_filter([scope])
        return bool(self.entities.count_rows(where) or self.relations.count_rows(where))

    # writes

    def create_entities(self, scope: str, entities: list[Entity]) -> list[Entity]:
        with self._locked():
            wanted = _first_by(entities, lambda e: e.name)
            existing = {row["name"] for row in self.entity_rows(scope, f"name IN ({sql_list(list(wanted))})")}
            new = [entity for name, entity in wanted.items() if name not in existing]
            if new:
                base = time.time_ns()
                retry_conflicts(
                    "creating entities",
                    self.entities.add,
                    [_entity_row(scope, e.name, e.entityType, e.observations, base + i) for i, e in enumerate(new)],
                )
        return new

    def create_relations(self, scope: str, relations: list[Relation]) -> list[Relation]:
        with self._locked():
            wanted = _first_by(relations, _relation_key)
            sources = sql_list(sorted({relation.from_ for relation in relations}))
            existing = {_relation_key(_relation(row)) for row in self.relation_rows(scope, f"src IN ({sources})")}
            new = [relation for key, relation in wanted.items() if key not in existing]
            if new:
                base = time.time_ns()
                retry_conflicts(
                    "creating relations",
                    self.relations.add,
                    [
                        {"scope": scope, "src": r.from_, "dst": r.to, "relation_type": r.relationType, "seq": base + i}
                        for i, r in enumerate(new)
                    ],
                )
        return new

    def add_observations(self, scope: str, additions: list[ObservationAddition]) -> list[ObservationAdded]:
        with self._locked():
            names = sorted({addition.entityName for addition in additions})
            rows = {row["name"]: row for row in self.entity_rows(scope, f"name IN ({sql_list(names)})")}
            for addition in additions:
                if addition.entityName not in rows:
                    raise NotFoundError(f"Entity with name {addition.entityName} not found")
            results = []
            for addition in additions:
                row = rows[addition.entityName]
                added = [text for text in dict.fromkeys(addition.contents) if text not in row["observations"]]
                row["observations"] = [*row["observations"], *added]
                results.append(ObservationAdded(entityName=addition.entityName, addedObservations=added))
            self._rewrite(scope, list(rows.values()))
        return results

    def delete_observations(self, scope: str, deletions: list[ObservationDeletion]) -> None:
        with self._locked():
            names = sorted({deletion.entityName for deletion in deletions})
            rows = {row["name"]: row for row in self.entity_rows(scope, f"name IN ({sql_list(names)})")}
            for deletion in deletions:
                row = rows.get(deletion.entityName)
                if row is not None:
                    row["observations"] = [text for text in row["observations"] if text not in deletion.observations]
            self._rewrite(scope, list(rows.values()))

    def delete_entities(self, scope: str, names: list[str]) -> None:
        if not names:
            return
        with self._locked():
            listed = sql_list(names)
            retry_conflicts(
                "deleting entities", self.entities.delete, f"{scope_filter([scope])} AND name IN ({listed})"
            )
            retry_conflicts(
                "deleting relations",
                self.relations.delete,
                f"{scope_filter([scope])} AND (src IN ({listed}) OR dst IN ({listed}))",
            )

    def delete_relations(self, scope: str, relations: list[Relation]) -> None:
        if not relations:
            return
        with self._locked():
            doomed = {_relation_key(relation) for relation in relations}
            sources = sql_list(sorted({relation.from_ for relation in relations}))
            rows = [
                row
                for row in self.relation_rows(scope, f"src IN ({sources})")
                if _relation_key(_relation(row)) in doomed
            ]
            for start in range(0, len(rows), 200):
                clauses = " OR ".join(
                    f"(src = {sql_list([r['src']])} AND dst = {sql_list([r['dst']])} "
                    f"AND relation_type = {sql_list([r['relation_type']])})"
                    for r in rows[start : start + 200]
                )
                retry_conflicts("deleting relations", self.relations.delete, f"{scope_filter([scope])} AND ({clauses})")

    def _rewrite(self, scope: str, rows: list[dict[str, Any]]) -> None:
        if not rows:
            return
        updated = [_entity_row(scope, row["name"], row["entity_type"], row["observations"], row["seq"]) for row in rows]
        retry_conflicts(
            "updating entities",
            lambda: self.entities.merge_insert(["scope", "name"]).when_matched_update_all().execute(updated),
        )


def _entity_row(scope: str, name: str, entity_type: str, observations: list[str], seq: int) -> dict[str, Any]:
    return {
        "scope": scope,
        "name": name,
        "entity_type": entity_type,
        "observations": observations,
        "content": content_of(name, entity_type, observations),
        "seq": seq,
        "vector": None,
    }


def _first_by(items: list[Any], key: Any) -> dict[Any, Any]:
    chosen: dict[Any, Any] = {}
    for item in items:
        chosen.setdefault(key(item), item)
    return chosen


def _relation_key(relation: Relation) -> tuple[str, str, str]:
    return relation.from_, relation.to, relation.relationType


def _relation(row: dict[str, Any]) -> Relation:
    return Relation.model_validate({"from": row["src"], "to": row["dst"], "relationType": row["relation_type"]})


def _entity(row: dict[str, Any]) -> Entity:
    return Entity(name=row["name"], entityType=row["entity_type"], observations=list(row["observations"]))


def _graph(entity_rows: list[dict[str, Any]], relation_rows: list[dict[str, Any]]) -> Graph:
    return Graph(entities=[_entity(row) for row in entity_rows], relations=[_relation(row) for row in relation_rows])


def _contains(row: dict[str, Any], needle: str) -> bool:
    return (
        needle in row["name"].lower()
        or needle in row["entity_type"].lower()
        or any(needle in text.lower() for text in row["observations"])
    )
