"""The `pygent` commands. Output for people goes to stdout; progress and errors to stderr.

`servers ...` and `tools ...` talk to a running host over REST when one answers
(at `--url`, or the configured address); otherwise they work on the registry
directly, starting the mesh in-process where a command needs live servers.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any

import anyio
import httpx2
from pygent.core.errors import ConfigError, InvalidArgumentError, NotFoundError, PygentError, UnavailableError
from pygent.core.logs import configure_logging
from pygent.core.network import is_loopback
from pygent.core.settings import Settings
from pygent.host.runtime import HostRuntime, open_registry
from pygent.host.security import check_bind
from pygent.registry.formats import export_document, import_document
from pygent.registry.models import ServerEntry, dump_entry, parse_entry
from pygent.registry.registry import Registry


def load_settings(args: argparse.Namespace, **overrides: Any) -> Settings:
    if getattr(args, "config", None):
        overrides["config"] = Path(args.config)
    settings_file = Path(args.settings) if getattr(args, "settings", None) else None
    return Settings.load(overrides, file=settings_file)


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --------------------------------------------------------------------- serve


def serve(args: argparse.Namespace) -> int:
    import uvicorn
    from pygent.host.app import create_app

    settings = load_settings(args, host=args.host, port=args.port, tokens=args.tokens)
    check_bind(settings.host, settings.tokens)
    anyio.run(_preflight, settings)
    configure_logging(settings.log_level, settings.log_format, log_file=settings.data.logs / "host.log")
    app = create_app(settings)
    config = uvicorn.Config(
        app, host=settings.host, port=settings.port, log_level="warning", lifespan="on", timeout_graceful_shutdown=5
    )
    shown = f"[{settings.host}]" if ":" in settings.host else settings.host
    _say(
        f"PyGent Factory on http://{shown}:{settings.port}  (MCP: /mcp, SSE: /sse, REST: /api, OpenAPI: /openapi.json)"
    )
    server = uvicorn.Server(config)
    server.run()
    return 0 if server.started else 1


async def _preflight(settings: Settings) -> None:
    """Fail before binding a port when the config is invalid."""
    await open_registry(settings, os.environ)


# ----------------------------------------------------------------------- mcp


def mcp_stdio(args: argparse.Namespace) -> int:
    settings = load_settings(args)
    configure_logging(settings.log_level, settings.log_format, log_file=settings.data.logs / "mcp-stdio.log")

    async def run() -> None:
        async with HostRuntime.open(settings, http=False) as runtime:
            await runtime.mesh.wait_settled(15)
            await runtime.aggregate.serve_stdio()

    anyio.run(run)
    return 0


# ------------------------------------------------------------ host access


class HostClient:
    """A running host's REST API."""

    def __init__(self, url: str, token: str | None) -> None:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.http = httpx2.Client(base_url=url.rstrip("/"), headers=headers, timeout=httpx2.Timeout(5.0, read=600.0))

    def request(self, method: str, path: str, body: Any = None) -> Any:
        try:
            # State-changing requests are JSON only (the host's CSRF rule), bodiless ones included.
            payload = {} if body is None and method in ("POST", "PUT", "PATCH") else body
            response = self.http.request(method, path, json=payload)
        except httpx2.HTTPError as exc:
            raise UnavailableError(f"cannot reach the host: {exc}") from None
        if response.status_code >= 400:
            try:
                message = response.json().get("error", response.text)
            except ValueError:
                message = response.text
            raise (NotFoundError if response.status_code == 404 else InvalidArgumentError)(message)
        return response.json() if response.content else None


def _host(args: argparse.Namespace, settings: Settings) -> HostClient | None:
    token = args.token or (settings.tokens[0] if settings.tokens else None)
    if args.url:
        client = HostClient(args.url, token)
        client.request("GET", "/healthz")
        return client
    host = settings.host if is_loopback(settings.host) else "127.0.0.1"
    shown = f"[{host}]" if ":" in host else host
    client = HostClient(f"http://{shown}:{settings.port}", token)
    try:
        response = client.http.get("/healthz", timeout=1.0)
    except httpx2.HTTPError:
        return None
    return client if response.status_code == 200 else None


@contextmanager
def _offline(settings: Settings) -> Iterator[Callable[[Callable[[Registry], Any]], Any]]:
    """Run registry operations without a host."""

    def run(operation: Callable[[Registry], Any]) -> Any:
        async def go() -> Any:
            registry = await open_registry(settings, os.environ)
            result = operation(registry)
            if hasattr(result, "__await__"):
                result = await result
            return result

        return anyio.run(go)

    yield run


# ------------------------------------------------------------------- servers


def _pairs(items: list[str], what: str) -> dict[str, str]:
    pairs: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise InvalidArgumentError(f"{what} must look like KEY=VALUE, got {item!r}")
        pairs[key] = value
    return pairs


def _entry_from_args(args: argparse.Namespace) -> ServerEntry:
    command = [part for part in args.command_line if part != "--"] if args.command_line else []
    if args.server_url and command:
        raise InvalidArgumentError("give either --url or a command, not both")
    if args.server_url:
        data: dict[str, Any] = {"url": args.server_url, "headers": _pairs(args.header, "--header")}
        if args.transport:
            data["transport"] = args.transport
        return _parse(data)
    if not command:
        raise InvalidArgumentError("give a command after -- (a local server) or --url URL (a remote server)")
    data = {"command": command[0], "args": command[1:], "env": _pairs(args.env, "--env")}
    if args.cwd:
        data["cwd"] = args.cwd
    return _parse(data)


def _parse(data: dict[str, Any]) -> ServerEntry:
    try:
        return parse_entry(data)
    except ValueError as exc:
        raise InvalidArgumentError(f"invalid server: {exc}") from None


def _print_servers(rows: list[dict[str, Any]]) -> None:
    if not rows:
        print("no servers registered")
        return
    print(f"{'NAME':<16} {'STATUS':<11} {'TRANSPORT':<9} {'TOOLS':>5} {'RESTARTS':>8}  SOURCE   ERROR")
    for row in rows:
        print(
            f"{row['name']:<16} {row['status']:<11} {row['transport']:<9} {row['tool_count']:>5} "
            f"{row['restarts']:>8}  {row['source']:<8} {row.get('last_error') or ''}"
        )


def servers(args: argparse.Namespace) -> int:
    settings = load_settings(args)
    host = _host(args, settings)
    action = args.action
    if action == "export":
        entries = _all_entries(host, settings)
        text = json.dumps(export_document(entries, args.format), indent=2) + "\n"
        if args.output:
            Path(args.output).write_text(text, encoding="utf-8")
            _say(f"wrote {len(entries)} servers to {args.output}")
        else:
            sys.stdout.write(text)
        return 0
    if action == "import":
        return _import(args, host, settings)
    if host is not None:
        return _servers_online(args, host)
    return _servers_offline(args, settings)


def _all_entries(host: HostClient | None, settings: Settings) -> dict[str, ServerEntry]:
    if host is not None:
        return {row["name"]: parse_entry(row["config"]) for row in host.request("GET", "/api/servers")}
    with _offline(settings) as run:
        result: dict[str, ServerEntry] = run(lambda registry: {r.name: r.entry for r in registry.all()})
        return result


def _import(args: argparse.Namespace, host: HostClient | None, settings: Settings) -> int:
    path = Path(args.file)
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: file not found") from None
    except json.JSONDecodeError as exc:
        raise ConfigError(f"{path}: invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}") from None
    entries = import_document(document, str(path))
    added = 0
    for name, entry in entries.items():
        try:
            if host is not None:
                host.request("POST", "/api/servers", {"name": name, "config": dump_entry(entry)})
            else:
                with _offline(settings) as run:
                    run(partial(_add, name=name, entry=entry))
            added += 1
            print(f"added {name}")
        except PygentError as exc:
            print(f"skipped {name}: {exc.message}")
    _say(f"imported {added} of {len(entries)} servers from {path}")
    return 0


def _add(registry: Registry, *, name: str, entry: ServerEntry) -> Any:
    return registry.add(name, entry)


def _servers_online(args: argparse.Namespace, host: HostClient) -> int:
    action = args.action
    if action == "list":
        _print_servers(host.request("GET", "/api/servers"))
    elif action == "add":
        entry = _entry_from_args(args)
        row = host.request("POST", "/api/servers", {"name": args.name, "config": dump_entry(entry)})
        print(f"added {row['name']} ({row['status']})")
    elif action == "remove":
        host.request("DELETE", f"/api/servers/{args.name}")
        print(f"removed {args.name}")
    else:
        row = host.request("POST", f"/api/servers/{args.name}/{action}")
        print(f"{args.name}: {'enabled' if row['enabled'] else 'disabled'} ({row['status']})")
    return 0


def _servers_offline(args: argparse.Namespace, settings: Settings) -> int:
    action = args.action
    with _offline(settings) as run:
        if action == "list":
            regs = run(lambda registry: registry.all())
            _print_servers(
                [
                    {
                        "name": r.name,
                        "status": "enabled" if r.enabled else "disabled",
                        "transport": r.entry.transport,
                        "tool_count": 0,
                        "restarts": 0,
                        "source": r.source,
                        "last_error": None,
                    }
                    for r in regs
                ]
            )
            _say("(the host is not running: status shows configuration only)")
        elif action == "add":
            entry = _entry_from_args(args)
            run(lambda registry: registry.add(args.name, entry))
            print(f"added {args.name}")
        elif action == "remove":
            run(lambda registry: registry.remove(args.name))
            print(f"removed {args.name}")
        else:
            enabled = action == "enable"
            run(lambda registry: registry.set_enabled(args.name, enabled))
            print(f"{args.name}: {'enabled' if enabled else 'disabled'}")
    return 0


# --------------------------------------------------------------------- tools


def _arguments(text: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidArgumentError(f"--args is not valid JSON: {exc.msg} at position {exc.pos}") from None
    if not isinstance(value, dict):
        raise InvalidArgumentError("--args must be a JSON object")
    return value


def _print_tools(tools: list[dict[str, Any]]) -> None:
    for tool in tools:
        description = (tool.get("description") or "").strip().splitlines()
        print(f"{tool['name']:<40} {description[0][:90] if description else ''}")
    _say(f"{len(tools)} tools")


def _print_result(result: dict[str, Any]) -> int:
    structured = result.get("structuredContent")
    if isinstance(structured, dict) and set(structured) == {"result"}:
        value = structured["result"]
        print(value if isinstance(value, str) else json.dumps(value, indent=2))
    elif structured is not None:
        print(json.dumps(structured, indent=2))
    else:
        for block in result.get("content", []):
            print(block.get("text") if block.get("type") == "text" else json.dumps(block))
    return 1 if result.get("isError") else 0


def tools(args: argparse.Namespace) -> int:
    settings = load_settings(args)
    arguments = _arguments(args.args) if args.action == "call" else {}
    host = _host(args, settings)
    if host is not None:
        if args.action == "list":
            _print_tools(host.request("GET", "/api/tools"))
            return 0
        return _print_result(host.request("POST", f"/api/tools/{args.name}/call", {"arguments": arguments}))
    return int(anyio.run(_tools_in_process, args, settings, arguments))


async def _tools_in_process(args: argparse.Namespace, settings: Settings, arguments: dict[str, Any]) -> int:
    from pygent.host.api import call_backend_tool

    configure_logging("ERROR")
    async with HostRuntime.open(settings, http=False) as runtime:
        mesh = runtime.mesh
        total = len(mesh.backends)
        _say(f"starting {total} servers in-process (no host running)...")
        with anyio.move_on_after(settings.connect_timeout):
            while True:
                ready = sum(b.status.value in ("ready", "failed") for b in mesh.backends.values())
                if ready == total:
                    break
                _say(f"  {ready}/{total} servers settled")
                with anyio.move_on_after(1.0):
                    await mesh.wait_settled()
        for backend in mesh.backends.values():
            if backend.status.value != "ready":
                _say(f"  {backend.name}: {backend.status.value} {backend.last_error or ''}")
        if args.action == "list":
            _print_tools(
                [{"name": name, "description": route.tool.description} for name, route in mesh.tool_routes().items()]
            )
            return 0
        route = mesh.route_tool(args.name)
        return _print_result(await call_backend_tool(route.backend, route.tool.name, arguments))
