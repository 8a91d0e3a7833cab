"""`pygent views list | show NAME | create NAME ... | delete NAME`: named views of the mesh's tools.

    pygent views create docs --servers rag,search --exclude 'rag_delete_*'
    pygent views list                  # name, source, tools, endpoint (/views/<name>/mcp)
    pygent views show docs --json

With a host running, over its REST API (the view is checked against the live
mesh and shows its tools); without one, on the state database directly,
checked against the tool catalog the last host left there. Views defined in
`mcp.json` are listed but changed only in the file.
"""

from __future__ import annotations

import argparse
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, Protocol
from urllib.parse import quote

import anyio.to_thread
from pygent.core.agent_spec import NamedView, validate_view
from pygent.core.db import open_engine
from pygent.core.view_check import Mesh, check_view
from pygent.host.cli.control import load_settings
from pygent.host.cli.output import print_json, say
from pygent.host.cli.rest import HostClient, find_host
from pygent.host.meshconfig import config_views
from pygent.host.view_store import ViewStore, as_json


class Views(Protocol):
    async def list(self) -> list[dict[str, Any]]: ...
    async def get(self, name: str) -> dict[str, Any]: ...
    async def create(self, view: dict[str, Any]) -> dict[str, Any]: ...
    async def delete(self, name: str) -> None: ...


class RestViews:
    def __init__(self, client: HostClient) -> None:
        self.client = client

    async def list(self) -> list[dict[str, Any]]:
        listed: list[dict[str, Any]] = await self.client.request("GET", "/api/views")
        return listed

    async def get(self, name: str) -> dict[str, Any]:
        shown: dict[str, Any] = await self.client.request("GET", f"/api/views/{quote(name, safe='')}")
        return shown

    async def create(self, view: dict[str, Any]) -> dict[str, Any]:
        created: dict[str, Any] = await self.client.request("POST", "/api/views", view)
        return created

    async def delete(self, name: str) -> None:
        await self.client.request("DELETE", f"/api/views/{quote(name, safe='')}")


class LocalViews:
    """The state database, without a host (no live tool counts)."""

    def __init__(self, store: ViewStore, mesh: Mesh) -> None:
        self.store = store
        self.mesh = mesh

    def _shown(self, view: NamedView) -> dict[str, Any]:
        return as_json(view, self.store.source(view.name))

    async def list(self) -> list[dict[str, Any]]:
        return [self._shown(view) for view in await self.store.list()]

    async def get(self, name: str) -> dict[str, Any]:
        return self._shown(await self.store.get(name))

    async def create(self, view: dict[str, Any]) -> dict[str, Any]:
        checked = validate_view(view)
        warnings = check_view(checked, self.mesh)
        await self.store.save(checked, replace=False)
        return {**self._shown(checked), "warnings": warnings}

    async def delete(self, name: str) -> None:
        await self.store.delete(name)


@asynccontextmanager
async def _views(args: argparse.Namespace) -> AsyncIterator[Views]:
    settings = load_settings(args)
    client = await find_host(settings, args.url, args.token)
    if client is not None:
        async with client:
            yield RestViews(client)
        return
    engine = open_engine(settings.database_url, settings.data.state_db)
    try:
        store = ViewStore(engine, config_views(settings))
        await store.create()
        yield LocalViews(store, await anyio.to_thread.run_sync(Mesh.read, engine))
    finally:
        engine.dispose()


def _split(value: str | None) -> list[str] | None:
    return [part.strip() for part in value.split(",") if part.strip()] if value else None


async def list_views(args: argparse.Namespace) -> int:
    async with _views(args) as views:
        listed = await views.list()
    if args.json:
        print_json(listed)
        return 0
    if not listed:
        say("no views yet: pygent views create NAME --servers a,b")
    for view in listed:
        tools = view.get("toolCount", "-")
        print(f"{view['name']:<20} {view['source']:<8} {tools!s:>5} tools  {view['endpoint']}  {view['description']}")
    return 0


async def show(args: argparse.Namespace) -> int:
    async with _views(args) as views:
        view = await views.get(args.name)
    if args.json:
        print_json(view)
        return 0
    print(f"{view['name']} ({view['source']}): {view['description'] or 'no description'}")
    print(f"  endpoint  {view['endpoint']}   (add ?search=1 for find_tools/call_tool)")
    for field in ("servers", "include", "exclude", "tags"):
        print(f"  {field:<9} {', '.join(view[field]) or '-'}")
    print(f"  search    {view['search']} (budget {view['budget']['maxTools']} tools)")
    for tool in view.get("tools", []):
        first = tool["description"].splitlines()[0] if tool["description"] else ""
        print(f"  - {tool['name']}: {first}")
    return 0


async def create(args: argparse.Namespace) -> int:
    spec: dict[str, Any] = {"name": args.name, "description": args.description or ""}
    for field in ("servers", "include", "exclude", "tags"):
        if (values := _split(getattr(args, field))) is not None:
            spec[field] = values
    if args.search:
        spec["search"] = args.search
    if args.max_tools is not None:
        spec["budget"] = {"maxTools": args.max_tools}
    async with _views(args) as views:
        created = await views.create(spec)
    if args.json:
        print_json(created)
        return 0
    for warning in created.get("warnings", []):
        say(f"note: {warning}")
    tools = f", {created['toolCount']} tools" if "toolCount" in created else ""
    print(f"created view {created['name']}{tools}: {created['endpoint']}")
    return 0


async def delete(args: argparse.Namespace) -> int:
    async with _views(args) as views:
        await views.delete(args.name)
    print(f"deleted view {args.name}")
    return 0


def add_parsers(sub: Any, command: Any, remote: Any, json_flag: Any) -> None:
    """`views list|show|create|delete` on the `pygent` parser."""
    views_parser = sub.add_parser("views", help="named views of the mesh's tools, each its own MCP endpoint")
    vsub = views_parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    json_flag(command(vsub, "list", list_views, "every view"))
    shown = command(vsub, "show", show, "one view, with its tools when a host runs")
    shown.add_argument("name")
    json_flag(shown)
    made = command(vsub, "create", create, "save a view")
    made.add_argument("name")
    made.add_argument("--description")
    made.add_argument("--servers", help="comma-separated servers (default: every server)")
    made.add_argument("--include", help="comma-separated globs over namespaced tool names (default: *)")
    made.add_argument("--exclude", help="comma-separated globs over namespaced tool names")
    made.add_argument("--tags", help="comma-separated mcp.json tags: only servers carrying one")
    made.add_argument("--search", choices=["auto", "always", "never"], help="offer find_tools/call_tool")
    made.add_argument("--max-tools", dest="max_tools", type=int, help="the view's tool budget (default 40)")
    json_flag(made)
    command(vsub, "delete", delete, "delete a saved view").add_argument("name")
    for parser in vsub.choices.values():
        remote(parser)
