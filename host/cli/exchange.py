"""`pygent servers import FILE` and `pygent servers export [--format F] [--show-secrets] [--install]`.

    pygent servers import .vscode/mcp.json              # says per server what was added or why not
    pygent servers export --format cursor > mcp.json    # credentials masked, the same with or without a host
    pygent servers export --format claude --install     # merged into Claude Desktop's own config file

Export reads the registry of these settings (a running host shares it) and masks
credentials unless `--show-secrets`; `--install` writes the real values, since
the entries must work.
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

import anyio
from pygent.core.errors import InvalidArgumentError, PygentError
from pygent.host.cli.control import connect, load_settings
from pygent.host.cli.output import say
from pygent.registry import claude_desktop
from pygent.registry.formats import export_document, import_document
from pygent.registry.installation import pygent_executable
from pygent.registry.loader import read_json_file
from pygent.registry.models import ServerEntry
from pygent.registry.secrets import mask_entry
from pygent.registry.variables import workspace_of


async def import_file(args: argparse.Namespace) -> int:
    """Exit code 1 unless every server of the file was added."""
    path = Path(args.file)
    document = read_json_file(path)
    result = import_document(document, str(path), workspace=workspace_of(path, Path.home()), environ=os.environ)
    total = len(result.entries) + len(result.skipped)
    added = 0
    async with connect(load_settings(args), args) as control:
        for name, entry in result.entries.items():
            try:
                await control.add(name, entry)
            except PygentError as exc:
                print(f"skipped {name}: {exc.message}")
                continue
            added += 1
            notes = f" ({'; '.join(result.notes[name])})" if name in result.notes else ""
            print(f"added {name}{notes}")
    for name, reason in result.skipped.items():
        print(f"skipped {name}: {reason}")
    say(f"imported {added} of {total} servers from {path}")
    return 0 if added == total else 1


async def export(args: argparse.Namespace) -> int:
    if args.install and args.format != "claude":
        raise InvalidArgumentError("--install writes Claude Desktop's config; use --output FILE for cursor or vscode")
    reveal = args.show_secrets or args.install
    async with connect(load_settings(args), args, local=reveal) as control:
        entries = await control.entries()
    if not reveal:
        entries = {name: mask_entry(entry) for name, entry in entries.items()}
    if args.install:
        return _install({name: entry for name, entry in entries.items() if entry.enabled}, len(entries))
    text = json.dumps(export_document(entries, args.format, pygent=pygent_executable()), indent=2) + "\n"
    if args.output:
        await anyio.Path(args.output).write_text(text, encoding="utf-8")
        say(f"wrote {len(entries)} servers to {args.output}")
    else:
        print(text, end="")
    return 0


def _install(entries: dict[str, ServerEntry], total: int) -> int:
    path = claude_desktop.config_path()
    servers = export_document(entries, "claude", pygent=pygent_executable())["mcpServers"]
    backup = claude_desktop.install(path, servers)
    kept = f" (backup of the old file: {backup})" if backup else ""
    disabled = f"; {total - len(entries)} disabled servers left out" if total > len(entries) else ""
    say(f"installed {len(entries)} servers into {path}{kept}{disabled}; restart Claude Desktop to load them")
    return 0
