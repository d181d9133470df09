"""Generated review sections: one golden file per verdict, plus the iteration flow."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from curriculum_cli.api import check
from curriculum_cli.config import Config
from curriculum_cli.findings import Finding, Severity
from curriculum_cli.load.curriculum import load_plan
from curriculum_cli.report.review_markdown import render_review
from curriculum_cli.review import (
    ReviewLimitError,
    append_review,
    build_report,
    parse_notes,
    review_lesson,
)
from curriculum_cli.review.append import joined

from .conftest import FIXTURES, critical_code_findings, report_of

GOLDEN = FIXTURES / "golden"
CHECKED = {"P101", "P102", "P201", "P301"}
NOTES_1 = """\
findings:
  - severity: improvement
    title: The payoff table has no hand-computed column
    location: Section 6, comparison table
    issue: Only the framework's values are shown.
    impact: The student cannot see the match the lesson promises.
    fix: Add the values computed by hand in the earlier lesson.
what_works_well: The hook recalls numbers the student computed by hand.
pattern_to_watch: Names used in a block with a filename but defined elsewhere.
"""


def assert_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("CURRICULUM_UPDATE_GOLDEN"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


def render(plan_path: Path, findings: list[Finding], notes: str = "", config: Config | None = None) -> str:
    plan = load_plan(plan_path, "lessons/gradients.md").plan
    report = build_report(
        plan, findings, config or Config(), date="2026-03-01", notes=parse_notes(notes, "notes.yaml"),
        checked=CHECKED, base=plan_path.parent.parent, stats={"files": 2, "lessons": 1},
        check_notes=["code blocks were not executed: no interpreter configured"],
    )
    return render_review(report)


def test_golden_major_revision(lesson_dir: Path) -> None:
    plan = lesson_dir / "lessons" / "gradients.md"
    assert_golden("major_revision.md", render(plan, critical_code_findings(lesson_dir), NOTES_1))


def test_golden_needs_revision(lesson_dir: Path) -> None:
    plan = lesson_dir / "lessons" / "gradients.md"
    first = render(plan, critical_code_findings(lesson_dir), NOTES_1)
    plan.write_bytes(joined(plan.read_bytes(), first))
    _, _, improvement, polish = critical_code_findings(lesson_dir)
    moved = polish.model_copy(update={"line": 80})  # lines shifted: same fingerprint
    notes = "fixed:\n  - The payoff table has no hand-computed column\n"
    assert_golden("needs_revision.md", render(plan, [improvement, moved], notes))


def test_golden_pass(lesson_dir: Path) -> None:
    plan = lesson_dir / "lessons" / "gradients.md"
    polish = critical_code_findings(lesson_dir)[3]
    assert_golden("pass.md", render(plan, [polish]))


def test_golden_last_iteration_polish_pass(lesson_dir: Path) -> None:
    plan = lesson_dir / "lessons" / "gradients.md"
    shutil.copy(FIXTURES / "plan_two_reviews.md", plan)
    notes = """\
findings:
  - severity: polish
    title: Hint gives the product away
    location: Section 5, hint
    issue: The hint still multiplies the local derivatives.
    impact: The check tests arithmetic.
    fix: Split the hint in two levels.
fixed:
  - Summary table caption is missing
"""
    text = render(plan, [critical_code_findings(lesson_dir)[3]], notes)
    assert_golden("last_iteration_pass.md", text)
    assert "## Review — 2026-03-01 (Iteration 3/3)" in text
    assert "### Verdict: PASS" in text


def test_review_append_and_verify_next_iteration(lesson_dir: Path) -> None:
    plan = lesson_dir / "lessons" / "gradients.md"
    findings = critical_code_findings(lesson_dir)
    first = review_lesson(plan, Config(), date="2026-03-01", report=report_of(findings))
    assert first.iteration == 1 and first.verdict == "MAJOR REVISION"
    assert first.text.startswith("## Review — 2026-03-01 (Iteration 1/3)\n")
    assert "### Verdict: MAJOR REVISION" in first.text
    append_review(plan, first.text, first.expected)

    [review] = load_plan(plan).plan.reviews
    assert review.summary is not None
    assert (review.summary.critical, review.summary.improvement, review.summary.polish) == (2, 1, 1)
    assert len(review.findings) == 4
    assert all(f.location and f.issue and f.impact and f.fix for f in review.findings)

    second = review_lesson(plan, Config(), date="2026-03-02", report=report_of(findings[:1]))
    assert second.iteration == 2
    assert "## Review — 2026-03-02 (Iteration 2/3)" in second.text
    rows = {row.number: row.status for row in second.report.verification}
    assert rows == {1: "NOT FIXED", 2: "FIXED", 3: "FIXED", 4: "FIXED"}
    append_review(plan, second.text, second.expected)
    # what the tool writes passes its own consistency rules
    assert check([plan], Config(select=["R"])).findings == []


def test_review_rules_codes_never_count(lesson_dir: Path) -> None:
    plan = lesson_dir / "lessons" / "gradients.md"
    review_finding = Finding(path=str(plan), line=3, code="R103", severity=Severity.IMPROVEMENT, message="count")
    result = review_lesson(plan, Config(), date="2026-03-01", report=report_of([review_finding]))
    assert result.verdict == "PASS" and result.report.findings == []


def test_refuses_beyond_max_iterations(lesson_dir: Path) -> None:
    plan = lesson_dir / "lessons" / "gradients.md"
    shutil.copy(FIXTURES / "plan_two_reviews.md", plan)
    with pytest.raises(ReviewLimitError, match="maximum is 2"):
        review_lesson(plan, Config(max_iterations=2), date="2026-03-01", report=report_of([]))


def test_human_finding_stays_open_until_marked(lesson_dir: Path) -> None:
    plan = lesson_dir / "lessons" / "gradients.md"
    shutil.copy(FIXTURES / "plan_two_reviews.md", plan)
    result = review_lesson(plan, Config(), date="2026-03-01", report=report_of([]))
    statuses = [row.status for row in result.report.verification]
    assert statuses == ["NOT FIXED", "NOT FIXED", "NOT FIXED"]


def test_review_runs_check_when_no_report_is_given(lesson_dir: Path) -> None:
    plan = lesson_dir / "lessons" / "gradients.md"
    result = review_lesson(plan, Config(select=["P"]), date="2026-03-01")
    assert result.iteration == 1
    assert result.report.counts.critical + result.report.counts.improvement + result.report.counts.polish == len(
        result.report.findings
    )


def test_bad_date_is_a_config_error(lesson_dir: Path) -> None:
    from curriculum_cli.errors import ConfigError

    with pytest.raises(ConfigError):
        review_lesson(lesson_dir / "lessons" / "gradients.md", Config(), date="1 March", report=report_of([]))
