"""What the commands print: tables and details for people on stdout, JSON with `--json`, notes on stderr.

say("starting 3 servers in-process...")        # stderr
print_servers(rows)                             # the `servers list` table
print_json([row.model_dump() for row in rows])  # `--json`
"""

from __future__ import annotations

import json
import shlex
import sys
from datetime import datetime
from typing import Any

from pygent.host.api import ServerDetail, ServerSummary
from pygent.registry.models import RemoteServer, ServerEntry, StdioServer, dump_entry

SHOWN_STDERR_LINES = 20


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def print_json(value: Any) -> None:
    print(json.dumps(value, indent=2))


def describe(entry: ServerEntry) -> str:
    """One line for an (already masked) entry: its command or its URL."""
    if isinstance(entry, StdioServer):
        line = " ".join([entry.command, *entry.args])
        if entry.env:
            line += "  env " + " ".join(f"{k}={v}" for k, v in entry.env.items())
        return line
    assert isinstance(entry, RemoteServer)
    line = f"{entry.url} ({entry.transport})"
    if entry.headers:
        line += "  headers " + " ".join(f"{k}: {v}" for k, v in entry.headers.items())
    return line


def print_servers(rows: list[ServerSummary]) -> None:
    if not rows:
        print("no servers registered")
        return
    print(f"{'NAME':<16} {'STATUS':<11} {'TRANSPORT':<9} {'TOOLS':>5} {'RESTARTS':>8}  SOURCE   ERROR")
    for row in rows:
        print(
            f"{row.name:<16} {row.status:<11} {row.transport:<9} {row.tool_count:>5} "
            f"{row.restarts:>8}  {row.source:<8} {row.last_error or ''}"
        )


def print_server(detail: ServerDetail, entry: ServerEntry, *, live: bool) -> None:
    """`servers show`: status, the last error and stderr, the (masked) config, the tools."""
    state = "enabled" if detail.enabled else "disabled"
    print(f"name:        {detail.name}")
    if live:
        pid = f", pid {detail.pid}" if detail.pid else ""
        print(f"status:      {detail.status} ({state}{pid})")
        print(f"restarts:    {detail.restarts}")
        print(f"last error:  {detail.last_error or '-'}")
    else:
        print(f"status:      unknown: the host is not running ({state})")
        if detail.health:
            last = detail.health[0]
            at = datetime.fromtimestamp(last["at"]).strftime("%Y-%m-%d %H:%M:%S")
            print(f"last known:  {last['status']} at {at}{': ' + last['detail'] if last['detail'] else ''}")
    print(f"source:      {detail.source}")
    print(f"config:      {json.dumps(dump_entry(entry))}")
    if detail.argv:
        print(f"runs:        {shlex.join(detail.argv)}")
    known = "" if live else ", as of the last run"
    print(f"tools ({len(detail.tools)}{known}):")
    for tool in detail.tools:
        summary = (tool.get("description") or "").strip().splitlines()
        print(f"  {tool['name']:<32} {summary[0][:80] if summary else ''}")
    if live:
        tail = detail.stderr_tail[-SHOWN_STDERR_LINES:]
        more = f"; `pygent logs {detail.name}` shows all" if len(detail.stderr_tail) > len(tail) else ""
        print(f"stderr (last {len(tail)} lines{more}):")
        for line in tail:
            print(f"  {line}")


def print_tools(tools: list[dict[str, Any]]) -> None:
    for tool in tools:
        description = (tool.get("description") or "").strip().splitlines()
        print(f"{tool['name']:<40} {description[0][:90] if description else ''}")
    say(f"{len(tools)} tools")


def print_result(result: dict[str, Any]) -> int:
    """A tool result as text; exit code 1 when the tool reported an error."""
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
