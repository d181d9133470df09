"""Shared builders: a planning doc copied into tmp_path and findings made by hand.

The review tests never depend on rules other engineers are writing: they pass
a pre-built :class:`~curriculum_cli.api.Report` to ``review_lesson``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from curriculum_cli.api import Report
from curriculum_cli.findings import Finding, Severity

FIXTURES = Path(__file__).parent.parent / "fixtures" / "review"


@pytest.fixture
def lesson_dir(tmp_path: Path) -> Path:
    """A folder with ``lessons/gradients.md`` (no reviews yet), outside any curriculum."""
    (tmp_path / "lessons").mkdir()
    shutil.copy(FIXTURES / "plan_base.md", tmp_path / "lessons" / "gradients.md")
    return tmp_path


def critical_code_findings(base: Path) -> list[Finding]:
    """What the code and plan rules might report on a lesson with code defects."""
    built = str(base / "content" / "gradients.md")
    return [
        Finding(
            path=built, line=41, code="P101", severity=Severity.CRITICAL,
            message="name 'w1' is used but never defined in block `payoff.py`",
            subject="name:w1", impact="Running the block alone stops with a NameError.",
            fix="Define `w1` in the block or drop its filename.",
        ),
        Finding(
            path=built, line=58, code="P102", severity=Severity.CRITICAL,
            message="claimed output tensor(6.) but the block prints tensor(12.)",
            subject="claim:print(x.grad)",
        ),
        Finding(
            path=str(base / "lessons" / "gradients.md"), line=9, code="P201", severity=Severity.IMPROVEMENT,
            message="only 2 misconceptions (at least 3 needed)",
            impact="Fewer wrong ideas are confronted.", fix="Add a third misconception with its negative example.",
        ),
        Finding(
            path=built, line=12, code="P301", severity=Severity.POLISH,
            message="spaced em dash ' — ' in prose", subject="dash:Not magic — automation",
        ),
    ]


def report_of(findings: list[Finding]) -> Report:
    return Report(findings=list(findings), stats={"files": 2, "lessons": 1}, notes=["code blocks were not executed: no interpreter configured"])
