"""Findings: the frozen values every rule produces and every reporter prints.

A rule yields :class:`Issue` values (what is wrong, where); the engine turns
them into :class:`Finding` values by adding the rule's code, severity, path and
student-impact text.  Sorting and de-duplication happen once, in
:func:`normalize`.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, field_validator


class Severity(str, enum.Enum):
    """How much a finding matters to the student, most severe first."""

    CRITICAL = "CRITICAL"
    IMPROVEMENT = "IMPROVEMENT"
    POLISH = "POLISH"

    @property
    def rank(self) -> int:
        """3 for CRITICAL, 2 for IMPROVEMENT, 1 for POLISH."""
        return {"CRITICAL": 3, "IMPROVEMENT": 2, "POLISH": 1}[self.value]

    def at_least(self, other: Severity) -> bool:
        return self.rank >= other.rank

    @classmethod
    def parse(cls, text: str) -> Severity:
        """Read a severity leniently (``critical``, ``Polish``...); ValueError if unknown."""
        value = text.strip().upper()
        try:
            return cls(value)
        except ValueError:
            raise ValueError(
                f"unknown severity {text!r}; expected one of critical, improvement, polish"
            ) from None


class Edit(BaseModel):
    """A safe mechanical fix: on ``line`` of ``path``, replace the last ``old`` with ``new``.

    ``old`` and ``new`` are the text as the student sees it; in a notebook
    they are matched inside the line's JSON string.  An edit whose ``old`` is
    no longer on its line is not applied (``check --fix`` says so).
    """

    model_config = ConfigDict(frozen=True)

    path: str
    line: int
    old: str
    new: str


class Finding(BaseModel):
    """One defect at one place. Frozen: reporters and reviews only read it."""

    model_config = ConfigDict(frozen=True)

    path: str
    line: int | None = None
    column: int | None = None
    code: str
    severity: Severity
    message: str
    fix: str | None = None
    #: What the defect does to the learner (used by review reports).
    impact: str | None = None
    #: Normalized subject (name, API, claim, row) used to match a finding
    #: across review iterations independently of its line.
    subject: str | None = None
    #: Optional multi-line detail (a traceback, an expected/actual diff).
    detail: str | None = None
    #: Mechanical fixes ``check --fix`` applies (and ``--diff`` shows); empty when there is none.
    edits: tuple[Edit, ...] = ()

    @field_validator("message", "fix", "impact", "subject")
    @classmethod
    def _one_printable_line(cls, value: str | None) -> str | None:
        return printable(value) if value is not None else None

    @field_validator("detail")
    @classmethod
    def _printable_lines(cls, value: str | None) -> str | None:
        return printable(value, keep="\n\t") if value is not None else None

    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.path, self.line or 0, self.column or 0, self.code, self.message)


def printable(text: str, keep: str = "") -> str:
    """``text`` with control characters (newline, ESC, NUL, U+2028...) as ``\\n``-style escapes.

    Findings quote lesson code's exception messages and output: escaped here,
    once, they can neither forge a report line nor drive a terminal.
    ``keep`` names characters left alone (a detail keeps its newlines).
    """
    if text.isprintable():
        return text
    return "".join(
        char if char.isprintable() or char in keep else char.encode("unicode_escape").decode("ascii")
        for char in text
    )


@dataclass(frozen=True, slots=True)
class Issue:
    """What a rule reports; the engine adds code, severity and (default) path."""

    message: str
    line: int | None = None
    column: int | None = None
    fix: str | None = None
    subject: str | None = None
    #: Path of the artifact when it is not the document the rule was given.
    path: str | None = None
    detail: str | None = None
    #: Override of the rule's default severity for this one issue.
    severity: Severity | None = None
    #: Mechanical fixes (see :class:`Edit`).
    edits: tuple[Edit, ...] = ()


def normalize(findings: Iterable[Finding]) -> list[Finding]:
    """Sort findings by position and drop exact duplicates."""
    seen: set[tuple[object, ...]] = set()
    out: list[Finding] = []
    for finding in sorted(findings, key=Finding.sort_key):
        key = (finding.path, finding.line, finding.column, finding.code, finding.message)
        if key in seen:
            continue
        seen.add(key)
        out.append(finding)
    return out


def count_by_severity(findings: Iterable[Finding]) -> dict[Severity, int]:
    counts = {severity: 0 for severity in Severity}
    for finding in findings:
        counts[finding.severity] += 1
    return counts
