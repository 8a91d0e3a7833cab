"""`pygent create-agent | list-agents | chat | agents show|delete|templates`, over the Python SDK.

    pygent create-agent --type reasoning --name my-agent
    pygent chat --agent my-agent --message "Hello!"       # streams; without --message, a conversation
    pygent agents show my-agent --json

Each command talks to a running host when one answers (`--host-url`,
`--token`), else starts the mesh in this process for the command: the SDK's
`AgentFactory` decides, so the CLI and Python scripts behave alike. The
answer streams to stdout; tool calls, approvals and which model answers go to
stderr. A destructive call waiting for approval is asked on the terminal
(refused when stdin is not a terminal).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

import anyio.to_thread
from pygent.agents.events import (
    ApprovalRequested,
    Event,
    RunCompleted,
    RunError,
    RunStarted,
    TextDelta,
    ToolCallCompleted,
    ToolCallStarted,
)
from pygent.core.errors import InvalidArgumentError
from pygent.core.logs import configure_logging
from pygent.host.cli.control import load_settings
from pygent.host.cli.output import print_json

if TYPE_CHECKING:  # the SDK pulls in the agent runtime: only the commands that run agents pay for it
    from pygent.factory import Agent, AgentFactory


def _factory(args: argparse.Namespace) -> AgentFactory:
    from pygent.factory import AgentFactory

    configure_logging("ERROR")  # an embedded mesh's warnings belong in the host log, not in the answer
    return AgentFactory(load_settings(args), url=args.url, token=args.token)


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _spec_options(args: argparse.Namespace) -> dict[str, Any]:
    spec: dict[str, Any] = {}
    if args.description:
        spec["description"] = args.description
    if args.system_prompt:
        spec["systemPrompt"] = args.system_prompt
    if args.servers:
        spec["view"] = {"servers": [s.strip() for s in args.servers.split(",") if s.strip()]}
    if args.model:
        provider, _, model = args.model.partition(":")
        spec["model"] = {"provider": provider, "model": model or None}
    return spec


async def create_agent(args: argparse.Namespace) -> int:
    async with _factory(args) as factory:
        agent = await factory.create_agent(args.type, name=args.name, **_spec_options(args))
    if args.json:
        print_json(agent.spec.model_dump(by_alias=True, mode="json"))
    else:
        servers = ", ".join(agent.spec.view.servers) or "every server"
        print(f"created {agent.name} ({agent.spec.type}, version {agent.spec.version}; tools of {servers})")
        _say(f"talk to it: pygent chat --agent {agent.name}   (MCP tool: {agent.spec.tool_name})")
    return 0


async def list_agents(args: argparse.Namespace) -> int:
    async with _factory(args) as factory:
        rows = await factory.list_agents()
    if args.json:
        print_json(rows)
    elif not rows:
        print("no agents yet: pygent create-agent --type general --name helper")
    else:
        print(f"{'NAME':<24} {'TYPE':<10} {'VERSION':>7}  DESCRIPTION")
        for row in rows:
            print(f"{row['name']:<24} {row['type']:<10} {row['version']:>7}  {(row.get('description') or '')[:70]}")
    return 0


async def show(args: argparse.Namespace) -> int:
    async with _factory(args) as factory:
        agent = await factory.get_agent(args.name)
    data = agent.spec.model_dump(by_alias=True, mode="json")
    if args.json:
        print_json(data)
        return 0
    spec = agent.spec
    print(f"name:        {spec.name} ({spec.type}, version {spec.version})")
    print(f"description: {spec.description or '-'}")
    print(f"model:       {spec.model.provider}{':' + spec.model.model if spec.model.model else ''}")
    view, limits = spec.view, spec.limits
    print(f"view:        servers {', '.join(view.servers) or 'all'}; include {view.include}; exclude {view.exclude}")
    print(f"limits:      {limits.max_steps} steps, {limits.max_tool_calls} tool calls, {limits.max_seconds:g} s")
    print(f"memory:      {spec.memory_scope} (recall {spec.memory.recall}, remember {spec.memory.remember})")
    print(f"endpoint:    {spec.endpoint}   MCP tool: {spec.tool_name}")
    print("prompt:")
    for line in spec.system_prompt.splitlines():
        print(f"  {line}")
    return 0


async def delete(args: argparse.Namespace) -> int:
    async with _factory(args) as factory:
        await factory.delete_agent(args.name)
    print(f"deleted {args.name}")
    return 0


async def templates(args: argparse.Namespace) -> int:
    from pygent.core.agent_spec import TEMPLATES

    if args.json:
        print_json([spec.model_dump(by_alias=True, mode="json") for spec in TEMPLATES.values()])
        return 0
    for kind, spec in TEMPLATES.items():
        print(f"{kind:<10} {', '.join(spec.view.servers) or 'every server':<28} {spec.description}")
    return 0


async def _ask(event: ApprovalRequested) -> bool:
    if not sys.stdin.isatty():
        _say(f"refused {event.tool}: {event.reason} (no terminal to ask)")
        return False
    answer = await anyio.to_thread.run_sync(input, f"{event.reason}\nAllow {event.tool}? [y/N] ")
    return answer.strip().lower() in ("y", "yes")


async def _turn(agent: Agent, message: str) -> str:
    """Stream one turn to the terminal; its stop reason."""
    stop = "error"
    async for event in agent.stream(message):
        stop = await _show(agent, event) or stop
    return stop


async def _show(agent: Agent, event: Event) -> str | None:
    if isinstance(event, RunStarted):
        shown = "offline — no language model connected" if event.provider == "offline" else event.provider
        _say(f"[{agent.name} · {shown}]")
    elif isinstance(event, TextDelta):
        sys.stdout.write(event.text)
        sys.stdout.flush()
    elif isinstance(event, ToolCallStarted):
        _say(f"  → {event.tool} {json.dumps(event.arguments)[:200]}")
    elif isinstance(event, ToolCallCompleted):
        _say(f"  {'✗' if event.is_error else '✓'} {event.tool} ({event.duration_ms:.0f} ms)")
    elif isinstance(event, ApprovalRequested):
        await agent.approve(event.run_id, event.call_id, await _ask(event))
    elif isinstance(event, RunError):
        _say(f"  ! {event.message}")
    elif isinstance(event, RunCompleted):
        sys.stdout.write("\n")
        if event.stop_reason != "answer":
            _say(f"(stopped: {event.stop_reason})")
        return event.stop_reason
    return None


async def chat(args: argparse.Namespace) -> int:
    async with _factory(args) as factory:
        agent = await factory.get_agent(args.agent)
        agent.conversation_id = args.conversation
        if args.message is not None:
            if not args.message.strip():
                raise InvalidArgumentError("--message is empty")
            return 0 if await _turn(agent, args.message) == "answer" else 1
        _say("(an empty line or Ctrl-D ends the conversation)")
        while True:
            try:
                message = await anyio.to_thread.run_sync(input, "you> ")
            except EOFError:
                break
            if not message.strip():
                break
            await _turn(agent, message)
        if agent.conversation_id:
            _say(f"conversation {agent.conversation_id} (continue it with --conversation)")
    return 0


def add_parsers(sub: Any, command: Any, remote: Any, json_flag: Any) -> None:
    """`create-agent`, `list-agents`, `chat` and `agents ...` on the `pygent` parser."""
    create = command(sub, "create-agent", create_agent, "create an agent from a template (or custom)")
    create.add_argument("--type", default="general", help="reasoning, research, coding, search, general or custom")
    create.add_argument("--name", required=True)
    create.add_argument("--description")
    create.add_argument("--system-prompt", dest="system_prompt", help="the agent's instructions (required for custom)")
    create.add_argument("--servers", help="comma-separated servers of its view (default: the template's)")
    create.add_argument("--model", help="provider[:model], e.g. ollama:llama3.2, openai:gpt-4o-mini, offline")
    json_flag(create)
    json_flag(command(sub, "list-agents", list_agents, "every agent"))
    talk = command(sub, "chat", chat, "talk to an agent (streams; a conversation without --message)")
    talk.add_argument("--agent", required=True)
    talk.add_argument("--message", "-m", help="one message; without it, an interactive conversation")
    talk.add_argument("--conversation", help="continue this conversation")
    for parser in (create, sub.choices["list-agents"], talk):
        remote(parser)
    agents_parser = sub.add_parser("agents", help="inspect and manage agents")
    asub = agents_parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    shown = command(asub, "show", show, "one agent's spec")
    shown.add_argument("name")
    json_flag(shown)
    command(asub, "delete", delete, "delete an agent and all its versions").add_argument("name")
    json_flag(command(asub, "templates", templates, "the agent templates"))
    json_flag(command(asub, "list", list_agents, "every agent"))
    for parser in asub.choices.values():
        remote(parser)
