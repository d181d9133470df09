"""Reader variants found on a realistic course, each on a copy of the census fixture.

A lesson with only a practice notebook is built (X402); deferrals that name
another module (X301/X302); a prerequisite that is an API the record names
in a row's Notes (X101); a ``|`` inside a code span that splits a table row
(P103).  Each has a near miss that must still be reported.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from curriculum_cli import api
from curriculum_cli.config import Config, ExecConfig

from .conftest import edit_once as _edit

M11 = "series-1/module-1-1"
FORMATTING = f"{M11}/lessons/formatting-values.md"


def _report(root: Path, **config: object) -> list[tuple[str, int | None, str, str]]:
    report = api.check([root], Config(exec=ExecConfig(enabled=False), **config))  # type: ignore[arg-type]
    assert report.errors == []
    return [
        (Path(f.path).resolve().relative_to(root.resolve()).as_posix(), f.line, f.code, f.message)
        for f in report.findings
    ]


def _findings(root: Path, **config: object) -> set[tuple[str, int | None, str]]:
    return {(path, line, code) for path, line, code, _ in _report(root, **config)}


# --------------------------------------------------------------------------- X402


def _complete_module(root: Path) -> int:
    """Module 1.1 marked COMPLETE, two lessons with pages, the third with only a notebook."""
    line = _edit(root, "course.md", "| 1.1 | Strings | 3 | IN PROGRESS |", "| 1.1 | Strings | 3 | COMPLETE |")
    content = root / M11 / "content"
    content.mkdir()
    for slug in ("string-slicing", "case-methods"):
        (content / f"{slug}.md").write_text(f"# {slug}\n\nA page.\n", encoding="utf-8")
    notebooks = root / M11 / "notebooks"
    notebooks.mkdir()
    notebook = {"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    (notebooks / "formatting-values.ipynb").write_text(json.dumps(notebook), encoding="utf-8")
    return line


def test_a_lesson_with_only_a_notebook_is_built(census: Path) -> None:
    _complete_module(census)
    assert _findings(census, select=["X402"]) == set()


def test_a_lesson_with_no_page_and_no_notebook_is_not_built(census: Path) -> None:
    line = _complete_module(census)
    (census / M11 / "notebooks" / "formatting-values.ipynb").unlink()
    assert _findings(census, select=["X402"]) == {("course.md", line, "X402")}


# --------------------------------------------------------------------------- X301 / X302

NOT_ITEM = "- Patterns in text (module 1.2)"


@pytest.mark.parametrize("wording", [
    "(lesson 1 of module 1.2: pattern-basics)",
    "(lesson 1 in module 1.2: pattern-basics)",
    "(module 1.2, lesson 1: pattern-basics)",
    "(see lesson 1.2.1: pattern-basics)",
    "(covered in lesson 1 of module 1.2)",
    "(deferred to module 1.2)",
])
def test_a_deferral_naming_another_module_is_read(census: Path, wording: str) -> None:
    _edit(census, FORMATTING, NOT_ITEM, f"- Patterns in text {wording}")
    assert _findings(census) == set()


def test_a_deferral_to_an_earlier_lesson_of_another_wording_is_still_reported(census: Path) -> None:
    line = _edit(census, FORMATTING, NOT_ITEM, "- Patterns in text (lesson 1 of module 1.1: string-slicing)")
    assert _findings(census) == {(FORMATTING, line, "X302")}


def test_a_deferral_to_a_lesson_another_module_lacks_is_still_reported(census: Path) -> None:
    line = _edit(census, FORMATTING, NOT_ITEM, "- Patterns in text (lesson 4 of module 1.2: pattern-magic)")
    assert _findings(census) == {(FORMATTING, line, "X301")}


# --------------------------------------------------------------------------- X101

PREREQ = "| Changing case | INTRODUCED | DEVELOPED / INTRODUCED | case-methods (1.1) | OK | used on values before formatting |"


def test_a_prerequisite_naming_an_api_in_the_record_notes_is_recorded(census: Path) -> None:
    _edit(census, FORMATTING, PREREQ,
          PREREQ + "\n| `.title()` | INTRODUCED | DEVELOPED | case-methods (1.1) | OK | capitalises names |")
    assert _findings(census) == set()


def test_a_prerequisite_naming_an_api_the_record_lacks_is_still_reported(census: Path) -> None:
    line = _edit(census, FORMATTING, PREREQ,
                 PREREQ + "\n| `.casefold()` | INTRODUCED | DEVELOPED | case-methods (1.1) | OK | caseless compare |")
    assert _findings(census) == {(FORMATTING, line + 1, "X101")}


def test_a_plain_word_does_not_match_an_api_in_the_notes(census: Path) -> None:
    line = _edit(census, FORMATTING, PREREQ,
                 PREREQ + "\n| Title | INTRODUCED | DEVELOPED | case-methods (1.1) | OK | capitalises names |")
    assert _findings(census) == {(FORMATTING, line + 1, "X101")}


def _prereq(census: Path, claim: str) -> int:
    """Add a prerequisite ``claim`` citing case-methods; its line."""
    row = f"| {claim} | INTRODUCED | DEVELOPED | case-methods (1.1) | OK | needed for the exercise |"
    return _edit(census, FORMATTING, PREREQ, PREREQ + "\n" + row) + 1


@pytest.mark.parametrize("claim", [
    # Every word is in what the cited lesson teaches (row names, Notes, summary), just not as one row.
    "Upper and lower case",
    "lower() and upper()",
])
def test_a_claim_worded_from_the_cited_lessons_material_is_taught(census: Path, claim: str) -> None:
    _prereq(census, claim)
    assert _findings(census) == set()


def test_a_claim_whose_words_the_cited_lesson_lacks_is_still_reported(census: Path) -> None:
    line = _prereq(census, "Splitting on a separator")
    assert _findings(census) == {(FORMATTING, line, "X101")}


def test_what_a_summary_defers_is_not_taught(census: Path) -> None:
    _edit(census, f"{M11}/record.md", "- Removing surrounding whitespace",
          "- Removing surrounding whitespace\n\n**What is NOT covered:** splitting on a separator")
    line = _prereq(census, "Splitting on a separator")
    assert _findings(census) == {(FORMATTING, line, "X101")}


@pytest.mark.parametrize("claim", ["Format specifiers for width and precision", "Width and precision"])
def test_a_concept_another_lesson_records_is_reported_against_the_wrong_citation(census: Path, claim: str) -> None:
    # case-methods' Notes now use every word, but formatting-values' row is the concept.
    _edit(census, f"{M11}/record.md", "| Trimming whitespace | DEVELOPED | case-methods | `.strip()` |",
          "| Trimming whitespace | DEVELOPED | case-methods | `.strip()` before a format specifier sets width and precision |")
    line = _prereq(census, claim)
    assert _findings(census) == {(FORMATTING, line, "X101")}


# --------------------------------------------------------------------------- P103

ROW = "| Only variables go in braces | Examples use names | An expression inside braces | Practice |"


@pytest.mark.parametrize("row", [
    "| Only variables go in braces | Examples use names | `f\"{flags | extra}\"` works | Practice |",
    "| Only variables go in braces | Examples use names | An expression inside braces | Practice with `a | b` |",
])
def test_a_pipe_inside_a_code_span_splits_the_row(census: Path, row: str) -> None:
    line = _edit(census, FORMATTING, ROW, row)
    found = _report(census)
    assert {(path, at, code) for path, at, code, _ in found} == {(FORMATTING, line, "P103")}
    message = found[0][3]
    assert "unescaped '|' inside a code span" in message and "5 cells" in message


def test_a_pipe_inside_a_code_span_suggests_escaping_it(census: Path) -> None:
    _edit(census, FORMATTING, ROW, "| Only variables go in braces | Examples use names | `{a | b}` | Practice |")
    report = api.check([census], Config(exec=ExecConfig(enabled=False)))
    assert [f.fix for f in report.findings] == ["write the '|' inside the code span as '\\|'"]


def test_an_escaped_pipe_inside_a_code_span_is_one_cell(census: Path) -> None:
    _edit(census, FORMATTING, ROW, "| Only variables go in braces | Examples use names | `f\"{flags \\| extra}\"` | Practice |")
    assert _findings(census) == set()


def test_a_deferral_with_lead_words_to_an_earlier_lesson_is_reported(census: Path) -> None:
    line = _edit(census, FORMATTING, NOT_ITEM, "- Patterns in text (covered in lesson 1.1.1: string-slicing)")
    assert _findings(census) == {(FORMATTING, line, "X302")}


@pytest.mark.parametrize("wording", [
    "(lesson 1 of module 1.2 — pattern-basics)",
    "(module 1.2, lesson 1 - pattern-basics)",
])
def test_a_deferral_may_name_the_slug_after_a_dash(census: Path, wording: str) -> None:
    _edit(census, FORMATTING, NOT_ITEM, f"- Patterns in text {wording}")
    assert _findings(census) == set()


def test_a_deferral_naming_the_wrong_slug_after_a_dash_is_reported(census: Path) -> None:
    line = _edit(census, FORMATTING, NOT_ITEM, "- Patterns in text (lesson 1 of module 1.2 — pattern-magic)")
    assert _findings(census) == {(FORMATTING, line, "X301")}


def test_a_reminder_of_an_earlier_lesson_is_not_a_deferral(census: Path) -> None:
    _edit(census, FORMATTING, NOT_ITEM, "- Slicing again (already covered in lesson 1.1.1: string-slicing)")
    assert _findings(census) == set()


def test_the_graph_shows_a_notebook_only_lesson_as_built(census: Path) -> None:
    from curriculum_cli.graph import build_graph
    from curriculum_cli.load.curriculum import open_curriculum

    _complete_module(census)
    status = {node.slug: node.status for node in build_graph(open_curriculum(census)).nodes}
    assert status["formatting-values"] == "built"


def test_long_scope_items_and_cells_are_read() -> None:
    # A long run of letters in a parenthesis once made the deferral pattern backtrack for minutes.
    from curriculum_cli.model.build_plan import _deferral
    from curriculum_cli.model.curriculum import _api_name

    assert _deferral("- Item (" + "a" * 20000 + ")") is None
    assert _deferral("- Item (" + "see " * 5000 + "lesson 2: x)") is None
    assert _api_name("(" * 20000) is None
