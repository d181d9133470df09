"""Planning-document structure: parts, columns, readable values (P1xx)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from curriculum_cli.findings import Issue, Severity
from curriculum_cli.model.aliases import COLUMNS
from curriculum_cli.model.curriculum import PlanDocument
from curriculum_cli.model.plan import DepthCell
from curriculum_cli.parse.markdown import words
from curriculum_cli.rules.base import rule

#: Parts every planning document must have: part -> how to name it in a message.
REQUIRED_PARTS: dict[str, str] = {
    "concepts": "### Relevant Concepts the Student Has (Phase 1 table)",
    "target_concept": "### Target Concept",
    "prerequisites": "### Prerequisites Table",
    "misconceptions": "### Misconceptions Table",
    "examples": "### Examples Planned",
    "narrative": "### Narrative Arc",
    "modalities": "### Modalities Planned",
    "cognitive_load": "### Cognitive Load Assessment",
    "scope": "### Scope Boundaries",
    "checklists": "## Checklists",
}

#: Table part -> column roles it must have (names per role in ``aliases.COLUMNS``).
REQUIRED_COLUMNS: dict[str, tuple[str, ...]] = {
    "concepts": ("concept", "depth", "source"),
    "prerequisites": ("concept", "required", "actual", "source", "status"),
    "misconceptions": ("misconception", "negative"),
    "examples": ("example", "type"),
    "modalities": ("modality", "why"),
}

_DEPTHS = "MENTIONED, INTRODUCED, DEVELOPED or APPLIED"


@rule(
    "P100", "unreadable-header", Severity.IMPROVEMENT,
    impact="The tool (and the next author) cannot tell which lesson this is or where it sits in the course.",
)
def unreadable_header(target: PlanDocument) -> Iterator[Issue]:
    """The document has no lesson title line, or its title is in no known form.

    Accepted titles: ``# Lesson: <title or slug> (Module 2.1, Lesson 2)`` (the
    parenthetical is optional), ``# Lesson Plan: <title>``, ``# Lesson
    Planning: <title>``, ``# Lesson 2: <title> (slug) -- Planning Document`` and
    ``# slug -- Lesson Planning Document``.  A human title is a title: the slug
    is then ``**Slug:**`` or the file name; the module is in the title,
    ``**Module:**`` or the folder; the number is in the title, ``**Position:**
    Lesson N of M``, ``**Lesson:** N of M`` or the module plan's row.
    """
    for problem in target.plan.problems:
        if problem.code == "P100":
            yield Issue(problem.message, problem.line, fix=problem.fix, subject="title")


@rule(
    "P101", "missing-part", Severity.IMPROVEMENT,
    impact="A planning step was skipped, so the lesson is built without the analysis that part records.",
)
def missing_part(target: PlanDocument) -> Iterator[Issue]:
    """A required part of the planning document is missing.

    Required: the Phase 1 concepts table, target concept, prerequisites,
    misconceptions, examples, narrative arc, modalities, cognitive load,
    scope boundaries and the checklists.  A part is recognized under any
    heading level, as a bold label (``**Target concept:** ...``) or, for
    tables, by its columns; older names (``### Misconceptions Addressed``,
    ``### Examples Used``, ``### Modalities Used``, ``### Cognitive Load``,
    ``### Prerequisites``) are accepted.  Run ``curriculum parse FILE`` to see
    what was recognized.
    """
    plan = target.plan
    if not plan.sections and not plan.header.slug:
        yield Issue(
            "no planning-document parts found (is this a planning document?)", 1,
            fix="start from the planning-document template in FORMAT.md section 3", subject="document",
        )
        return
    if plan.header.type is None and plan.header.type_raw is None:
        yield Issue("missing '**Type:**' line", plan.header.line or 1, fix="add '**Type:** BUILD|STRETCH|CONSOLIDATE' under the title", subject="type")
    for part, title in REQUIRED_PARTS.items():
        if part not in plan.sections:
            # Older documents of the pipeline have no checklists (census: 23 of 102): cosmetic there.
            severity = Severity.POLISH if part == "checklists" else None
            yield Issue(
                f"missing part: {title}", plan.header.line or 1, fix=f"add a '{title}' section", subject=part,
                severity=severity,
            )


@rule(
    "P102", "missing-column", Severity.IMPROVEMENT,
    impact="Without the column the table cannot carry the information the pipeline checks.",
)
def missing_column(target: PlanDocument) -> Iterator[Issue]:
    """A planning table lacks a column the format requires.

    Phase 1: ``Concept | Depth | Source``; prerequisites: ``Concept | Required
    Depth | Actual Depth | Source Lesson | Status``; misconceptions:
    ``Misconception | ... | Negative Example ...``; examples: ``Example |
    Type``; modalities: ``Modality | ... | Why ...`` (or ``Rationale``).
    Every accepted name of a column is in ``aliases.COLUMNS``.
    """
    for part, roles in REQUIRED_COLUMNS.items():
        table = target.plan.tables.get(part)
        if table is None:
            continue
        lowered = [" ".join(words(cell)) for cell in table.header]
        for role in roles:
            names = COLUMNS[part][role]
            if not any(any(f" {' '.join(words(name))} " in f" {cell} " for name in names) for cell in lowered):
                yield Issue(
                    f"{part} table has no '{names[0].title()}' column (header: {' | '.join(table.header)})",
                    table.line, fix=f"add a '{names[0].title()}' column", subject=f"{part}:{names[0]}",
                )


@rule(
    "P103", "ragged-table-row", Severity.POLISH,
    impact="Cells shift into the wrong columns, so the row says something other than intended.",
)
def ragged_table_row(target: PlanDocument) -> Iterator[Issue]:
    """A table row has more or fewer cells than its header.

    Usually an unescaped ``|`` inside a cell (write ``\\|``) or a missing
    cell.  Cells are counted on the source line as a Markdown renderer
    splits it: an unescaped ``|`` inside a code span (`` `a | b` ``) splits
    the row too.  The row is still read, cell by cell, from the left.
    """
    for problem in target.plan.problems:
        if problem.code == "P103":
            yield Issue(problem.message, problem.line, fix=problem.fix, subject=f"row:{problem.line}")


def _bad_depth(cell: DepthCell, allow_missing: bool) -> bool:
    if cell.depth is not None:
        return False
    return not (allow_missing and cell.kind is not None)


@rule(
    "P104", "invalid-depth", Severity.IMPROVEMENT,
    impact="An unreadable depth cannot be traced, so a gap in what the student knows can hide here.",
)
def invalid_depth(target: PlanDocument) -> Iterator[Issue]:
    """A depth value is not one of MENTIONED, INTRODUCED, DEVELOPED, APPLIED.

    Case, qualifiers (``DEVELOPED (from 1.3)``, ``REVISITED (DEVELOPED)``),
    several levels (``DEVELOPED / INTRODUCED``: the first counts) and raises
    (``INTRODUCED -> DEVELOPED`` or ``→``) are accepted.  A Phase 1 depth or an
    Actual Depth may also say the concept is absent (``MISSING``, ``NOT
    TAUGHT``, ``--``), assumed (``Assumed``, ``assumed (background)``) or seen
    again (``REINFORCED``); a Required Depth must be a level.
    """
    plan = target.plan
    for concept in plan.concepts:
        if _bad_depth(concept.depth, allow_missing=True):
            yield Issue(
                f"depth {concept.depth.raw!r} of {concept.name!r} is not {_DEPTHS}", concept.line,
                fix=f"write one of {_DEPTHS}", subject=concept.name,
            )
    for prereq in plan.prerequisites:
        if _bad_depth(prereq.required, allow_missing=False):
            yield Issue(
                f"required depth {prereq.required.raw!r} of {prereq.concept!r} is not {_DEPTHS}", prereq.line,
                fix=f"write one of {_DEPTHS}", subject=prereq.concept,
            )
        if _bad_depth(prereq.actual, allow_missing=True):
            yield Issue(
                f"actual depth {prereq.actual.raw!r} of {prereq.concept!r} is not {_DEPTHS}", prereq.line,
                fix=f"write one of {_DEPTHS} (or MISSING with Status GAP)", subject=prereq.concept,
            )


@rule(
    "P105", "invalid-type", Severity.IMPROVEMENT,
    impact="The lesson-type rhythm (no STRETCH after STRETCH) cannot be checked.",
)
def invalid_type(target: PlanDocument) -> Iterator[Issue]:
    """A lesson type is not BUILD, STRETCH, CONSOLIDATE or PROJECT.

    Checked on ``**Type:**`` and on the types named in the Previous and Next
    lesson lines (``tensors (BUILD)``).
    """
    header = target.plan.header
    if header.type_raw is not None and header.type is None:
        yield Issue(
            f"**Type:** {header.type_raw!r} is not BUILD, STRETCH, CONSOLIDATE or PROJECT", header.type_line,
            fix="write one of BUILD, STRETCH, CONSOLIDATE, PROJECT", subject="type",
        )
    for ref in (header.previous, header.next):
        if ref is not None and ref.slug and re.search(r"\(\s*[A-Za-z]+\s*\)", ref.raw) and ref.type is None:
            yield Issue(
                f"lesson type in {ref.raw!r} is not BUILD, STRETCH, CONSOLIDATE or PROJECT", ref.line,
                fix="write the neighbour as 'slug (BUILD)'", subject=f"ref:{ref.slug}",
            )
