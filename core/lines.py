"""Split a byte stream into lines as chunks arrive: the one splitter of our pipes.

    >>> lines = LineSplitter()
    >>> lines.feed(b'{"a": 1}\\n{"b"'), lines.feed(b': 2}\\n'), lines.rest()
    ([b'{"a": 1}'], [b'{"b": 2}'], b'')

The buffer is split only once a chunk brings a newline: a long message read in
64 KB chunks would otherwise be copied and re-scanned for every chunk.
"""

from __future__ import annotations


class LineSplitter:
    """Complete lines (without their newline) of the chunks fed so far."""

    def __init__(self) -> None:
        self._buffer = bytearray()

    def feed(self, chunk: bytes) -> list[bytes]:
        self._buffer += chunk
        if b"\n" not in chunk:
            return []
        *complete, rest = self._buffer.split(b"\n")
        self._buffer = bytearray(rest)
        return [bytes(line) for line in complete]

    def rest(self) -> bytes:
        """What follows the last newline (a final line without one), emptied."""
        rest, self._buffer = bytes(self._buffer), bytearray()
        return rest
