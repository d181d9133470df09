"""Depth scale and lesson types, read leniently from what authors write."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

from curriculum_cli.model import aliases


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


_DEPTH_WORDS = {word: Depth[name] for word, name in aliases.DEPTH_WORDS.items()}
#: Non-depth words -> what they say: the concept is absent, assumed from outside, or seen again.
_DEPTH_KINDS = (
    ("absent", aliases.ABSENT_DEPTHS), ("assumed", aliases.ASSUMED_DEPTHS), ("unrated", aliases.UNRATED_DEPTHS),
)
_ARROW = re.compile(r"\s*(?:->|→|=>|⟶|-->)\s*")
_WORD = re.compile(r"[A-Za-z]+")


@dataclass(frozen=True, slots=True)
class DepthValue:
    """A depth cell as read: the depth it ends at, the one it starts from for a
    raise (``INTRODUCED -> DEVELOPED``), and the raw text."""

    raw: str
    depth: Depth | None
    raised_from: Depth | None = None
    #: For a cell naming no depth: ``absent`` (MISSING, NOT TAUGHT, ``--``), ``assumed``
    #: (Assumed, prior knowledge) or ``unrated`` (REINFORCED); ``None`` when unreadable.
    #: A level said to be assumed (``DEVELOPED (assumed)``) is ``assumed`` too.
    kind: str | None = None

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
    depth = _first_depth(clean)
    if depth is not None:
        return DepthValue(raw, depth, kind="assumed" if _says_assumed(clean) else None)
    return DepthValue(raw, depth, kind=depth_kind(clean))


def _says_assumed(text: str) -> bool:
    """``DEVELOPED (assumed)``, ``APPLIED (prior knowledge)``: a level the course takes as given."""
    return "assumed" in _WORD.findall(text.lower()) or any(
        depth_kind(inner) == "assumed" for inner in re.findall(r"\(([^)]*)\)", text)
    )


def held_depth(raw: str) -> Depth | None:
    """The depth a student already has, from a depth cell: the start of a raise
    (``DEVELOPED -> APPLIED`` says DEVELOPED now, APPLIED after this lesson;
    ``MISSING -> DEVELOPED`` says none), else the depth written."""
    clean = raw.replace("*", "").replace("`", "")
    parts = [p for p in _ARROW.split(clean) if p.strip()]
    if len(parts) >= 2 and _first_depth(parts[-1]) is not None:
        return _first_depth(parts[0])
    return _first_depth(clean)


def depth_kind(text: str) -> str | None:
    """What a cell naming no depth says (``absent``, ``assumed``, ``unrated``), or ``None``."""
    have = " ".join(_WORD.findall(text.lower()))
    if not have:
        return "absent"  # "--", "—", empty
    for kind, phrases in _DEPTH_KINDS:
        if any(have == p or have.startswith(p + " ") for p in phrases):
            return kind
    return None


def parse_type(text: str) -> LessonType | None:
    """Read a lesson type from ``STRETCH``, ``BUILD (tensors ...)``, ``Stretch``, ``CONSOLIDATE / PROJECT``."""
    for word in _WORD.findall(text.replace("*", "")):
        name = aliases.TYPE_WORDS.get(word.lower())
        if name is not None:
            return LessonType(name)
    return None


def types_in(text: str) -> set[LessonType]:
    """Every lesson type named in ``text`` (``PROJECT (STRETCH)`` -> both)."""
    return {LessonType(aliases.TYPE_WORDS[w.lower()]) for w in _WORD.findall(text) if w.lower() in aliases.TYPE_WORDS}
