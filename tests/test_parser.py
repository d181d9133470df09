"""The Markdown parser keeps every node's line; the plan model reads every alias
of FORMAT.md section 3."""

from __future__ import annotations

import textwrap

import pytest

from curriculum_cli.model.build_plan import build_plan, part_of
from curriculum_cli.model.depth import Depth, LessonType
from curriculum_cli.model.plan import LessonPlan
from curriculum_cli.parse.markdown import (
    CodeFence,
    Document,
    Paragraph,
    Section,
    Table,
    parse_markdown,
)


def parse(source: str) -> Document:
    return parse_markdown(textwrap.dedent(source).lstrip("\n"))


def plan_of(source: str) -> LessonPlan:
    return build_plan(parse(source))


def section(doc: Document, title: str) -> Section:
    return next(s for s in doc.sections() if s.title == title)


# ------------------------------------------------------------------ sections


def test_sections_levels_and_line_spans() -> None:
    doc = parse(
        """
        # Title
        intro

        ## First
        ### Inner
        text
        ## Second
        last
        """
    )
    got = [(s.level, s.title, s.line, s.end_line) for s in doc.sections()]
    assert got == [(1, "Title", 1, 8), (2, "First", 4, 6), (3, "Inner", 5, 6), (2, "Second", 7, 8)]
    assert doc.title is not None and doc.title.line == 1
    assert [c.title for c in section(doc, "First").children] == ["Inner"]


def test_text_before_any_heading_lives_in_the_root() -> None:
    doc = parse("loose paragraph\n\n# Title\n")
    assert isinstance(doc.root.blocks[0], Paragraph)
    assert doc.root.blocks[0].line == 1


# ------------------------------------------------------------------ tables

TABLE = """
# T

| Name | Value |
|------|-------|
| a | 1 |
| b \\| c | `x | y` |
| more | 2 | extra |
| fewer |
"""


def table() -> Table:
    return parse(TABLE).root.children[0].tables()[0]


def test_table_header_rows_and_row_lines() -> None:
    t = table()
    assert (t.line, t.end_line) == (3, 8)
    assert t.header == ["Name", "Value"]
    assert [row.line for row in t.rows] == [5, 6, 7, 8]
    assert t.rows[0].cells == ["a", "1"]
    assert t.column("value") == 1 and t.column("missing") is None


def test_escaped_pipe_stays_in_its_cell() -> None:
    assert table().rows[1].cells[0] == "b | c"


def test_pipe_inside_inline_code_stays_in_its_cell() -> None:
    assert table().rows[1].cells[1] == "`x | y`"


def test_ragged_rows_are_kept_cell_by_cell() -> None:
    t = table()
    assert t.rows[2].cells == ["more", "2", "extra"]
    assert t.rows[3].cells == ["fewer"]
    assert t.rows[3].get(1, "?") == "?"
    # Line 6 keeps `x | y` in one cell for the readers, but a renderer splits it there.
    assert t.rows[1].rendered_cells == 3 and t.rows[0].rendered_cells == 2
    assert [row.line for row in t.ragged_rows()] == [6, 7, 8]


def test_ragged_rows_of_a_plan_table_are_reported_as_p103() -> None:
    plan = plan_of(
        """
        # Lesson: x (Module 1.1, Lesson 1)

        | Misconception | Negative Example |
        |---|---|
        | one | ex | surplus |
        | two |
        | three | fine |
        """
    )
    assert [(p.code, p.line) for p in plan.problems] == [("P103", 5), ("P103", 6)]
    assert [m.text for m in plan.misconceptions] == ["one", "two", "three"]
    assert plan.misconceptions[1].negative_example == ""


def test_table_with_only_a_header() -> None:
    t = parse("| A | B |\n|---|---|\n").root.tables()[0]
    assert t.header == ["A", "B"] and t.rows == []


# ------------------------------------------------------------------ lists


LISTS = """
# L

- one
  - nested
    1. deep
- [x] done
- [ ] open
- [X] upper

3. three
4. four
"""


def test_bullet_nested_and_numbered_lists() -> None:
    sec = parse(LISTS).root.children[0]
    bullets, numbered = sec.lists(deep=False)
    assert not bullets.ordered and numbered.ordered
    assert [(i.line, i.text) for i in sec.items()] == [
        (3, "one"), (4, "nested"), (5, "deep"), (6, "done"), (7, "open"), (8, "upper"), (10, "three"), (11, "four"),
    ]
    nested = bullets.items[0].children[0]
    assert nested.items[0].text == "nested"
    assert nested.items[0].children[0].ordered
    assert [i.number for i in numbered.items] == [3, 4]


def test_checklist_items() -> None:
    items = parse(LISTS).root.children[0].items()
    assert [(i.text, i.checked) for i in items if i.checked is not None] == [
        ("done", True), ("open", False), ("upper", True),
    ]
    assert items[0].checked is None


# ------------------------------------------------------------------ code fences


def test_fenced_code_with_info_string() -> None:
    doc = parse(
        """
        # C

        ```python title="grid.py"
        t = 1
        print(t)
        ```
        """
    )
    fence = doc.root.children[0].blocks[0]
    assert isinstance(fence, CodeFence)
    assert (fence.line, fence.content_line, fence.closed) == (3, 4, True)
    assert fence.language == "python"
    assert fence.info == 'python title="grid.py"'
    assert fence.content == "t = 1\nprint(t)\n"


def test_unclosed_fence_runs_to_the_end_and_is_marked() -> None:
    doc = parse("# C\n\n~~~text\nnever closed\n## not a heading\n")
    fence = doc.root.children[0].blocks[0]
    assert isinstance(fence, CodeFence)
    assert fence.closed is False
    assert "## not a heading" in fence.content
    assert [s.title for s in doc.sections()] == ["C"]


def test_closed_tilde_fence_without_info() -> None:
    fence = parse("~~~\nx\n~~~\n").root.blocks[0]
    assert isinstance(fence, CodeFence)
    assert (fence.closed, fence.language) == (True, "")


# ------------------------------------------------------------------ fields


def test_bold_label_fields() -> None:
    doc = parse(
        """
        # Lesson: grids (Module 3.2, Lesson 2)
        **Type:** STRETCH
        **Previous lesson:** tensor-basics (BUILD)
        - **Next lesson**: broadcasting (BUILD)
        """
    )
    fields = [(f.line, f.label, f.value) for f in doc.title.fields()]  # type: ignore[union-attr]
    assert fields == [
        (2, "Type", "STRETCH"),
        (3, "Previous lesson", "tensor-basics (BUILD)"),
        (4, "Next lesson", "broadcasting (BUILD)"),
    ]


def test_header_fields_become_the_plan_header() -> None:
    header = plan_of(
        """
        # Lesson: grids (Module 3.2, Lesson 2)

        **Type:** STRETCH
        **Previous lesson:** tensor-basics (BUILD)
        **Next lesson:** none
        """
    ).header
    assert (header.slug, header.module_id, header.lesson_number) == ("grids", "3.2", 2)
    assert (header.type, header.type_line) == (LessonType.STRETCH, 3)
    assert header.previous is not None and (header.previous.slug, header.previous.type) == ("tensor-basics", LessonType.BUILD)
    assert header.next is not None and header.next.slug is None


# ------------------------------------------------------------------ the plan model: aliases

PREREQS = """
| Concept | Required Depth | Actual Depth | Source Lesson | Status |
|---|---|---|---|---|
| grids | DEVELOPED (from 3.1) | INTRODUCED -> APPLIED | tensor-basics (3.2) | OK |
"""
MISCONCEPTIONS = """
| Misconception | Negative Example |
|---|---|
| a slice copies | edit it and print the original |
"""
EXAMPLES = """
| Example | Type |
|---|---|
| cinema | Positive (primary) |
| copy trap | Negative |
"""
MODALITIES = """
| Modality | Why |
|---|---|
| visual | it is spatial |
"""
LOAD = """
- **New concepts in this lesson:** 1
  1. commas between axes
- **This lesson's load:** BUILD
"""


def _counts(plan: LessonPlan) -> dict[str, int]:
    return {
        "prerequisites": len(plan.prerequisites),
        "misconceptions": len(plan.misconceptions),
        "examples": len(plan.examples),
        "modalities": len(plan.modalities),
        "cognitive_load": len(plan.cognitive_load.concepts) if plan.cognitive_load else 0,
    }


@pytest.mark.parametrize(
    ("heading", "part", "body"),
    [
        ("### Prerequisites Table", "prerequisites", PREREQS),
        ("### Prerequisites", "prerequisites", PREREQS),
        ("### Misconceptions Table", "misconceptions", MISCONCEPTIONS),
        ("### Misconceptions Addressed", "misconceptions", MISCONCEPTIONS),
        ("### Examples Planned", "examples", EXAMPLES),
        ("### Examples Used", "examples", EXAMPLES),
        ("### Modalities Planned", "modalities", MODALITIES),
        ("### Modalities Used", "modalities", MODALITIES),
        ("### Cognitive Load Assessment", "cognitive_load", LOAD),
        ("### Cognitive Load", "cognitive_load", LOAD),
        # another heading level, other case
        ("## PREREQUISITES TABLE", "prerequisites", PREREQS),
        ("#### misconceptions addressed", "misconceptions", MISCONCEPTIONS),
        ("##### Examples used", "examples", EXAMPLES),
    ],
)
def test_part_aliases_are_read(heading: str, part: str, body: str) -> None:
    source = f"# Lesson: x (Module 1.1, Lesson 1)\n\n{heading}\n{body}"
    plan = plan_of(source)
    assert plan.sections[part] == 3
    assert _counts(plan)[part] == (len(body.strip().splitlines()) - 2 if part != "cognitive_load" else 1)
    assert plan.problems == []


def test_prerequisite_depths_keep_qualifiers_and_raises() -> None:
    prereq = plan_of(f"# Lesson: x (Module 1.1, Lesson 1)\n\n### Prerequisites\n{PREREQS}").prerequisites[0]
    assert (prereq.line, prereq.required.depth, prereq.actual.depth, prereq.actual.raised_from) == (
        7, Depth.DEVELOPED, Depth.APPLIED, Depth.INTRODUCED,
    )
    assert (prereq.source.slug, prereq.source.module_id) == ("tensor-basics", "3.2")


@pytest.mark.parametrize(
    ("title", "part"),
    [
        ("Phase 2: Analyze", "phase2"),
        ("Phase 2 — Analysis", "phase2"),
        ("Analysis", "phase2"),
        ("phase 1: student state (orient)", "phase1"),
        ("Phase 3: Design", "phase3"),
        ("What Was Actually Built", "built"),
        ("Components Used", "components"),
        ("Mental Models Established", "mental_models"),
        ("Analogies Used", "analogies"),
        ("Improvement Summary — 2026-02-10", "improvement_summary"),
        ("Target Concept", "target_concept"),
        ("Gap resolution", "gap_resolution"),
        ("Scope Boundaries", "scope"),
        ("Lesson Outline", "outline"),
        ("Review — 2026-02-09 (Iteration 1/3)", None),
        ("Something Else", None),
    ],
)
def test_part_names(title: str, part: str | None) -> None:
    assert part_of(title) == part


def test_what_was_actually_built_and_improvement_summary() -> None:
    plan = plan_of(
        """
        # Lesson: x (Module 1.1, Lesson 1)

        ## What Was Actually Built
        ### Components Used
        - a grid widget
        ### Mental Models Established
        - row first, then column
        ### Analogies Used
        - seats in a cinema

        ## Improvement Summary — 2026-02-10
        - tightened the hook
        """
    )
    parts = ("built", "components", "built_mental_models", "analogies", "improvement_summary")
    assert {k: plan.sections[k] for k in parts} == {
        "built": 3, "components": 4, "built_mental_models": 6, "analogies": 8, "improvement_summary": 11,
    }
    # What was built is kept apart from the Phase 1 parts of the same name.
    assert plan.mental_models == []
    assert [(m.line, m.text) for m in plan.built_mental_models] == [(7, "row first, then column")]
    assert [(m.line, m.text) for m in plan.built_components] == [(5, "a grid widget")]
    assert [(m.line, m.text) for m in plan.built_analogies] == [(9, "seats in a cinema")]


def test_part_as_bold_label_paragraph() -> None:
    plan = plan_of(
        """
        # Lesson: x (Module 1.1, Lesson 1)

        ## Phase 2: Analyze

        **Target concept:** picking rows and columns out of a grid

        **Gap resolution:** a recap box before section 3
        """
    )
    assert plan.target_concept == "picking rows and columns out of a grid"
    assert plan.sections["target_concept"] == 5
    assert plan.gap_resolution is not None and (plan.gap_resolution.line, plan.gap_resolution.raw) == (
        7, "a recap box before section 3",
    )


def test_table_right_under_the_phase_heading_is_recognized_by_its_columns() -> None:
    plan = plan_of(f"# Lesson: x (Module 1.1, Lesson 1)\n\n## Phase 2: Analysis\n{PREREQS}{MISCONCEPTIONS}")
    assert plan.sections["phase2"] == 3
    # line 4 is blank: each table body starts with a newline
    assert plan.tables["prerequisites"].line == 5
    assert plan.tables["misconceptions"].line == 9
    assert [p.concept for p in plan.prerequisites] == ["grids"]
    assert [m.line for m in plan.misconceptions] == [11]


def test_cognitive_load_list_and_lines() -> None:
    load = plan_of(f"# Lesson: x (Module 1.1, Lesson 1)\n\n### Cognitive Load\n{LOAD}").cognitive_load
    assert load is not None
    assert (load.line, load.stated, load.stated_line) == (3, 1, 5)
    assert [(c.line, c.text) for c in load.concepts] == [(6, "commas between axes")]
    assert load.this_load is not None and (load.this_load.line, load.this_load.raw) == (7, "BUILD")


def test_scope_lists_and_deferrals() -> None:
    scope = plan_of(
        """
        # Lesson: x (Module 1.1, Lesson 1)

        ### Scope Boundaries

        **This lesson IS about:**
        - slicing grids

        **This lesson is NOT about:**
        - masks (lesson 4: masking)
        - joining tensors
        """
    ).scope
    assert scope is not None
    assert (scope.is_line, scope.not_line) == (5, 8)
    assert [i.text for i in scope.is_items] == ["slicing grids"]
    deferral = scope.not_items[0].deferral
    assert deferral is not None and (deferral.kind, deferral.number, deferral.slug) == ("lesson", "4", "masking")
    assert scope.not_items[1].deferral is None


def test_checklist_groups_and_lines() -> None:
    plan = plan_of(
        """
        # Lesson: x (Module 1.1, Lesson 1)

        ## Checklists
        ### Prerequisite Audit
        - [x] every source cited
        ### Pedagogical Design
        - [ ] three misconceptions
        - not a checklist item
        """
    )
    assert [(c.line, c.checked, c.group) for c in plan.checklist] == [
        (5, True, "Prerequisite Audit"), (7, False, "Pedagogical Design"),
    ]


def test_review_sections_are_not_plan_parts() -> None:
    plan = plan_of(
        """
        # Lesson: x (Module 1.1, Lesson 1)

        ## Review — 2026-02-09 (Iteration 1/3)
        ### Misconceptions Table
        | Misconception | Negative Example |
        |---|---|
        | a | b |
        """
    )
    assert "misconceptions" not in plan.sections
    assert len(plan.reviews) == 1


@pytest.mark.parametrize(
    ("source", "closed"),
    [
        ("```\ncode\n```\n", True),
        ("```\n```\n", True),
        ("```\ncode\n`````\n", True),  # a longer closing fence closes
        ("~~~\ncode\n~~~  \n", True),  # trailing spaces after the closing fence
        ("> ```\n> code\n> ```\n", True),  # inside a blockquote
        ("```\n", False),
        ("````\ncode\n```\n", False),  # a shorter fence does not close
        ("```\ncode\n```python\n", False),  # a fence with an info string cannot close
    ],
)
def test_fence_closed_flag(source: str, closed: bool) -> None:
    fences = [b for b in parse_markdown(source).root.all_blocks() if isinstance(b, CodeFence)]
    assert [f.closed for f in fences] == [closed]


def test_tables_and_fences_inside_list_items_are_kept() -> None:
    doc = parse_markdown(
        "# T\n\n- item\n\n  | a | b |\n  |---|---|\n  | 1 | 2 |\n\n- code\n\n  ```python\n  x = 1\n  ```\n"
    )
    title = doc.title
    assert title is not None
    tables = title.tables()
    assert [(t.line, t.header, [r.line for r in t.rows]) for t in tables] == [(5, ["a", "b"], [7])]
    fences = [b for b in title.all_blocks() if isinstance(b, CodeFence)]
    assert [(f.line, f.info, f.content) for f in fences] == [(11, "python", "x = 1\n")]
