"""The census fixture: a clean curriculum written in every planning-side form a real course uses.

``tests/fixtures/census-docs/`` has four planning docs (one per title form),
three module plans (row-ordered, ``# | Slug``, ``# | Lesson``), two records
(summaries, mental-model tables, several lessons per cell), citations as
``slug (X.Y)``, ``slug (X.Y.Z)``, ``X.Y.Z (slug)``, lesson titles and lists,
medium ``**Type:**`` lines, census depth words, load counts as ranges, words and
"N genuinely new", gap resolution as heading, label or table, and scope as
labels, list-item labels or a flat list.  It must give no findings; each
planted defect below must give exactly its finding.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from typer.testing import CliRunner

from curriculum_cli import api
from curriculum_cli.cli import app
from curriculum_cli.config import Config, ExecConfig
from curriculum_cli.load.curriculum import load_curriculum

from .conftest import CENSUS
from .conftest import edit_once as _edit

M11 = "series-1/module-1-1"


def _findings(root: Path) -> set[tuple[str, int | None, str]]:
    report = api.check([root], Config(exec=ExecConfig(enabled=False)))
    assert report.errors == []
    return {(Path(f.path).resolve().relative_to(root.resolve()).as_posix(), f.line, f.code) for f in report.findings}


def test_census_fixture_is_clean() -> None:
    assert _findings(CENSUS) == set()


def test_census_fixture_is_clean_on_the_command_line() -> None:
    result = CliRunner().invoke(app, ["check", "--no-exec", str(CENSUS)])
    assert result.exit_code == 0, result.output
    assert "No findings" in result.output


def test_course_order_follows_the_plans() -> None:
    curriculum = load_curriculum(CENSUS, Config(exec=ExecConfig(enabled=False)))
    assert [(x.slug, x.module_id, x.number) for x in curriculum.lessons] == [
        ("string-slicing", "1.1", 1), ("case-methods", "1.1", 2), ("formatting-values", "1.1", 3),
        ("pattern-basics", "1.2", 1), ("pattern-groups", "1.2", 2),
        ("reading-files", "2.1", 1), ("writing-files", "2.1", 2),
    ]
    types = {x.slug: x.type.value if x.type else None for x in curriculum.lessons}
    assert types["case-methods"] == "STRETCH" and types["formatting-values"] == "CONSOLIDATE"
    assert types["reading-files"] == "CONSOLIDATE"


CASE = f"{M11}/lessons/case-methods.md"
PATTERN = "series-1/module-1-2/lessons/pattern-basics.md"


def test_wrong_lesson_number_in_citation(census: Path) -> None:
    line = _edit(census, CASE, "string-slicing (1.1.1)", "string-slicing (1.1.2)")
    assert _findings(census) == {(CASE, line, "X105")}


def test_wrong_number_in_reversed_citation(census: Path) -> None:
    line = _edit(census, CASE, "1.1.1 (string-slicing)", "1.1.3 (string-slicing)")
    assert _findings(census) == {(CASE, line, "X105")}


def test_cited_lesson_that_does_not_exist(census: Path) -> None:
    line = _edit(census, CASE, "| string-slicing (1.1) | OK | the copy rule", "| string-slicer (1.1) | OK | the copy rule")
    assert _findings(census) == {(CASE, line, "X103")}


def test_source_that_comes_later(census: Path) -> None:
    line = _edit(census, CASE, "| Row of numbered boxes picture | REVISITED (INTRODUCED) | string-slicing (1.1)",
                 "| Row of numbered boxes picture | REVISITED (INTRODUCED) | formatting-values (1.1)")
    assert _findings(census) == {(CASE, line, "X104")}


def test_stretch_after_stretch(census: Path) -> None:
    slicing = f"{M11}/lessons/string-slicing.md"
    _edit(census, slicing, "**Type:** BUILD (first contact with text)", "**Type:** STRETCH (first contact with text)")
    _edit(census, slicing, "- **This lesson's load:** BUILD", "- **This lesson's load:** STRETCH")
    _edit(census, f"{M11}/plan.md", "| string-slicing | Positions and slices | BUILD |", "| string-slicing | Positions and slices | STRETCH |")
    _edit(census, CASE, "**Previous lesson:** string-slicing (BUILD)", "**Previous lesson:** string-slicing (STRETCH)")
    _edit(census, CASE, "- **Previous lesson's load:** BUILD", "- **Previous lesson's load:** STRETCH")
    assert _findings(census) == {(CASE, 6, "X203")}  # the **Cognitive load type:** line


def test_stale_position(census: Path) -> None:
    line = _edit(census, PATTERN, "**Position:** Lesson 1 of 2", "**Position:** Lesson 2 of 2")
    assert _findings(census) == {(PATTERN, line, "X204")}


def test_stale_lesson_count(census: Path) -> None:
    line = _edit(census, PATTERN, "**Position:** Lesson 1 of 2", "**Position:** Lesson 1 of 3")
    assert _findings(census) == {(PATTERN, line, "X204")}


def test_swapped_columns(census: Path) -> None:
    line = _edit(census, CASE, "| Position indexing of strings | DEVELOPED | string-slicing (1.1.1) |",
                 "| Position indexing of strings | string-slicing (1.1.1) | DEVELOPED |")
    assert _findings(census) == {(CASE, line, "P104")}


def test_unescaped_pipe_splits_a_row(census: Path) -> None:
    line = _edit(census, CASE, "| `.strip()` removes all spaces |", "| `.strip()` removes all spaces | even inside |")
    assert _findings(census) == {(CASE, line, "P103")}


def test_deferral_to_a_missing_lesson(census: Path) -> None:
    line = _edit(census, CASE, "(lesson 1.2.1: pattern-basics)", "(lesson 1.2.4: pattern-magic)")
    assert _findings(census) == {(CASE, line, "X301")}


def test_concept_the_record_does_not_have(census: Path) -> None:
    line = _edit(census, CASE, "| Immutability of strings |", "| Unicode normalisation forms |")
    assert _findings(census) == {(CASE, line, "X101")}


def test_stretch_after_stretch_between_lessons_not_planned_yet(census: Path) -> None:
    plan = "series-2/module-2-1/plan.md"
    line = _edit(census, plan, "| CONSOLIDATE / PROJECT |", "| STRETCH |")
    assert _findings(census) == {(plan, line, "X203")}  # after pattern-groups (STRETCH), across a series


def test_a_human_title_names_the_neighbour(census: Path) -> None:
    _edit(census, CASE, "**Previous lesson:** string-slicing (BUILD)", "**Previous lesson:** Cutting Strings Apart (BUILD)")
    assert _findings(census) == set()
    line = _edit(census, CASE, "**Next lesson:** formatting-values (CONSOLIDATE)", "**Next lesson:** Lesson 3: Reading Files (CONSOLIDATE)")
    assert _findings(census) == {(CASE, line, "X201")}


def test_a_type_naming_two_loads_agrees_with_either(census: Path) -> None:
    _edit(census, CASE, "**Cognitive load type:** STRETCH", "**Cognitive load type:** PROJECT (STRETCH)")
    assert _findings(census) == set()


def test_the_module_plan_picks_the_slug_among_label_file_name_and_title(census: Path) -> None:
    # The title names another slug-shaped word; the file name is the one the module plan lists.
    _edit(census, PATTERN, "# pattern-basics -- Lesson Planning Document", "# patterns -- Lesson Planning Document")
    assert _findings(census) == set()


def test_assessment_states_the_load(census: Path) -> None:
    _edit(census, f"{M11}/lessons/formatting-values.md", "- **This lesson's load:** CONSOLIDATE\n", "")
    line = _edit(census, f"{M11}/lessons/formatting-values.md", "- **Assessment:** Combines", "- **Assessment:** BUILD. Combines")
    assert _findings(census) == {(f"{M11}/lessons/formatting-values.md", line, "X202")}


FORMATTING = f"{M11}/lessons/formatting-values.md"
RECORD = f"{M11}/record.md"


def test_depth_raised_by_a_lesson_in_between_satisfies_the_claim(census: Path) -> None:
    line = _edit(census, FORMATTING, "| Printing values | Assumed | prior knowledge | every example prints |",
                 "| Printing values | Assumed | prior knowledge | every example prints |\n"
                 "| Strings are immutable | DEVELOPED | string-slicing (1.1) | the copy rule |") + 1
    assert _findings(census) == {(FORMATTING, line, "X102")}
    _edit(census, RECORD, "| Trimming whitespace | DEVELOPED | case-methods | `.strip()` |",
          "| Trimming whitespace | DEVELOPED | case-methods | `.strip()` |\n| Strings are immutable | DEVELOPED | case-methods | copies |")
    assert _findings(census) == set()


def test_a_record_cell_naming_two_lessons_credits_both(census: Path) -> None:
    _edit(census, PATTERN, "| Methods hand back a new string | REVISITED (DEVELOPED) | case-methods (1.1) |",
          "| Method chaining on strings | INTRODUCED | formatting-values (1.1) |")
    assert _findings(census) == set()


def test_an_unrecorded_lesson_is_reported_once_per_document(census: Path) -> None:
    (census / RECORD).unlink()  # module 1.1 not recorded yet
    per_doc = Counter((path, code) for path, _, code in _findings(census))
    # one X101 per cited lesson of module 1.1, not one per concept
    assert per_doc == {(CASE, "X101"): 1, (FORMATTING, "X101"): 2, (PATTERN, "X101"): 2}


def test_a_neighbour_across_a_module_boundary_may_name_the_module(census: Path) -> None:
    _edit(census, FORMATTING, "**Next lesson:** pattern-basics (BUILD)", "**Next lesson:** Module 1.2 (Patterns)")
    assert _findings(census) == set()
    line = _edit(census, CASE, "**Next lesson:** formatting-values (CONSOLIDATE)", "**Next lesson:** none (end of module)")
    assert _findings(census) == {(CASE, line, "X201")}  # within the module the next lesson exists
