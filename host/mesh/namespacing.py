"""Namespacing of names and URIs, exactly as FastMCP namespaces mounted servers.

tool_name("memory", "recall")                  # "memory_recall"
resource_uri("memory", "memory://graph")       # "memory://memory/graph"
original_uri("memory", "memory://memory/graph")   # "memory://graph"
"""

from __future__ import annotations

import re

_URI = re.compile(r"^([^:]+://)(.*?)$")


def tool_name(server: str, name: str) -> str:
    return f"{server}_{name}"


def resource_uri(server: str, uri: str) -> str:
    match = _URI.match(uri)
    return f"{match.group(1)}{server}/{match.group(2)}" if match else uri


def original_uri(server: str, uri: str) -> str | None:
    match = _URI.match(uri)
    if match is None:
        return None
    prefix = f"{server}/"
    path = match.group(2)
    return f"{match.group(1)}{path[len(prefix) :]}" if path.startswith(prefix) else None
