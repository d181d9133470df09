"""Review iterations (FORMAT.md section 5): write the next one, verify the last one.

Glossary:

``ReviewReport``
    one iteration as a value: counts, verdict, fix verification, findings,
    notes (:mod:`.model`).
``fingerprint``
    the identity of a finding across iterations: rule code + artifact +
    normalized subject, embedded in the section as an HTML comment
    (:mod:`.fingerprint`).
``verdict``
    MAJOR REVISION / NEEDS REVISION / PASS from the counts (:mod:`.verdict`).
``ReviewerNotes``
    the reviewer's own findings and fix marks, from a YAML file (:mod:`.notes`).
``append_review``
    byte-exact, atomic append of a section to the planning doc (:mod:`.append`).

The Markdown renderer is :mod:`curriculum_cli.report.review_markdown`; the
rules that check reviews already written are :mod:`curriculum_cli.rules.review`.
"""

from __future__ import annotations

from curriculum_cli.review.append import ConcurrentEditError, append_review
from curriculum_cli.review.build import ReviewLimitError, build_report
from curriculum_cli.review.lesson import lesson_paths, resolve_lesson, review_lesson
from curriculum_cli.review.model import (
    ReportFinding,
    ReviewReport,
    ReviewResult,
    Verification,
)
from curriculum_cli.review.notes import ReviewerNotes, load_notes, parse_notes

__all__ = [
    "ConcurrentEditError",
    "ReportFinding",
    "ReviewLimitError",
    "ReviewReport",
    "ReviewResult",
    "ReviewerNotes",
    "Verification",
    "append_review",
    "build_report",
    "lesson_paths",
    "load_notes",
    "parse_notes",
    "resolve_lesson",
    "review_lesson",
]
