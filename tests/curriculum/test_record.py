"""``record_lesson``: idempotent, refuses without PASS, atomic, dry-run diff, visible to later checks."""

from __future__ import annotations

from pathlib import Path

import pytest

from curriculum_cli.load.curriculum import load_curriculum
from curriculum_cli.record import RecordRefused, record_lesson

from .conftest import findings, static_config

GAMMA_ROW = "| Reducing along a dimension | DEVELOPED | gamma | `.sum(dim=...)`, `keepdim=True` |\n"


def _load(root: Path):  # type: ignore[no-untyped-def]
    return load_curriculum(root, static_config())


def test_record_twice_changes_nothing_the_second_time(tmp_curriculum: Path) -> None:
    record = tmp_curriculum / "series-1/module-1-2/record.md"
    record.unlink()
    first = record_lesson(_load(tmp_curriculum), "delta")
    text = record.read_text()
    second = record_lesson(_load(tmp_curriculum), "delta")
    assert first.changed and not second.changed and second.diff == ""
    assert record.read_text() == text
    assert "| Mean squared error (MSE) | DEVELOPED | delta | `.mean()` |" in text
    assert "### delta (Lesson 1 — BUILD)" in text


def test_existing_rows_are_updated_in_place(tmp_curriculum: Path) -> None:
    record = tmp_curriculum / "series-1/module-1-1/record.md"
    before = record.read_text()
    result = record_lesson(_load(tmp_curriculum), "gamma")
    assert not result.changed, result.diff
    assert record.read_text() == before


def test_refuses_without_a_pass_verdict(tmp_curriculum: Path) -> None:
    doc = tmp_curriculum / "series-1/module-1-1/lessons/gamma.md"
    doc.write_text(doc.read_text().replace("### Verdict: PASS", "### Verdict: NEEDS REVISION"))
    record = tmp_curriculum / "series-1/module-1-1/record.md"
    record.write_text(record.read_text().replace(GAMMA_ROW, ""))
    with pytest.raises(RecordRefused):
        record_lesson(_load(tmp_curriculum), "gamma")
    assert record_lesson(_load(tmp_curriculum), "gamma", force=True).changed


def test_dry_run_returns_a_diff_and_writes_nothing(tmp_curriculum: Path) -> None:
    record = tmp_curriculum / "series-1/module-1-1/record.md"
    record.write_text(record.read_text().replace(GAMMA_ROW, ""))
    before = record.read_text()
    result = record_lesson(_load(tmp_curriculum), "gamma", dry_run=True)
    assert result.changed and "+| Reducing along a dimension | DEVELOPED | gamma |" in result.diff
    assert record.read_text() == before


def test_next_lesson_sees_the_recorded_rows(tmp_curriculum: Path) -> None:
    record = tmp_curriculum / "series-1/module-1-1/record.md"
    record.write_text(record.read_text().replace(GAMMA_ROW, ""))
    assert ("series-1/module-1-2/lessons/delta.md", 13, "X101") in findings(tmp_curriculum)
    curriculum = _load(tmp_curriculum)
    record_lesson(curriculum, "gamma")
    assert findings(tmp_curriculum) == set()
    assert curriculum.index.taught(curriculum.lesson("gamma"))[-1].concept == "Reducing along a dimension"
