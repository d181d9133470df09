"""Length-prefixed JSON messages over pipes (linter <-> worker <-> chain child).

A message is a 4-byte big-endian length followed by that many bytes of UTF-8
JSON encoding one object.  JSON, not pickle: the bytes coming back were
produced by a process running untrusted lesson code, and unpickling them would
hand that code the linter process.  Readers never trust a length above
:data:`MAX_MESSAGE`.

Messages from a chain process are also *sealed*: a 32-byte HMAC-SHA256 tag
over a sequence number and the body, under a per-chain key the worker made
(:class:`Seal`).  Bytes the lesson writes into the pipe itself (through
``/proc/self/fd`` or a stray descriptor) fail the check, and the worker then
trusts nothing more from that chain.  Lesson code that digs the key out of its
own process memory could still seal a message; the worker also rejects
duplicates, out-of-order results and anything after ``done``.

Standard library only: the worker imports this before any preload.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import struct
from typing import Any

MAX_MESSAGE = 64 * 1024 * 1024
_HEADER = struct.Struct(">I")
_TAG = 32


class Seal:
    """One direction of one chain: tags outgoing bodies, or checks incoming ones, in sequence."""

    def __init__(self, key: bytes) -> None:
        self._key = key
        self._sequence = 0

    def _tag(self, body: bytes) -> bytes:
        tag = hmac.new(self._key, self._sequence.to_bytes(8, "big") + body, hashlib.sha256).digest()
        self._sequence += 1
        return tag

    def seal(self, body: bytes) -> bytes:
        return self._tag(body) + body

    def open(self, payload: bytes) -> bytes:
        if len(payload) < _TAG:
            raise ProtocolError("a message without its seal")
        tag, body = payload[:_TAG], payload[_TAG:]
        if not hmac.compare_digest(tag, self._tag(body)):
            raise ProtocolError("a message whose seal does not match (written by the lesson code?)")
        return body


class ProtocolError(Exception):
    """The other end sent something that is not a message."""


def encode(message: dict[str, Any], seal: Seal | None = None) -> bytes:
    body = json.dumps(message, separators=(",", ":"), default=_fallback).encode()
    if seal is not None:
        body = seal.seal(body)
    return _HEADER.pack(len(body)) + body


def send(fd: int, message: dict[str, Any], seal: Seal | None = None) -> None:
    """Write one message; raises OSError (e.g. BrokenPipeError) if the reader is gone."""
    view = memoryview(encode(message, seal))
    while view:
        written = os.write(fd, view)
        view = view[written:]


class Reader:
    """Incremental decoder: feed bytes in, take whole messages out."""

    def __init__(self, seal: Seal | None = None) -> None:
        self._buffer = bytearray()
        self._seal = seal

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
        if self._seal is not None:
            body = self._seal.open(body)
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
