"""The repo's default mesh (mcp.json) in-process, through the host's own runtime, for the agent benches.

    async with default_mesh() as runtime:      # every server of mcp.json ready (or the block raises)
        runtime.mesh.tool_routes()
        runtime.agents.toolbox_for(spec)      # the toolbox an agent of `spec` gets

The servers run as the stdio children the host starts for `pygent serve`, with
a fresh PYGENT_HOME and no model (`PYGENT_LLM=none`).
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from pygent.core.settings import Settings
from pygent.host.mesh.backend import Status
from pygent.host.runtime import HostRuntime

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `python bench/x.py` puts bench/ on the path, not the repo (for tests.fixtures)
    sys.path.insert(1, str(ROOT))


@asynccontextmanager
async def default_mesh(settle: float = 90.0) -> AsyncIterator[HostRuntime]:
    """The host runtime over mcp.json's servers, once all of them are ready.

    Raises:
        RuntimeError: a server failed or did not start within `settle` seconds.
    """
    with tempfile.TemporaryDirectory() as home:
        env = {
            **os.environ,
            "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]),
            "PYGENT_HOME": home,
            "PYGENT_LLM": "none",
        }
        settings = Settings.load({"config": ROOT / "mcp.json", "home": home, "llm": "none", "rate_limit": 0})
        async with HostRuntime.open(settings, env, http=False) as runtime:
            await runtime.mesh.wait_settled(settle)
            down = {n: b.status.value for n, b in runtime.mesh.backends.items() if b.status != Status.READY}
            if down:
                raise RuntimeError(f"servers not ready: {down}")
            yield runtime
