"""Summary counts are read from list lines, bold labels, one line, words or a table."""

from __future__ import annotations

import pytest

from curriculum_cli.model.build_plan import build_plan
from curriculum_cli.parse.markdown import parse_markdown

HEAD = "# Lesson: x (Module 1.1, Lesson 1)\n\n## Review — 2026-03-01 (Iteration 1/3)\n\n### Summary\n\n"


@pytest.mark.parametrize(
    "summary",
    [
        "- Critical: 0\n- Improvement: 2\n- Polish: 1\n",
        "- **Critical:** 0\n- **Improvements:** 2\n- **Polish:** 1\n",
        "Critical: none | Improvement: 2 | Polish: 1\n",
        "| Severity | Count |\n|---|---|\n| Critical | 0 |\n| Improvement | 2 |\n| Polish | 1 |\n",
    ],
)
def test_summary_forms(summary: str) -> None:
    [review] = build_plan(parse_markdown(HEAD + summary, "x.md")).reviews
    assert review.summary is not None
    assert (review.summary.critical, review.summary.improvement, review.summary.polish) == (0, 2, 1)
