"""The readers accept every form a real course writes (titles, module plans, labels, columns)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from curriculum_cli.cli import app
from curriculum_cli.config import Config, ExecConfig
from curriculum_cli.load.curriculum import load_curriculum
from curriculum_cli.model.build_plan import build_plan
from curriculum_cli.model.module_plan import build_module_plan
from curriculum_cli.parse.markdown import parse_markdown


def _plan(text: str, path: str = "lessons/file-stem.md"):
    return build_plan(parse_markdown(text, path))


@pytest.mark.parametrize(
    ("title", "form", "slug", "module", "number"),
    [
        ("# Lesson: list-slicing (Module 1.2, Lesson 3)", "lesson-title", "list-slicing", "1.2", 3),
        ("# Lesson: Slicing Lists Without Fear", "lesson-title", "file-stem", None, None),
        ("# Lesson: Slicing Lists (Module 1.2, Lesson 3)", "lesson-title", "file-stem", "1.2", 3),
        ("# Lesson Plan: Slicing Lists", "lesson-plan", "file-stem", None, None),
        ("# Lesson Planning: Slicing Lists", "lesson-plan", "file-stem", None, None),
        ("# Lesson 3: Slicing Lists (list-slicing) -- Planning Document", "numbered-planning-document", "list-slicing", None, 3),
        ("# list-slicing -- Lesson Planning Document", "slug-planning-document", "list-slicing", None, None),
        ("# list-slicing — Lesson Planning Document", "slug-planning-document", "list-slicing", None, None),
    ],
)
def test_title_forms(title: str, form: str, slug: str, module: str | None, number: int | None) -> None:
    header = _plan(title + "\n").header
    assert (header.title_form, header.slug, header.module_id, header.lesson_number) == (form, slug, module, number)
    assert not [p for p in _plan(title + "\n").problems if p.code == "P100"]


def test_slug_module_and_position_labels() -> None:
    header = _plan(
        "# Lesson: Slicing Lists\n\n**Slug:** `list-slicing`\n**Module:** 1.2 (Sequences)\n"
        "**Position:** Lesson 3 of 5\n**Type:** BUILD\n"
    ).header
    assert (header.slug, header.slug_from, header.module_id, header.lesson_number, header.lesson_count) == (
        "list-slicing", "slug label", "1.2", 3, 5,
    )
    assert header.position_line == 5
    other = _plan("# Lesson: Slicing Lists\n\n**Lesson:** 2 of 4\n").header
    assert (other.lesson_number, other.lesson_count) == (2, 4)


def test_a_title_that_is_no_lesson_title_is_p100() -> None:
    plan = _plan("# Slicing lists without fear\n")
    assert [p.code for p in plan.problems] == ["P100"]


@pytest.mark.parametrize(
    ("lines", "kind", "medium"),
    [
        (["**Type:** Hands-on notebook", "**Cognitive load:** STRETCH"], "STRETCH", "Hands-on notebook"),
        (["**Type:** Conceptual lesson with a widget", "**Load Type:** BUILD"], "BUILD", "Conceptual lesson with a widget"),
        (["**Cognitive load type:** CONSOLIDATE"], "CONSOLIDATE", None),
        (["**Type:** Build (first contact)"], "BUILD", None),
        (["**Load Type:** CONSOLIDATE / PROJECT"], "CONSOLIDATE", None),
    ],
)
def test_type_declarations(lines: list[str], kind: str, medium: str | None) -> None:
    header = _plan("# Lesson: x\n\n" + "\n".join(lines) + "\n").header
    assert (header.type.value if header.type else None, header.medium) == (kind, medium)


def test_medium_type_takes_the_load_from_phase_3() -> None:
    plan = _plan(
        "# Lesson: x\n\n**Type:** Hands-on notebook\n\n## Phase 3: Design\n\n### Cognitive Load\n\n"
        "- **New concepts in this lesson:** 1\n- **This lesson's load:** BUILD\n"
    )
    assert plan.header.type is not None and plan.header.type.value == "BUILD"
    assert plan.header.medium == "Hands-on notebook"


SEQUENCE = """# Module 3.1: Sorting — Plan

## Lesson Sequence with Rationale

| Lesson | Core Concept | Type | Rationale for Position |
|--------|--------------|------|------------------------|
| zebra-sort | swaps | BUILD | first |
| `apple-sort` | merging | STRETCH | second |
| mango-sort | stability | CONSOLIDATE / PROJECT | last |
"""


def test_module_plan_without_number_column_is_in_row_order() -> None:
    plan = build_module_plan(parse_markdown(SEQUENCE, "plan.md"))
    assert [(e.slug, e.number) for e in plan.entries] == [("zebra-sort", 1), ("apple-sort", 2), ("mango-sort", 3)]
    assert plan.numbered is False
    assert plan.entries[2].type is not None and plan.entries[2].type.value == "CONSOLIDATE"


def test_curriculum_order_follows_the_rows(tmp_path: Path) -> None:
    (tmp_path / "course.md").write_text("# Course\n")
    module = tmp_path / "series-3" / "module-3-1"
    (module / "lessons").mkdir(parents=True)
    (module / "plan.md").write_text(SEQUENCE)
    for slug in ("zebra-sort", "apple-sort", "mango-sort"):
        (module / "lessons" / f"{slug}.md").write_text(f"# Lesson: {slug.title()}\n")
    curriculum = load_curriculum(tmp_path, Config(exec=ExecConfig(enabled=False)))
    assert [(x.slug, x.number) for x in curriculum.lessons] == [("zebra-sort", 1), ("apple-sort", 2), ("mango-sort", 3)]


def test_parse_names_the_alias_it_matched(tmp_path: Path) -> None:
    doc = tmp_path / "x.md"
    doc.write_text(
        "# Lesson: x\n\n## Phase 1: Orient -- Student State\n\n### Prerequisites\n\n"
        "| Concept | Required Depth | Actual Depth | Source | Status | Reasoning |\n|---|---|---|---|---|---|\n"
        "| a | INTRODUCED | INTRODUCED | y (1.1) | OK | r |\n\n**Gap resolution:** none needed\n"
    )
    runner = CliRunner()
    text = runner.invoke(app, ["parse", str(doc)])
    assert text.exit_code == 0
    assert "heading 'prerequisites'" in text.output and "label 'gap resolution'" in text.output
    data = json.loads(runner.invoke(app, ["parse", str(doc), "--format", "json"]).output)
    assert data["matched"]["phase1"] == "heading 'phase 1'"


#: Every heading variant the census counts for a part the rules read, with that part.
HEADINGS = {
    "phase1": [
        "Phase 1: Orient — Student State", "Phase 1: Student State (Orient)", "Phase 1: Orient (Student State)",
        "Phase 1: Orient -- Student State", "Phase 1: Student State", "Phase 1: Orient", "Phase 1: Orient --- Student State",
    ],
    "phase2": ["Phase 2: Analyze", "Phase 2: Analysis"],
    "phase3": ["Phase 3: Design", "Design"],
    "concepts": [
        "Relevant Concepts the Student Has", "Relevant Concepts with Depths", "Relevant concepts the student has",
        "Relevant Concepts", "Relevant Concepts (from records)", "Relevant Concepts (with depths and sources)",
        "Relevant Concepts with Depths and Sources", "Relevant Concepts With Depths",
        "Relevant concepts the student has, with depths and sources",
    ],
    "mental_models": [
        "Mental Models Already Established", "Mental Models and Analogies Already Established",
        "Established Mental Models and Analogies", "Mental Models Established",
        "Mental models and analogies already established", "Established Mental Models", "Mental models already established",
    ],
    "not_covered": [
        "What Was Explicitly NOT Covered", "What was explicitly NOT covered in prior lessons (relevant here)",
        "What Was Explicitly NOT Covered (Relevant Here)", "What Was NOT Covered",
        "What Was Explicitly NOT Covered That Is Relevant Here", "What Was Explicitly NOT Covered in Prior Lessons",
        "What Was NOT Covered (Relevant Gaps)", "What was explicitly NOT covered",
        "What Was Explicitly NOT Covered (Relevant to This Lesson)", "What Was NOT Covered That Is Relevant Here",
        "What Was NOT Covered That's Relevant Here", "What Was NOT Covered in Prior Lessons That Is Relevant",
    ],
    "readiness": ["Readiness Assessment", "Readiness assessment"],
    "target_concept": ["Target Concept", "Target concept"],
    "prerequisites": ["Prerequisites Table", "Prerequisites", "Prerequisites table"],
    "gap_resolution": ["Gap Resolution", "Gap resolution"],
    "misconceptions": ["Misconceptions Table", "Misconceptions Addressed", "Misconceptions table"],
    "examples": ["Examples Planned", "Examples Used", "Examples planned"],
    "modalities": ["Modalities Planned", "Modalities Used", "Modalities planned", "Modality Coverage for New Sections"],
    "cognitive_load": [
        "Cognitive Load Assessment", "Cognitive Load", "Cognitive load assessment", "Cognitive Load Reassessment",
    ],
    "connections": ["Connections to Prior Concepts", "Connections to prior concepts"],
    "scope": ["Scope Boundaries", "Scope boundaries"],
    "narrative": ["Narrative Arc", "Narrative arc"],
    "outline": ["Lesson Outline", "Lesson outline"],
    "checklists": ["Checklists", "Planning Checklists", "Design Checklists", "Planning Checklist"],
    "built": ["What Was Actually Built", "Depth Changes After This Lesson"],
    "improvement_summary": ["Improvement Summary — 2026-01-02"],
}


@pytest.mark.parametrize(
    ("heading", "part"), [(h, part) for part, headings in HEADINGS.items() for h in headings]
)
def test_every_census_heading_names_its_part(heading: str, part: str) -> None:
    from curriculum_cli.model.build_plan import part_of

    assert part_of(heading) == part


@pytest.mark.parametrize(
    ("label", "part"),
    [
        ("Target concept", "target_concept"), ("Gap resolution", "gap_resolution"),
        ("Readiness assessment", "readiness"), ("Mental models and analogies already established", "mental_models"),
        ("Mental models already established", "mental_models"), ("Relevant concepts the student has", "concepts"),
        ("What was explicitly NOT covered in prior lessons (relevant here)", "not_covered"),
        ("NOT covered in prior lessons (relevant here)", "not_covered"), ("Cognitive load assessment", "cognitive_load"),
    ],
)
def test_bold_labels_name_their_part(label: str, part: str) -> None:
    plan = _plan(f"# Lesson: x\n\n## Phase 2: Analyze\n\n**{label}:** some text\n")
    assert part in plan.sections and plan.matched[part].startswith("label")


@pytest.mark.parametrize(
    ("cell", "depth", "kind"),
    [
        ("DEVELOPED (assumed)", "DEVELOPED", "assumed"), ("DEVELOPED/APPLIED", "DEVELOPED", None),
        ("DEVELOPED / INTRODUCED", "DEVELOPED", None), ("REVISITED (DEVELOPED)", "DEVELOPED", None),
        ("GAP (MENTIONED)", "MENTIONED", None), ("MISSING", None, "absent"), ("NOT TAUGHT", None, "absent"),
        ("Not explicitly taught", None, "absent"), ("NOT EXPLICIT", None, "absent"), ("--", None, "absent"),
        ("—", None, "absent"), ("Assumed", None, "assumed"), ("assumed (SWE background)", None, "assumed"),
        ("REINFORCED", None, "unrated"), ("ESTABLISHED", None, "unrated"), ("FAMILIAR", None, None),
    ],
)
def test_census_depth_cells(cell: str, depth: str | None, kind: str | None) -> None:
    from curriculum_cli.model.depth import parse_depth

    value = parse_depth(cell)
    assert (value.depth.name if value.depth else None, value.kind) == (depth, kind)


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [("3", 3, 3), ("2-3", 2, 3), ("2 to 3", 2, 3), ("Two", 2, 2), ("zero", 0, 0), ("None (all review)", 0, 0),
     ("3 genuinely new concepts", 3, 3), ("2 (slicing, views)", 2, 2), ("a few", None, None)],
)
def test_new_concept_counts(text: str, low: int | None, high: int | None) -> None:
    from curriculum_cli.model.build_plan import read_count

    assert read_count(text) == (low, high)


@pytest.mark.parametrize(
    ("cell", "cites"),
    [
        ("tensors (2.1)", [("tensors", "2.1", None)]),
        ("tensors (2.1.1)", [("tensors", "2.1", 1)]),
        ("2.1.1 (tensors)", [("tensors", "2.1", 1)]),
        ("`tensors` (2.1)", [("tensors", "2.1", None)]),
        ("Computational Graphs (1.3)", [("Computational Graphs", "1.3", None)]),
        ("a-b (1.1), c-d (1.2)", [("a-b", "1.1", None), ("c-d", "1.2", None)]),
        ("prior knowledge", [(None, None, None)]),
    ],
)
def test_citation_forms(cell: str, cites: list[tuple[str | None, str | None, int | None]]) -> None:
    from curriculum_cli.model.build_plan import parse_citations

    assert [(c.slug, c.module_id, c.lesson_number) for c in parse_citations(cell)] == cites


def test_a_series_plan_orders_a_module_without_sequence(tmp_path: Path) -> None:
    (tmp_path / "course.md").write_text("# Course\n")
    (tmp_path / "series-4").mkdir()
    (tmp_path / "series-4" / "plan.md").write_text(
        "# Series 4 — Plan\n\n| Module | Title | Lessons | Status |\n|---|---|---|---|\n| 4.1 | Sorting | zebra-sort, apple-sort | PLANNED |\n"
    )
    lessons = tmp_path / "series-4" / "module-4-1" / "lessons"
    lessons.mkdir(parents=True)
    for slug in ("apple-sort", "zebra-sort"):
        (lessons / f"{slug}.md").write_text(f"# Lesson: {slug.title()}\n")
    curriculum = load_curriculum(tmp_path, Config(exec=ExecConfig(enabled=False)))
    assert [(x.slug, x.number) for x in curriculum.lessons] == [("zebra-sort", 1), ("apple-sort", 2)]


@pytest.mark.parametrize(
    "body",
    [
        "#### 1. Hook\n\ntext\n\n#### 2. Explain\n\ntext\n",
        "1. **Hook** a name tag\n2. **Explain** the rule\n",
        "**1. Hook:** a name tag\n\n**2. Explain:** the rule\n",
    ],
)
def test_outline_step_forms(body: str) -> None:
    plan = _plan("# Lesson: x\n\n## Phase 3: Design\n\n### Lesson Outline\n\n" + body)
    assert [(s.number, s.title) for s in plan.outline] == [(1, "Hook"), (2, "Explain")]


@pytest.mark.parametrize(
    ("cell", "status"),
    [("OK", "OK"), ("OK (assumed)", "OK"), ("✅ OK", "OK"), ("Met", "OK"), ("GAP", "GAP"), ("**GAP** (small)", "GAP"),
     ("Partial", "GAP"), ("Resolved in section 2", "GAP"), ("Unclear", "UNCLEAR")],
)
def test_prerequisite_status_words(cell: str, status: str) -> None:
    from curriculum_cli.rules.plan_analysis import _status

    assert _status(cell) == status
