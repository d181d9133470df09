"""A rework starts a new review cycle: ``review --rework LABEL`` writes Iteration 1 again."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from curriculum_cli.api import check
from curriculum_cli.cli import app
from curriculum_cli.config import Config
from curriculum_cli.errors import ConfigError
from curriculum_cli.load.curriculum import load_plan
from curriculum_cli.review import ReviewLimitError, append_review, review_lesson

from .conftest import critical_code_findings, report_of


def _three_reviews(lesson_dir: Path) -> Path:
    plan = lesson_dir / "lessons" / "gradients.md"
    findings = critical_code_findings(lesson_dir)
    for day, found in enumerate([findings, findings[2:], findings[3:]], start=1):
        result = review_lesson(plan, Config(), date=f"2026-03-0{day}", report=report_of(found))
        append_review(plan, result.text, result.expected)
    return plan


def test_a_rework_starts_a_new_cycle_and_the_next_review_continues_it(lesson_dir: Path) -> None:
    plan = _three_reviews(lesson_dir)
    with pytest.raises(ReviewLimitError, match="--rework"):
        review_lesson(plan, Config(), date="2026-03-05", report=report_of([]))
    findings = critical_code_findings(lesson_dir)
    first = review_lesson(plan, Config(), date="2026-03-05", report=report_of(findings[2:]), rework="Post-Depth-Rework")
    assert first.text.startswith("## Review — 2026-03-05 (Post-Depth-Rework, Iteration 1/3)\n")
    assert first.iteration == 1 and first.report.verification == [] and "Fix Verification" not in first.text
    append_review(plan, first.text, first.expected)
    second = review_lesson(plan, Config(), date="2026-03-06", report=report_of([]))
    assert second.iteration == 2
    assert "### Iteration 1 Fix Verification" in second.text
    assert [row.status for row in second.report.verification] == ["FIXED", "FIXED"]
    append_review(plan, second.text, second.expected)
    reviews = load_plan(plan).plan.reviews
    assert [(r.iteration, r.label) for r in reviews] == [(1, None), (2, None), (3, None), (1, "Post-Depth-Rework"), (2, None)]
    assert check([plan], Config(select=["R"])).findings == []


@pytest.mark.parametrize("label", ["", "  ", "(x)", "Final pass", "Iteration 2/3"])
def test_a_label_a_heading_cannot_hold_is_refused(lesson_dir: Path, label: str) -> None:
    with pytest.raises(ConfigError, match="--rework"):
        review_lesson(lesson_dir / "lessons" / "gradients.md", Config(), date="2026-03-01", report=report_of([]), rework=label)


def test_cli_rework_option(lesson_dir: Path) -> None:
    plan = _three_reviews(lesson_dir)
    refused = CliRunner().invoke(app, ["review", "--no-exec", "--date", "2026-03-05", str(plan)])
    assert refused.exit_code == 2 and "--rework" in refused.output
    result = CliRunner().invoke(app, ["review", "--no-exec", "--date", "2026-03-05", "--rework", "After Restructure", str(plan)])
    assert result.exit_code == 0, result.output
    assert "## Review — 2026-03-05 (After Restructure, Iteration 1/3)" in result.stdout
