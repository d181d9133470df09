"""Depth scale and lesson types, read leniently from what authors write."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass


class Depth(enum.IntEnum):
    """How deeply a concept is known: ``MENTIONED < INTRODUCED < DEVELOPED < APPLIED``."""

    MENTIONED = 1
    INTRODUCED = 2
    DEVELOPED = 3
    APPLIED = 4


class LessonType(str, enum.Enum):
    BUILD = "BUILD"
    STRETCH = "STRETCH"
    CONSOLIDATE = "CONSOLIDATE"
    PROJECT = "PROJECT"


_DEPTH_WORDS = {
    "mentioned": Depth.MENTIONED,
    "mention": Depth.MENTIONED,
    "introduced": Depth.INTRODUCED,
    "introduce": Depth.INTRODUCED,
    "intro": Depth.INTRODUCED,
    "developed": Depth.DEVELOPED,
    "develop": Depth.DEVELOPED,
    "applied": Depth.APPLIED,
    "apply": Depth.APPLIED,
}
_ARROW = re.compile(r"\s*(?:->|→|=>|⟶|-->)\s*")
_WORD = re.compile(r"[A-Za-z]+")


@dataclass(frozen=True, slots=True)
class DepthValue:
    """A depth cell as read: the depth it ends at, the one it starts from for a
    raise (``INTRODUCED -> DEVELOPED``), and the raw text."""

    raw: str
    depth: Depth | None
    raised_from: Depth | None = None

    @property
    def ok(self) -> bool:
        return self.depth is not None


def _first_depth(text: str) -> Depth | None:
    for word in _WORD.findall(text):
        depth = _DEPTH_WORDS.get(word.lower())
        if depth is not None:
            return depth
    return None


def parse_depth(text: str) -> DepthValue:
    """Read ``DEVELOPED``, ``developed (from 1.3)``, ``INTRODUCED -> DEVELOPED``.

    Non-depth words (``MISSING``, ``--``, ``N/A``) give ``depth=None``.
    """
    raw = text.strip()
    clean = raw.replace("*", "").replace("`", "")
    parts = [p for p in _ARROW.split(clean) if p.strip()]
    if len(parts) >= 2:
        start, end = _first_depth(parts[0]), _first_depth(parts[-1])
        if end is not None:
            return DepthValue(raw, end, start)
    return DepthValue(raw, _first_depth(clean))


def parse_type(text: str) -> LessonType | None:
    """Read a lesson type from ``STRETCH``, ``BUILD (tensors ...)``, ``Stretch``."""
    for word in _WORD.findall(text.replace("*", "")):
        try:
            return LessonType(word.upper())
        except ValueError:
            continue
    return None
