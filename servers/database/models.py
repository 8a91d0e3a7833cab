"""Structured results of the database tools (each tool's output schema).

Result rows are published as a plain array of arrays: MCP SDK clients validate
structured content against the output schema, and per-cell schemas cost the
Python SDK's jsonschema tens of microseconds each (a 10,000-row result would
spend seconds in validation). Columns carry the names and types.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, WithJsonSchema

Dialect = Literal["sqlite", "postgresql"]
Rows = Annotated[
    list[list[Any]],
    WithJsonSchema({"type": "array", "description": "rows, each an array of values in column order"}),
]


class ConnectionInfo(BaseModel):
    name: str
    dialect: Dialect
    url: str = Field(description="the URL with any password hidden")
    writable: bool
    description: str


class ConnectionList(BaseModel):
    connections: list[ConnectionInfo]


class SchemaList(BaseModel):
    connection: str
    schemas: list[str]


class TableInfo(BaseModel):
    schema_name: str
    name: str
    type: str = Field(description="table, view, materialized view, partitioned table, foreign table")
    estimated_rows: int | None = Field(default=None, description="planner estimate (PostgreSQL), when known")


class TableList(BaseModel):
    connection: str
    tables: list[TableInfo]


class ColumnInfo(BaseModel):
    name: str
    type: str
    nullable: bool
    default: str | None
    primary_key: bool


class ForeignKey(BaseModel):
    name: str | None
    columns: list[str]
    references_schema: str
    references_table: str
    references_columns: list[str]
    on_update: str | None = None
    on_delete: str | None = None


class IndexInfo(BaseModel):
    name: str
    columns: list[str]
    unique: bool
    primary: bool
    definition: str | None = None


class TableDescription(BaseModel):
    connection: str
    schema_name: str
    name: str
    type: str
    columns: list[ColumnInfo]
    primary_key: list[str]
    foreign_keys: list[ForeignKey]
    indexes: list[IndexInfo]


class ResultColumn(BaseModel):
    name: str
    type: str | None = Field(description="the database's type name, when it reports one")


class QueryResult(BaseModel):
    connection: str
    columns: list[ResultColumn]
    rows: Rows
    row_count: int = Field(description="rows returned")
    truncated: bool = Field(description="true when more rows existed than max_rows")
    elapsed_ms: float


class ExecuteResult(BaseModel):
    connection: str
    rows_affected: int | None = Field(description="rows inserted, updated or deleted; null for DDL")
    columns: list[ResultColumn] = Field(default_factory=list, description="RETURNING columns, if any")
    rows: Rows = Field(default_factory=list)
    truncated: bool = False
    elapsed_ms: float


class ExplainResult(BaseModel):
    connection: str
    plan: str
    analyzed: bool = Field(description="true when the statement was executed (EXPLAIN ANALYZE, rolled back)")
