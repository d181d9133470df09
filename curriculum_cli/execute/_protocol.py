"""Length-prefixed JSON messages over pipes (linter <-> worker <-> chain child).

A message is a 4-byte big-endian length followed by that many bytes of UTF-8
JSON encoding one object.  JSON, not pickle: the bytes coming back were
produced by a process running untrusted lesson code, and unpickling them would
hand that code the linter process.  Readers never trust a length above
:data:`MAX_MESSAGE`.

Standard library only: the worker imports this before any preload.
"""

from __future__ import annotations

import json
import os
import struct
from typing import Any

MAX_MESSAGE = 64 * 1024 * 1024
_HEADER = struct.Struct(">I")


class ProtocolError(Exception):
    """The other end sent something that is not a message."""


def encode(message: dict[str, Any]) -> bytes:
    body = json.dumps(message, separators=(",", ":"), default=_fallback).encode()
    return _HEADER.pack(len(body)) + body


def send(fd: int, message: dict[str, Any]) -> None:
    """Write one message; raises OSError (e.g. BrokenPipeError) if the reader is gone."""
    view = memoryview(encode(message))
    while view:
        written = os.write(fd, view)
        view = view[written:]


class Reader:
    """Incremental decoder: feed bytes in, take whole messages out."""

    def __init__(self) -> None:
        self._buffer = bytearray()

    def feed(self, data: bytes) -> None:
        self._buffer += data

    def pop(self) -> dict[str, Any] | None:
        """The next complete message, or None; raises ProtocolError on garbage."""
        if len(self._buffer) < _HEADER.size:
            return None
        (size,) = _HEADER.unpack_from(self._buffer)
        if size > MAX_MESSAGE:
            raise ProtocolError(f"message of {size} bytes exceeds the limit")
        end = _HEADER.size + size
        if len(self._buffer) < end:
            return None
        body = bytes(self._buffer[_HEADER.size : end])
        del self._buffer[:end]
        try:
            message = json.loads(body)
        except ValueError as error:
            raise ProtocolError(f"undecodable message: {error}") from None
        if not isinstance(message, dict):
            raise ProtocolError("message is not an object")
        return message


def receive(fd: int, reader: Reader) -> dict[str, Any] | None:
    """Block until one whole message is available on ``fd``; None at end of file."""
    while (message := reader.pop()) is None:
        data = os.read(fd, 1 << 16)
        if not data:
            return None
        reader.feed(data)
    return message


def _fallback(value: object) -> object:
    if isinstance(value, (set, frozenset, tuple)):
        return sorted(value, key=str) if isinstance(value, (set, frozenset)) else list(value)
    return repr(value)
