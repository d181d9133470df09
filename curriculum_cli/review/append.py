"""Append a review section to a planning doc, atomically and byte-exactly.

Every byte of the document before the new section stays identical; the new
text is written to a temporary file in the same folder (same file mode) and
moved over the document with :func:`os.replace`.  The document must still be
what the review was made from: checked once on entry and again right before
the replace, so a concurrent edit is refused instead of lost.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from curriculum_cli.errors import CurriculumError, StaleFileError
from curriculum_cli.load.files import atomic_write, read_bytes


class ConcurrentEditError(CurriculumError):
    """The document changed between the review and the append."""


Expected = str | bytes | float | int


def digest(data: bytes) -> str:
    """``sha256:<hex>`` of ``data``: the form :class:`ReviewResult.expected` uses."""
    return "sha256:" + hashlib.sha256(data).hexdigest()


def _matches(path: Path, data: bytes, expected: Expected) -> bool:
    if isinstance(expected, bytes):
        return data == expected
    if isinstance(expected, str):
        if expected.startswith("sha256:"):
            return digest(data) == expected
        return data.decode("utf-8-sig", errors="replace").replace("\r\n", "\n") == expected.replace("\r\n", "\n")
    mtime = path.stat().st_mtime_ns
    return mtime == expected if isinstance(expected, int) else abs(mtime / 1e9 - expected) < 1e-6


def joined(old: bytes, section_text: str) -> bytes:
    """``old`` followed by a ``---`` rule and ``section_text`` (newline style of ``old``)."""
    newline = "\r\n" if b"\r\n" in old else "\n"
    body = section_text.replace("\r\n", "\n").rstrip("\n") + "\n"
    if not old.strip():
        prefix = ""
    else:
        text = old.decode("utf-8", errors="replace").rstrip()
        prefix = "" if old.endswith(b"\n") else "\n"
        prefix += "\n" if text.endswith("---") else "\n---\n\n"
    return old + (prefix + body).replace("\n", newline).encode("utf-8")


def _read(path: Path) -> bytes:
    return read_bytes(path)  # a regular file within the size limit, else InputError


def append_review(plan_path: Path, section_text: str, expected: Expected) -> None:
    """Append ``section_text`` at the end of ``plan_path``.

    ``expected`` says what the document must still be: the ``sha256:<hex>``
    digest of its bytes (``ReviewResult.expected``), its exact bytes or text,
    or its modification time (``st_mtime`` float or ``st_mtime_ns`` int).
    Raises :class:`ConcurrentEditError` when it changed.
    """
    path = Path(plan_path)
    old = _read(path)
    refuse = ConcurrentEditError(
        f"{path}: the document changed since it was reviewed; review it again before appending"
    )
    if not _matches(path, old, expected):
        raise refuse
    try:
        atomic_write(path, joined(old, section_text), expected=old)
    except StaleFileError:
        raise refuse from None
