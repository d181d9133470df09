"""``record_lesson``: idempotent, refuses without PASS, atomic, dry-run diff, visible to later checks."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import curriculum_cli.record as recording
from curriculum_cli.cli import run
from curriculum_cli.errors import StaleFileError
from curriculum_cli.load.curriculum import load_curriculum
from curriculum_cli.record import RecordError, RecordRefused, record_lesson

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


# --------------------------------------------------------------------------- the bundled example

EXAMPLE = Path(__file__).resolve().parents[2] / "lessons"
EXAMPLE_ORDER = ["tensor-basics", "broadcasting", "reductions", "loss-functions", "autograd-basics", "gradient-descent"]


@pytest.fixture
def example(tmp_path: Path) -> Path:
    target = tmp_path / "lessons"
    shutil.copytree(EXAMPLE, target)
    return target


def _records(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("record.md"))}


def test_dry_run_on_the_complete_example_proposes_nothing(example: Path) -> None:
    for slug in EXAMPLE_ORDER:
        result = record_lesson(_load(example), slug, dry_run=True)
        assert not result.changed and result.diff == "", (slug, result.diff)


def test_recording_the_complete_example_changes_no_byte(example: Path) -> None:
    # Hand-written depths stay (an INTRODUCED row is not raised to the plan's
    # DEVELOPED), no rows are duplicated and no API lands in an unrelated row.
    before = _records(example)
    for slug in EXAMPLE_ORDER:
        assert not record_lesson(_load(example), slug).changed, slug
    assert _records(example) == before
    assert "| Creating tensors by shape | INTRODUCED | tensor-basics |" in before["series-1/module-1-1/record.md"].decode()


def test_recording_from_empty_records_twice_changes_nothing_the_second_time(example: Path) -> None:
    for record in example.rglob("record.md"):
        record.unlink()
    for slug in EXAMPLE_ORDER:
        assert record_lesson(_load(example), slug).changed, slug
    first = _records(example)
    for slug in EXAMPLE_ORDER:
        result = record_lesson(_load(example), slug)
        assert not result.changed, result.diff
    assert _records(example) == first
    text = first["series-1/module-1-2/record.md"].decode()
    assert "`w -= lr * w.grad`" in text  # backticks and `*` survive a second run
    rows = [line for line in text.splitlines() if line.startswith("| ") and "---" not in line]
    assert len(rows) == len(set(rows))


def test_a_lower_hand_written_depth_stays(tmp_curriculum: Path) -> None:
    record = tmp_curriculum / "series-1/module-1-1/record.md"
    edited = record.read_text().replace(GAMMA_ROW, GAMMA_ROW.replace("DEVELOPED", "INTRODUCED"))
    record.write_text(edited)
    result = record_lesson(_load(tmp_curriculum), "gamma")
    assert not result.changed, result.diff  # the lower hand-written depth stays
    assert record.read_text() == edited


def test_a_summary_headed_by_lesson_number_is_not_duplicated(tmp_curriculum: Path) -> None:
    record = tmp_curriculum / "series-1/module-1-1/record.md"
    text = record.read_text()
    heading = next(line for line in text.splitlines() if line.startswith("### gamma"))
    record.write_text(text.replace(heading, "### Lesson 3: Reducing tensors"))
    before = record.read_text()
    assert not record_lesson(_load(tmp_curriculum), "gamma").changed
    assert record.read_text() == before


def test_a_crlf_record_stays_crlf(tmp_curriculum: Path) -> None:
    record = tmp_curriculum / "series-1/module-1-1/record.md"
    record.write_bytes(record.read_bytes().replace(GAMMA_ROW.encode(), b"").replace(b"\n", b"\r\n"))
    assert record_lesson(_load(tmp_curriculum), "gamma").changed
    data = record.read_bytes()
    assert b"| Reducing along a dimension | DEVELOPED | gamma |" in data
    assert data.count(b"\n") == data.count(b"\r\n")


def test_a_record_edited_while_recording_is_not_overwritten(
    tmp_curriculum: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    record = tmp_curriculum / "series-1/module-1-1/record.md"
    record.write_text(record.read_text().replace(GAMMA_ROW, ""))
    real = recording._update_summaries

    def meddle(*args, **kwargs):  # type: ignore[no-untyped-def]
        with record.open("a") as handle:
            handle.write("\nA person's edit.\n")
        return real(*args, **kwargs)

    monkeypatch.setattr(recording, "_update_summaries", meddle)
    with pytest.raises(StaleFileError):
        record_lesson(_load(tmp_curriculum), "gamma")
    assert record.read_text().endswith("A person's edit.\n")
    assert run(["record", "gamma", "--root", str(tmp_curriculum)]) == 2
    err = capsys.readouterr().err
    assert "changed since it was read" in err and "Traceback" not in err


def test_a_concept_index_without_notes_gets_rows_of_its_own_width(tmp_curriculum: Path) -> None:
    record = tmp_curriculum / "series-1/module-1-1/record.md"
    text = record.read_text().replace(GAMMA_ROW, "")
    lines = []
    for line in text.splitlines():
        if line.startswith("|"):
            line = "|".join(line.split("|")[:4]) + "|"
        lines.append(line)
    record.write_text("\n".join(lines) + "\n")
    assert record_lesson(_load(tmp_curriculum), "gamma").changed
    assert "| Reducing along a dimension | DEVELOPED | gamma |\n" in record.read_text()


@pytest.mark.parametrize(
    "body",
    ["".join("  " * depth + "- x\n" for depth in range(40)), "```\nan unclosed fence\n"],
    ids=["list-nested-past-the-parser-limit", "unclosed-fence"],
)
def test_a_record_where_no_table_can_be_added_is_a_clean_error(tmp_curriculum: Path, body: str) -> None:
    record = tmp_curriculum / "series-1/module-1-1/record.md"
    record.write_text("# Module 1.1: Tensors — Record\n\n" + body)
    before = record.read_text()
    try:
        result = record_lesson(_load(tmp_curriculum), "gamma")
    except RecordError as error:
        assert "Concept Index" in str(error)
        assert record.read_text() == before
    else:
        assert result.changed and "| Reducing along a dimension | DEVELOPED | gamma |" in record.read_text()
