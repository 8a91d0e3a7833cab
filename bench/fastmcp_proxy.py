"""Baseline (d): a plain fastmcp proxy of the echo server, over streamable HTTP."""

from __future__ import annotations

import sys
from pathlib import Path

from fastmcp.server import create_proxy

if __name__ == "__main__":
    proxy = create_proxy(Path(__file__).with_name("echo_server.py"), name="echo")
    proxy.run(transport="http", host="127.0.0.1", port=int(sys.argv[1]), show_banner=False, log_level="warning")
