"""The OpenAPI document of the REST face, generated from its pydantic models."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from pygent.core.agent_spec import NamedView
from pygent.host.api import AddServerBody, CallToolBody, ErrorBody, ServerDetail, ServerSummary, ToolInfo

_JSON = "application/json"


def _ref(model: type[BaseModel]) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{model.__name__}"}


def _responses(ok: int, schema: dict[str, Any] | None, *errors: int) -> dict[str, Any]:
    responses: dict[str, Any] = {str(ok): {"description": "OK"}}
    if schema is not None:
        responses[str(ok)]["content"] = {_JSON: {"schema": schema}}
    for status in errors:
        responses[str(status)] = {"description": "Error", "content": {_JSON: {"schema": _ref(ErrorBody)}}}
    return responses


def _op(
    summary: str, responses: dict[str, Any], body: type[BaseModel] | None = None, name: bool = False
) -> dict[str, Any]:
    operation: dict[str, Any] = {"summary": summary, "responses": responses}
    if body is not None:
        operation["requestBody"] = {"required": True, "content": {_JSON: {"schema": _ref(body)}}}
    if name:
        operation["parameters"] = [{"name": "name", "in": "path", "required": True, "schema": {"type": "string"}}]
    return operation


def openapi_document(version: str) -> dict[str, Any]:
    server_list = {"type": "array", "items": _ref(ServerSummary)}
    result = {"type": "object", "description": "an MCP CallToolResult (content, structuredContent, isError)"}
    view = _ref(NamedView)
    paths = {
        "/healthz": {"get": _op("Liveness and server counts by status", _responses(200, {"type": "object"}))},
        "/api/servers": {
            "get": _op("List servers", _responses(200, server_list)),
            "post": _op("Add a server at runtime", _responses(201, _ref(ServerSummary), 400, 409), AddServerBody),
        },
        "/api/servers/{name}": {
            "get": _op("One server with tools and health history", _responses(200, _ref(ServerDetail), 404), name=True),
            "delete": _op("Remove a runtime server", _responses(204, None, 400, 404), name=True),
        },
        "/api/servers/{name}/enable": {"post": _op("Enable", _responses(200, _ref(ServerSummary), 404), name=True)},
        "/api/servers/{name}/disable": {"post": _op("Disable", _responses(200, _ref(ServerSummary), 404), name=True)},
        "/api/servers/{name}/restart": {"post": _op("Restart", _responses(202, _ref(ServerSummary), 404), name=True)},
        "/api/tools": {"get": _op("List tools", _responses(200, {"type": "array", "items": _ref(ToolInfo)}))},
        "/api/tools/{name}/call": {
            "post": _op("Call a tool", _responses(200, result, 400, 404, 503), CallToolBody, name=True)
        },
        "/api/views": {
            "get": _op("List views (spec, source, endpoint, toolCount)", _responses(200, {"type": "array"})),
            "post": _op("Save a view, checked against the live mesh", _responses(201, view, 400, 409), NamedView),
        },
        "/api/views/{name}": {
            "get": _op("One view with its tools", _responses(200, view, 404), name=True),
            "put": _op("Replace a saved view", _responses(200, view, 400, 404, 409), NamedView, name=True),
            "delete": _op("Delete a saved view", _responses(204, None, 404, 409), name=True),
        },
    }
    schemas: dict[str, Any] = {}
    for model in (AddServerBody, CallToolBody, ServerSummary, ServerDetail, ToolInfo, ErrorBody, NamedView):
        schema = model.model_json_schema(by_alias=True, ref_template="#/components/schemas/{model}")
        schemas.update(schema.pop("$defs", {}))
        schemas[model.__name__] = schema
    return {
        "openapi": "3.1.0",
        "info": {"title": "PyGent Factory host", "version": version},
        "paths": paths,
        "components": {"schemas": schemas},
    }
