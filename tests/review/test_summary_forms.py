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


FINDING = "\n#### [POLISH] — {title}\n\n**Location:** a\n**Issue:** {issue}\n**Student impact:** c\n**Suggested fix:** d\n"


@pytest.mark.parametrize(
    ("polish_line", "codes"),
    [
        ("- Polish: 1\n", []),
        ("- Polish: 2 (1 retracted)\n", []),  # the summary says it counts the retracted one
        ("- Polish: 2\n", ["R103"]),  # a retracted finding does not count
    ],
)
def test_retracted_findings_in_the_summary(polish_line: str, codes: list[str]) -> None:
    from curriculum_cli.model.curriculum import PlanDocument
    from curriculum_cli.rules.review import review_summary_counts

    text = (
        HEAD + "- Critical: 0\n- Improvement: 0\n" + polish_line + "\n### Verdict: PASS\n"
        + FINDING.format(title="Hint", issue="Too generous.")
        + FINDING.format(title="Dash", issue="Correct after all. RETRACTED.")
    )
    doc = parse_markdown(text, "x.md")
    issues = list(review_summary_counts(PlanDocument(path="x.md", doc=doc, plan=build_plan(doc))))
    assert ["R103" for _ in issues] == codes
