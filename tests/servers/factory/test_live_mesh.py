"""The factory inside the real default mesh: templates checked against the catalog the host writes."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from fastmcp import Client
from pygent.core.agent_spec import TEMPLATES
from pygent.core.db import open_engine
from pygent.core.mesh_catalog import known_tools

from tests.fixtures.host import running_host
from tests.servers.factory.conftest import data

pytestmark = [pytest.mark.anyio, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[3]
META_TOOLS = {"find_tools", "call_tool"}  # offered by a view over its budget, not by a server


async def test_every_template_passes_the_live_registry_and_its_prompt_names_only_tools_it_sees(
    tmp_path: Path,
) -> None:
    servers = json.loads((ROOT / "mcp.json").read_text(encoding="utf-8"))["mcpServers"]
    async with running_host(tmp_path, servers, settle=60) as host:
        not_ready = [n for n, b in host.runtime.mesh.backends.items() if b.status.value != "ready"]
        assert not not_ready
        engine = open_engine(host.settings.database_url, host.settings.data.state_db)
        catalog = {server: {tool["name"] for tool in tools} for server, tools in known_tools(engine).items()}
        engine.dispose()
        assert set(catalog) == set(servers)
        async with Client(host.url + "/mcp") as client:
            for template, spec in TEMPLATES.items():
                made = data(
                    await client.call_tool("factory_create_agent", {"name": f"t-{template}", "template": template})
                )
                assert made["warnings"] == [], template
                mentioned = set(re.findall(rf"\b((?:{'|'.join(catalog)})_\w+)", spec.system_prompt))
                for name in mentioned - META_TOOLS:
                    server, tool = next((s, name[len(s) + 1 :]) for s in catalog if name.startswith(f"{s}_"))
                    assert tool in catalog[server], f"{template}'s prompt names {name}, which no server has"
                    assert spec.view.selects(server, tool), f"{template}'s prompt names {name}, outside its view"
            bad = await client.call_tool(
                "factory_create_agent",
                {"name": "typo", "spec": {"systemPrompt": "x", "view": {"include": ["memory_recal"]}}},
                raise_on_error=False,
            )
            assert bad.is_error
            assert bad.content[0].text == "unknown tool 'memory_recal' in view.include: did you mean 'memory_recall'?"
