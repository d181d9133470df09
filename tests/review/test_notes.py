"""The reviewer's notes YAML: its findings count; errors name file:line."""

from __future__ import annotations

from pathlib import Path

import pytest

from curriculum_cli.config import Config
from curriculum_cli.errors import ConfigError
from curriculum_cli.findings import Severity
from curriculum_cli.review import parse_notes, review_lesson

from .conftest import report_of

GOOD = """\
findings:
  - severity: CRITICAL
    title: The payoff never shows the match
    location: Section 6
    issue: The values computed by hand are missing.
    impact: The central insight does not land.
    fix: Put both columns side by side.
what_works_well: |
  The hook.
  The analogy.
pattern_to_watch: Untaught arguments.
"""


def test_notes_findings_count_in_summary_and_verdict(lesson_dir: Path, tmp_path: Path) -> None:
    notes = tmp_path / "notes.yaml"
    notes.write_text(GOOD, encoding="utf-8")
    result = review_lesson(
        lesson_dir / "lessons" / "gradients.md", Config(), date="2026-03-01", notes_file=notes, report=report_of([])
    )
    assert result.verdict == "MAJOR REVISION"
    assert result.report.counts.critical == 1
    [finding] = result.report.findings
    assert finding.source == "reviewer" and finding.severity is Severity.CRITICAL
    assert "**What works well:** The hook. The analogy." in result.text
    assert "**Pattern to watch:** Untaught arguments." in result.text


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("findings:\n  - severity: polish\n    title: [unclosed\n", 3),
        ("findings:\n  - severity: polish\n    title: t\n    location: l\n", 2),
        ("findings:\n  - severity: minor\n    title: t\n    location: l\n    issue: i\n    impact: m\n    fix: f\n", 2),
        ("fixed: []\nsurprise: 1\n", 2),
        ("findings:\n  - severity: polish\n    title: t\n    location: l\n    issue: i\n    impact: m\n    fix: f\n"
         "    extra: x\n", 8),
    ],
    ids=["bad-yaml", "missing-keys", "unknown-severity", "unknown-top-key", "unknown-finding-key"],
)
def test_bad_notes_raise_config_error_with_file_and_line(text: str, line: int) -> None:
    with pytest.raises(ConfigError, match=rf"^notes\.yaml:{line}: "):
        parse_notes(text, "notes.yaml")


def test_fixed_without_a_previous_iteration_is_an_error(lesson_dir: Path, tmp_path: Path) -> None:
    notes = tmp_path / "notes.yaml"
    notes.write_text("fixed:\n  - Something\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="notes.yaml:2"):
        review_lesson(
            lesson_dir / "lessons" / "gradients.md", Config(), date="2026-03-01", notes_file=notes, report=report_of([])
        )


def test_empty_notes_file_is_fine() -> None:
    assert parse_notes("", "notes.yaml").findings == []
