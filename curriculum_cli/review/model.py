"""The review report: one iteration of the review, as a JSON-able value.

``build_report`` (in :mod:`curriculum_cli.review.build`) makes it from a
check report; :func:`curriculum_cli.report.review_markdown.render_review`
writes it in the iteration format.  Every text field is one line of clean
text (see :func:`clean`), so the markdown reads back into the same values.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from curriculum_cli.findings import Severity

_TRAILING_HASHES = re.compile(r"(?:^|\s+)#+$")


def clean(text: str) -> str:
    """One line, single spaces, no trailing ``#`` run (a heading would drop it)."""
    value = " ".join(text.split())
    while True:
        stripped = _TRAILING_HASHES.sub("", value).strip()
        if stripped == value:
            return value
        value = stripped


def cell_text(text: str) -> str:
    """:func:`clean` text that survives a table cell: an unbalanced backtick becomes ``'``.

    (The table reader treats a lone backtick as opening a code span that
    swallows the next ``|``.)
    """
    value = clean(text)
    return value.replace("`", "'") if value.count("`") % 2 else value


class FindingText(BaseModel):
    """The six parts every review finding has, as a reader sees them."""

    model_config = ConfigDict(frozen=True)

    severity: Severity
    title: str
    location: str
    issue: str
    impact: str
    fix: str


class ReportFinding(FindingText):
    """A finding as the review section shows it."""
    #: Rule code for the tool's findings, ``None`` for the reviewer's.
    code: str | None = None
    #: Identity across iterations (tool findings only).
    fingerprint: str | None = None
    source: Literal["tool", "reviewer"] = "tool"


class Verification(BaseModel):
    """One row of the ``Iteration N-1 Fix Verification`` table."""

    model_config = ConfigDict(frozen=True)

    number: int
    severity: str
    finding: str
    #: NOT VERIFIED: the rule that found it did not check this time (e.g.
    #: ``--no-exec``); the finding is carried open into the new iteration.
    status: Literal["FIXED", "NOT FIXED", "NOT VERIFIED", "RETRACTED"]
    note: str


class ReviewCounts(BaseModel):
    critical: int = 0
    improvement: int = 0
    polish: int = 0


class ReviewReport(BaseModel):
    """Everything one review iteration says."""

    plan: str
    date: str
    iteration: int
    max_iterations: int
    #: A rework label that starts a new cycle (``Post-Depth-Rework``), written in the heading.
    label: str | None = None
    counts: ReviewCounts
    verdict: str
    verdict_reason: str
    previous_iteration: int | None = None
    verification: list[Verification] = Field(default_factory=list)
    findings: list[ReportFinding] = Field(default_factory=list)
    #: What the run checked and what it did not (Review Notes).
    checked: list[str] = Field(default_factory=list)
    not_checked: list[str] = Field(default_factory=list)
    what_works_well: str | None = None
    pattern_to_watch: str | None = None
    #: Open polish items carried as notes at the last iteration.
    carried: list[str] = Field(default_factory=list)


class ReviewResult(BaseModel):
    """What :func:`~curriculum_cli.review.review_lesson` returns."""

    text: str
    report: ReviewReport
    iteration: int
    verdict: str
    #: ``sha256:<hex>`` of the planning doc's bytes as read; pass it to
    #: :func:`~curriculum_cli.review.append_review` to refuse concurrent edits.
    expected: str
    #: Tool errors of the check run (unreadable files, rule crashes).
    errors: list[str] = Field(default_factory=list)
