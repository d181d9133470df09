"""What retracts a finding: its severity bracket always; words in its text only when a person wrote it."""

from __future__ import annotations

import pytest

from curriculum_cli.model.build_plan import build_plan
from curriculum_cli.parse.markdown import parse_markdown

HEAD = "# Lesson: x (Module 1.1, Lesson 1)\n\n## Review — 2026-03-01 (Iteration 1/3)\n\n### Findings\n\n"
BODY = "\n**Location:** Section 1\n**Issue:** {issue}\n**Student impact:** Some.\n**Suggested fix:** Change it.\n"


def _retracted(heading: str, comment: str = "", issue: str = "Wrong.") -> bool:
    text = HEAD + heading + "\n" + (comment + "\n" if comment else "") + BODY.format(issue=issue)
    [review] = build_plan(parse_markdown(text, "x.md")).reviews
    [finding] = review.findings
    return finding.retracted


@pytest.mark.parametrize(
    ("heading", "comment", "issue", "retracted"),
    [
        ("#### [POLISH] — RETRACTED", "<!-- curriculum: reviewer -->", "Wrong.", False),
        ("#### [POLISH] — Hint (RETRACTED)", "<!-- curriculum: P101 content/x.md name:w -->", "RETRACTED", False),
        ("#### [POLISH (RETRACTED)] — Hint", "<!-- curriculum: reviewer -->", "Wrong.", True),
        ("#### [POLISH] — Hint (RETRACTED)", "", "Wrong.", True),
        ("#### [POLISH] — Hint", "", "Read again: correct. RETRACTED.", True),
        ("#### [POLISH] — Hint", "", "It was retracted once, then found again.", False),
        ("#### [POLISH] — Hint (RETRACTED)", "<!-- curriculum: ignore[R107] -->", "Wrong.", True),
    ],
)
def test_retraction(heading: str, comment: str, issue: str, retracted: bool) -> None:
    assert _retracted(heading, comment, issue) is retracted
