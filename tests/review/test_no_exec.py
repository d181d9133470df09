"""``review --no-exec`` never signs off an execution finding it did not check."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from curriculum_cli.cli import app
from curriculum_cli.config import Config
from curriculum_cli.findings import Finding, Severity
from curriculum_cli.load.curriculum import load_plan
from curriculum_cli.review import append_review, review_lesson

from .conftest import report_of


def _first_review_with_a_crash_and_a_claim(lesson_dir: Path) -> Path:
    plan = lesson_dir / "lessons" / "gradients.md"
    built = str(lesson_dir / "content" / "gradients.md")
    findings = [
        Finding(path=built, line=30, code="C304", severity=Severity.CRITICAL,
                message="claimed output 3 but the line prints 2", subject="claim:print(1 + 1)"),
        Finding(path=built, line=12, code="P301", severity=Severity.POLISH,
                message="spaced em dash ' — ' in prose", subject="dash:a — b"),
    ]
    first = review_lesson(plan, Config(), date="2026-03-01", report=report_of(findings))
    append_review(plan, first.text, first.expected)
    return plan


def test_no_exec_marks_execution_findings_not_verified(lesson_dir: Path) -> None:
    plan = _first_review_with_a_crash_and_a_claim(lesson_dir)
    result = CliRunner().invoke(app, ["review", "--no-exec", "--date", "2026-03-02", str(plan)])
    assert result.exit_code == 0, result.output
    text = result.stdout
    [row] = [line for line in text.splitlines() if line.startswith("| 1 |")]
    assert "NOT VERIFIED" in row and "**FIXED**" not in row
    assert "--no-exec" in row
    assert "configuration" not in text
    assert "command line (--no-exec)" in text
    # the unverified CRITICAL stays open: the verdict cannot pass it
    assert "### Verdict: MAJOR REVISION" in text
    assert "0 fixed" in text or "1 fixed" in text


def test_not_verified_review_is_consistent_and_verified_next_time(lesson_dir: Path) -> None:
    plan = _first_review_with_a_crash_and_a_claim(lesson_dir)
    config = Config().model_copy(update={"exec": Config().exec.model_copy(update={"enabled": False})})
    second = review_lesson(plan, config, date="2026-03-02", report=report_of([]), no_exec=True)
    rows = {row.number: row.status for row in second.report.verification}
    assert rows == {1: "NOT VERIFIED", 2: "FIXED"}
    assert second.report.counts.critical == 1 and second.verdict == "MAJOR REVISION"
    [carried] = second.report.findings
    assert carried.code == "C304" and carried.fingerprint and carried.fingerprint.startswith("C304 ")
    append_review(plan, second.text, second.expected)
    # the section the tool wrote passes its own R rules
    from curriculum_cli.api import check

    assert check([plan], Config(select=["R"])).findings == []
    # a later run with execution verifies the carried finding
    third = review_lesson(plan, Config(), date="2026-03-03", report=report_of([]))
    assert {row.number: row.status for row in third.report.verification} == {1: "FIXED"}
    assert third.verdict == "PASS"
    assert load_plan(plan).plan.reviews[1].fix_rows[0].status == "NOT VERIFIED"


def test_configuration_off_says_configuration(lesson_dir: Path) -> None:
    plan = _first_review_with_a_crash_and_a_claim(lesson_dir)
    config = Config().model_copy(update={"exec": Config().exec.model_copy(update={"enabled": False})})
    second = review_lesson(plan, config, date="2026-03-02", report=report_of([]))
    assert second.report.verification[0].status == "NOT VERIFIED"
    assert "exec.enabled" in second.report.verification[0].note
    assert "--no-exec" not in second.text


def test_every_execution_rule_is_known_to_the_review() -> None:
    from curriculum_cli.rules.code import EXECUTION_CODES
    from curriculum_cli.rules.registry import all_rules

    assert {r.code for r in all_rules() if r.code.startswith("C3")} == EXECUTION_CODES


def test_a_deselected_rule_is_not_verified_either(lesson_dir: Path) -> None:
    plan = _first_review_with_a_crash_and_a_claim(lesson_dir)
    second = review_lesson(plan, Config(select=["C"]), date="2026-03-02", report=report_of([]))
    rows = {row.number: (row.status, row.note) for row in second.report.verification}
    assert rows[1][0] == "FIXED"  # C304 ran (execution on) and no longer reports it
    assert rows[2] == ("NOT VERIFIED", "rule P301 did not run in this review; carried open to this review's findings")
    assert [f.code for f in second.report.findings] == ["P301"]
