"""Read an ASGI request body once and hand it on: for guards that must look before the app does.

body = await read_body(receive, limit=4096)     # None when over the limit
await app(scope, replay(body, receive), send)   # the app reads the same body, then live messages
"""

from __future__ import annotations

from starlette.types import Message, Receive


async def read_body(receive: Receive, limit: int | None = None) -> bytes | None:
    """The whole body (chunked too), or None as soon as it passes `limit` bytes.

    A client that leaves before the end yields what arrived; the app then sees
    the disconnect on its next `receive`.
    """
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if limit is not None and size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def replay(body: bytes, receive: Receive) -> Receive:
    """A `receive` that yields `body` once, then the live channel (disconnects)."""
    sent = False

    async def replayed() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replayed
