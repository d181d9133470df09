"""build_review reads the real variants of the iteration format."""

from __future__ import annotations

from pathlib import Path

import pytest

from curriculum_cli.config import Config
from curriculum_cli.findings import Finding, Severity
from curriculum_cli.load.curriculum import load_plan
from curriculum_cli.model.build_review import _text_row
from curriculum_cli.review import resolve_lesson
from curriculum_cli.review.fingerprint import comment, fingerprint, normalize_message

from .conftest import FIXTURES


def test_variants_are_read() -> None:
    first, second = load_plan(FIXTURES / "rules" / "variants_clean.md").plan.reviews
    assert (first.iteration, first.max_iterations, first.date) == (1, 3, "2026-01-10")
    assert first.summary is not None and (first.summary.improvement, first.summary.polish) == (1, 2)
    assert [f.severity for f in first.findings] == ["IMPROVEMENT", "POLISH", "POLISH", "POLISH"]
    wrapped = first.findings[0]
    assert wrapped.issue is not None and wrapped.issue.endswith("only uses positive indexes.")
    assert [f.retracted for f in first.findings] == [False, False, True, False]
    assert second.verdict_raw == "PASS with polish notes" and second.verdict == "PASS"
    assert second.fix_iteration == 1 and second.fix_title == "Iteration 1 Fixes Verified"
    assert [(r.number, r.status, r.retracted) for r in second.fix_rows] == [
        ("1", "FIXED", False), ("2", "NOT FIXED", False), ("3", "RETRACTED", True), ("4", "FIXED", False),
    ]


def test_fingerprint_ignores_lines_and_numbers() -> None:
    one = Finding(path="/c/content/x.md", line=3, code="P201", severity=Severity.POLISH, message="only 2 items (line 3)")
    two = one.model_copy(update={"line": 40, "message": "only 4 items (line 40)"})
    assert fingerprint(one) == fingerprint(two)
    assert normalize_message("Block `a.py`, lines 3-5: 'x' is 12") == "block-a-py-x-is-#"
    named = one.model_copy(update={"subject": "name: w --> x"})
    value = fingerprint(named, Path("/c"))
    assert value.startswith("P201 content/x.md ") and "-->" not in comment(value)[4:-3]


def test_resolve_lesson_by_slug(tmp_path: Path) -> None:
    (tmp_path / "course.md").write_text("# Course\n", encoding="utf-8")
    folder = tmp_path / "series-2" / "module-2-1" / "lessons"
    folder.mkdir(parents=True)
    (folder / "gradients.md").write_text((FIXTURES / "plan_base.md").read_text(encoding="utf-8"), encoding="utf-8")
    assert resolve_lesson("gradients", Config(), tmp_path).resolve() == (folder / "gradients.md").resolve()


@pytest.mark.parametrize(
    ("text", "status"),
    [
        # A row whose title quantifies ("both") next to a status word that contains "issue".
        ('"Knead" and "mix" both name one step: **NON-ISSUE**; only one is used.', "NON-ISSUE"),
        ("Each photo caption: not an issue", "NON-ISSUE"),
        ('"Proof time" missing -- FIXED: forty minutes.', "FIXED"),
        # Near misses: sentences about every row are not rows.
        ("Both issues from iteration 1 are fixed.", None),
        ("None of the 3 findings remain.", None),
    ],
)
def test_fix_list_items(text: str, status: str | None) -> None:
    row = _text_row(1, text, None)
    assert (row.status if row else None) == status
