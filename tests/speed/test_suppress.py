"""Inline suppressions: every form suppresses what it covers and nothing else; useless ones are S101/S102."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from curriculum_cli import api

DASH = "\u2014"


def _codes(path: Path, *extra: Path) -> list[tuple[int | None, str]]:
    report = api.check([path, *extra], overrides={"exec": {"enabled": False}})
    assert report.errors == []
    return [(f.line, f.code) for f in report.findings]


def _lesson(tmp_path: Path, text: str, name: str = "lesson.md") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


BODY = f"""# Tensors

A dash {DASH} here.

Another {DASH} there.

```python
y = 1 +
x = 1
```
"""


def test_without_suppressions_every_finding_is_reported(tmp_path: Path) -> None:
    assert _codes(_lesson(tmp_path, BODY)) == [(3, "W101"), (8, "C101")]  # one W101 per file


def test_html_comment_on_its_own_line_covers_the_next_block_only(tmp_path: Path) -> None:
    text = BODY.replace("A dash", "<!-- curriculum: ignore[W101] -->\nA dash")
    assert _codes(_lesson(tmp_path, text)) == [(6, "W101"), (9, "C101")]


def test_html_comment_at_the_end_of_a_line_covers_that_line(tmp_path: Path) -> None:
    text = BODY.replace("there.", "there. <!-- curriculum: ignore[W101] -->")
    assert _codes(_lesson(tmp_path, text)) == [(3, "W101"), (8, "C101")]


def test_comment_before_a_fence_covers_the_whole_fence(tmp_path: Path) -> None:
    text = BODY.replace("```python", "<!-- curriculum: ignore[C101] -->\n```python")
    assert _codes(_lesson(tmp_path, text)) == [(3, "W101")]


def test_code_comment_covers_its_line(tmp_path: Path) -> None:
    text = BODY.replace("y = 1 +", "y = 1 +  # curriculum: ignore[C101]")
    assert _codes(_lesson(tmp_path, text)) == [(3, "W101")]


def test_file_level_form_and_a_prefix(tmp_path: Path) -> None:
    text = BODY + "\n<!-- curriculum: ignore-file[W1] -->\n"
    assert _codes(_lesson(tmp_path, text)) == [(8, "C101")]


def test_tsx_comment(tmp_path: Path) -> None:
    text = (
        "export default function Lesson() {\n  return (\n    <div>\n"
        "      {/* curriculum: ignore[C101] */}\n"
        '      <CodeBlock language="python" code={`y = 1 +\nx = 1`} />\n'
        "      <CodeBlock language=\"python\" code={`z = 2 +`} />\n    </div>\n  );\n}\n"
    )
    path = _lesson(tmp_path, text, "Lesson.tsx")
    assert _codes(path) == [(7, "C101")]


def _notebook(tmp_path: Path, tags: list[str], first: str = "y = 1 +") -> Path:
    cells = [
        {"cell_type": "code", "execution_count": None, "id": "a", "metadata": {"tags": tags}, "outputs": [],
         "source": [first + "\n", "x = 1"]},
        {"cell_type": "code", "execution_count": None, "id": "b", "metadata": {}, "outputs": [], "source": ["z = 2 +"]},
    ]
    path = tmp_path / "practice.ipynb"
    path.write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}, indent=1))
    return path


def test_notebook_cell_tag_covers_that_cell_only(tmp_path: Path) -> None:
    assert [code for _, code in _codes(_notebook(tmp_path, []))] == ["C101", "C101"]
    found = _codes(_notebook(tmp_path, ["curriculum-ignore-C101"]))
    assert [code for _, code in found] == ["C101"]
    assert found[0][0] is not None and found[0][0] > 9  # the second cell, not the tagged one


def test_notebook_code_comment(tmp_path: Path) -> None:
    found = _codes(_notebook(tmp_path, [], first="y = 1 +  # curriculum: ignore[C101]"))
    assert [code for _, code in found] == ["C101"]


def test_unused_suppression_is_s101_at_the_comment(tmp_path: Path) -> None:
    text = BODY.replace("A dash", "<!-- curriculum: ignore[W101, C101] -->\nA dash")
    assert _codes(_lesson(tmp_path, text)) == [(3, "S101"), (6, "W101"), (9, "C101")]


def test_unknown_code_is_s102_naming_the_closest(tmp_path: Path) -> None:
    text = BODY.replace("y = 1 +", "y = 1 +  # curriculum: ignore[C1O1]")
    report = api.check([_lesson(tmp_path, text)], overrides={"exec": {"enabled": False}})
    s102 = [f for f in report.findings if f.code == "S102"]
    assert len(s102) == 1 and "C101" in s102[0].message and s102[0].line == 8


@pytest.mark.parametrize("overrides", [{"ignore": ["W101"]}, {"select": ["C", "S"]}])
def test_a_code_this_run_did_not_check_is_not_reported_unused(tmp_path: Path, overrides: dict[str, object]) -> None:
    text = BODY.replace("Another", "<!-- curriculum: ignore[W101] -->\nAnother")
    report = api.check([_lesson(tmp_path, text)], overrides={"exec": {"enabled": False}, **overrides})
    assert [f.code for f in report.findings] == ["C101"]


def test_execution_codes_are_not_unused_under_no_exec(tmp_path: Path) -> None:
    text = BODY.replace("x = 1", "print(1)  # 2  # curriculum: ignore[C304]")
    assert [code for _, code in _codes(_lesson(tmp_path, text))] == ["W101", "C101"]


def test_suppressions_in_a_curriculum_lesson(tmp_path: Path) -> None:
    import shutil

    root = tmp_path / "course"
    shutil.copytree(Path(__file__).parents[2] / "lessons", root, ignore=shutil.ignore_patterns(".curriculum_cache"))
    built = root / "series-1" / "module-1-1" / "content" / "tensor-basics.md"
    text = built.read_text()
    built.write_text(text.replace("numbers\nlive in", f"numbers {DASH} live in", 1))
    assert [code for _, code in _codes(root)] == ["W101"]
    built.write_text(text.replace("numbers\nlive in", f"numbers {DASH} live in <!-- curriculum: ignore[W101] -->", 1))
    assert _codes(root) == []


def test_notebook_tag_that_suppresses_nothing_is_s101(tmp_path: Path) -> None:
    found = _codes(_notebook(tmp_path, ["curriculum-ignore-W101"]))
    assert [code for _, code in found] == ["C101", "S101", "C101"]  # S101 on the tagged cell's first line


def test_file_level_suppression_in_a_planning_doc(tmp_path: Path) -> None:
    fixtures = Path(__file__).parents[1] / "fixtures" / "plan"
    text = (fixtures / "P403-unchecked-item.md").read_text()
    assert [code for _, code in _codes(_lesson(tmp_path, text, "plan.md"))] == ["P403"]
    suppressed = _lesson(tmp_path, text + "\n<!-- curriculum: ignore-file[P403] -->\n", "plan.md")
    assert _codes(suppressed) == []
