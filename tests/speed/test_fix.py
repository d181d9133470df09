"""check --fix / --diff: the edits findings carry, applied atomically or shown as a diff."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from curriculum_cli import api
from curriculum_cli.cli import run
from curriculum_cli.fixes import plan_fixes

Capture = pytest.CaptureFixture[str]
DASH = "\u2014"
PLANS = Path(__file__).parents[1] / "fixtures" / "plan"

LESSON = f"""# Tensors

A dash {DASH} here, and another -- there.

```python
print(1 + 1)  # 3  (one plus one)
label = "a {DASH} b"
```

Ends with a dash {DASH}
next line.
"""


@pytest.fixture
def lesson(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "lesson.md"
    path.write_text(LESSON, encoding="utf-8")
    return path


def test_diff_shows_the_fixes_and_writes_nothing(lesson: Path, capsys: Capture) -> None:
    code = run(["check", "--diff", "lesson.md"])
    out, err = capsys.readouterr()
    assert code == 1 and err == ""
    assert f"-A dash {DASH} here, and another -- there.\n+A dash{DASH}here, and another{DASH}there.\n" in out
    assert "-print(1 + 1)  # 3  (one plus one)\n+print(1 + 1)  # 2  (one plus one)\n" in out
    assert out.startswith("--- a/lesson.md\n+++ b/lesson.md\n")
    assert lesson.read_text() == LESSON


def test_fix_rewrites_and_reports_what_is_left(lesson: Path, capsys: Capture) -> None:
    code = run(["check", "--fix", "lesson.md"])
    out, err = capsys.readouterr()
    assert "fixed 2 findings in 1 file" in err
    text = lesson.read_text()
    assert f"A dash{DASH}here, and another{DASH}there." in text and "# 2  (one plus one)" in text
    # Near misses left alone: a dash in a string literal (it is program output) and one ending a line.
    assert f'label = "a {DASH} b"' in text and f"Ends with a dash {DASH}\nnext line." in text
    assert code == 0 and out.count("W101") == 1  # both left in one finding
    assert run(["check", "--diff", "lesson.md"]) == 0 and capsys.readouterr().out == ""


def test_notebook_fixes_stay_valid_json(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Capture) -> None:
    monkeypatch.chdir(tmp_path)
    cells = [
        {"cell_type": "markdown", "id": "m", "metadata": {}, "source": [f"Sum {DASH} then print.\n", "Done."]},
        {"cell_type": "code", "execution_count": None, "id": "c", "metadata": {}, "outputs": [],
         "source": ["x = [1, 2]\n", "print(sum(x))  # 4"]},
    ]
    path = tmp_path / "practice.ipynb"
    path.write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}, indent=1))
    run(["check", "--fix", "practice.ipynb"])
    assert "fixed 2 findings" in capsys.readouterr().err
    fixed = json.loads(path.read_text())["cells"]
    assert fixed[0]["source"] == [f"Sum{DASH}then print.\n", "Done."]
    assert fixed[1]["source"] == ["x = [1, 2]\n", "print(sum(x))  # 3"]


@pytest.mark.parametrize(
    ("fixture", "old", "new"),
    [
        ("P401-false-count.md", "negative example (5 identified)", "negative example (3 identified)"),
        ("P401-false-example-count.md", "(2 positive + 2 negative)", "(3 positive + 1 negative)"),
    ],
)
def test_checklist_counts_are_corrected(tmp_path: Path, fixture: str, old: str, new: str) -> None:
    path = tmp_path / "plan.md"
    shutil.copy(PLANS / fixture, path)
    report = api.check([path])
    (finding,) = [f for f in report.findings if f.code == "P401"]
    plan = plan_fixes([finding])
    assert plan.fixed == [finding]
    plan.write()
    text = path.read_text()
    assert new in text and old not in text
    assert [f.code for f in api.check([path]).findings if f.code == "P401"] == []


def test_a_file_changed_meanwhile_is_not_overwritten(lesson: Path) -> None:
    report = api.check([lesson], overrides={"exec": {"enabled": False}})
    plan = plan_fixes(report.findings)
    assert plan.files
    lesson.write_text(LESSON + "\nA new paragraph.\n")
    assert plan.write() == ["lesson.md"]
    assert lesson.read_text().endswith("A new paragraph.\n")


def test_an_edit_whose_text_is_gone_is_skipped(lesson: Path) -> None:
    report = api.check([lesson], overrides={"exec": {"enabled": False}})
    lesson.write_text(LESSON.replace("another -- there", "another there"))
    plan = plan_fixes(report.findings)
    assert len(plan.fixed) == 0 and len(plan.skipped) == 1  # both dashes of that line are one finding
