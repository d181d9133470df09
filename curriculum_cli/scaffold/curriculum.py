"""A minimal curriculum in the reference layout (``curriculum init curriculum DIR``).

One series, one module with its plan and record, one complete planning
document.  The example lesson is short but real, so that the fresh
curriculum checks clean and shows every part of the format filled in; the
author renames and rewrites it.
"""

from __future__ import annotations

from pathlib import Path

from curriculum_cli.errors import CurriculumError
from curriculum_cli.load.curriculum import ROOT_MARKERS
from curriculum_cli.load.files import atomic_write

CONFIG = """\
# curriculum configuration: every key is optional; `curriculum config` prints the resolved values.
fail_on: improvement        # lowest severity that makes `curriculum check` exit 1
ignore: []                  # rule codes or prefixes never reported, e.g. [C103]
per_file_ignores: {}        # glob -> codes, e.g. {"**/notebooks/*.ipynb": [C203]}
exec:
  timeout: 30               # seconds per code block
"""

COURSE = """\
# Course: Python lists, from literals to loops

**Status:** PLANNED
**Audience:** people who have written a few lines of Python (variables, `print()`) and never used a list.
**Outcome:** the student stores a series of values in a list and reads any of them back by position.

## Series

| # | Series | Modules | Lessons | Status |
|---|--------|---------|---------|--------|
| 1 | Lists | 1 | 1 | PLANNED |

## Modules

| Module | Title | Series | Lessons | Goal | Status |
|--------|-------|--------|---------|------|--------|
| 1.1 | Storing values | 1 | 1 | Keep many values in one list and read them back by position | PLANNED |
"""

SERIES = """\
# Series 1: Lists — Plan

**Status:** PLANNED

## Series Goal

Take a student who knows single variables to one who keeps many values in a
list and reads them back by position.

## Modules

| Module | Title | Lessons | Core Idea | Status |
|--------|-------|---------|-----------|--------|
| 1.1 | Storing values | list-indexing | A list keeps values in order; a position reads one back | PLANNED |

## Lessons

| Lesson | Module | Slug | Type | Status |
|--------|--------|------|------|--------|
| 1 | 1.1 | list-indexing | BUILD | PLANNED |
"""

MODULE_PLAN = """\
# Module 1.1: Storing values — Plan

**Status:** PLANNED

## Module Goal

The student keeps several values in one list and reads any of them back by
its position, counting from zero.

## Narrative Arc

Five temperatures in five variables are already awkward; a hundred would be
impossible. The module replaces the pile of variables with one list and
shows how to get each value back.

## Lesson Sequence

| # | Slug | Core Concept | Type | Rationale for Position | Status |
|---|------|--------------|------|------------------------|--------|
| 1 | list-indexing | A list literal and reading by position from zero | BUILD | Needs only variables and `print()` | PLANNED |

## Cognitive Load Trajectory

```
list-indexing    BUILD    3 new concepts, each with a counterpart in single variables
```

## Module-Level Misconceptions

- **"The first item is at position 1."** Addressed in list-indexing.
"""

MODULE_RECORD = """\
# Module 1.1: Storing values — Record

**Goal:** The student keeps several values in one list and reads them back by position.
**Status:** PLANNED (0 of 1 lessons recorded)

## Concept Index

| Concept | Depth | Lesson | Notes |
|---------|-------|--------|-------|

## Per-Lesson Summaries
"""

LESSON = """\
# Lesson: list-indexing (Module 1.1, Lesson 1)

**Type:** BUILD
**Previous lesson:** none
**Next lesson:** none

---

## Phase 1: Student State (Orient)

### Relevant Concepts the Student Has

| Concept | Depth | Source | Notes |
|---------|-------|--------|-------|
| Variables and assignment | DEVELOPED | prior knowledge | `today = 21` stores one value under one name |
| Printing values | DEVELOPED | prior knowledge | `print(today)` shows a value |

### Mental Models Already Established

- **"A variable is a labelled box holding one value."**

### What Was Explicitly NOT Covered (Relevant Here)

- Nothing from this course yet: this is the first lesson.

### Readiness Assessment

Ready. The lesson only needs variables and `print()`, which the audience
already uses; each new idea is a small step from a single variable.

---

## Phase 2: Analyze

### Target Concept

The student writes a list literal of a week's temperatures, reads any day
back with a zero-based index, and reads the last day with index `-1`.

### Prerequisites Table

| Concept | Required Depth | Actual Depth | Source Lesson | Status | Reasoning |
|---------|---------------|-------------|---------------|--------|-----------|
| Variables and assignment | DEVELOPED | DEVELOPED | prior knowledge | OK | A list is stored in a variable like any value |
| Printing values | INTRODUCED | DEVELOPED | prior knowledge | OK | Every example prints what it reads |

**Gap resolution:** No gaps.

### Misconceptions Table

| Misconception | Why They'd Think This | Negative Example That Disproves It | Where to Address |
|---------------|----------------------|-----------------------------------|-----------------|
| **The first item is at position 1** | People count from one | `temps[1]` prints Tuesday's value, not Monday's | Section "Positions start at zero" |
| **The last index equals the length** | A week has 7 days | `temps[7]` raises `IndexError` | Section "Positions start at zero" |
| **A list copies its values into new boxes each time it is read** | Reading a variable looks like taking something out | Reading `temps[0]` twice prints the same value and leaves the list unchanged | Section "Reading does not remove" |

### Examples Planned

| Example | Type | Purpose | Why This Example |
|---------|------|---------|-----------------|
| **A week of temperatures** | Positive | The literal and reading one day | Seven values are too many for seven variables |
| **The last day with `-1`** | Positive | Negative indices count from the end | Avoids computing the length |
| **`temps[7]`** | Negative | The highest index is one less than the length | The error message names the problem |

---

## Phase 3: Design

### Narrative Arc

A week of temperatures kept in seven variables is tedious to write and
impossible to loop over later. One list holds all seven; the lesson then
answers the question that follows at once: how do I get Wednesday back?

### Modalities Planned

| Modality | What Specifically | Why This Modality for This Concept |
|----------|------------------|------------------------------------|
| **Code with printed output** | Print single days from the week | The student sees each index produce its value |
| **Diagram** | A row of seven boxes labelled 0 to 6 above and -7 to -1 below | Both numberings of the same positions at a glance |
| **Prediction** | Predict `temps[1]` before running it | Surfaces the count-from-one habit before it bites |

### Cognitive Load Assessment

- **New concepts in this lesson:** 3
  1. A list literal holding several values in order
  2. Reading a value by its zero-based index
  3. Negative indices counting from the end
- **Previous lesson load:** none
- **This lesson's load:** BUILD
- **Assessment:** Three small concepts, each with a counterpart in single variables; right for a first lesson.

### Connections to Prior Concepts

| Prior Concept | How It Connects |
|--------------|-----------------|
| Variables and assignment | A list is one value stored in one variable |
| Printing values | Every read is printed to check it |

### Scope Boundaries

**This lesson IS about:**
- writing a list literal
- reading one value by a positive or negative index

**This lesson is NOT about:**
- changing a list (a later module)
- slicing (a later module)

**Target depth:** all three concepts at DEVELOPED.

### Lesson Outline

#### 1. Context + Constraints
Seven temperatures, one list; no changes to the list yet.

#### 2. Positions start at zero
The literal, `temps[0]`, the prediction for `temps[1]`, and `temps[7]`.

#### 3. Counting from the end
`temps[-1]` and the two-row diagram.

#### 4. Reading does not remove
Reading the same position twice.

#### 5. Next Step
Changing a value in place.

---

## Checklists

### Prerequisite Audit
- [x] Every assumed concept listed with required depth
- [x] Each traced via the records, or marked prior knowledge
- [x] Depth match verified for each
- [x] No untaught concepts remain
- [x] All gaps have explicit resolution plans (no gaps found)

### Pedagogical Design
- [x] Narrative motivation stated as a coherent paragraph (problem before solution)
- [x] At least 3 modalities planned for the core concept (3 planned), each with rationale
- [x] At least 2 positive examples + 1 negative example (2 positive + 1 negative)
- [x] At least 3 misconceptions identified with negative examples (3 identified)
- [x] Cognitive load = 3 new concepts
- [x] Every new concept connected to at least one existing concept
- [x] Scope boundaries explicitly stated
"""

#: Files written, relative to the new curriculum's folder.
FILES: dict[str, str] = {
    "curriculum.yaml": CONFIG,
    "course.md": COURSE,
    "series-1/plan.md": SERIES,
    "series-1/module-1-1/plan.md": MODULE_PLAN,
    "series-1/module-1-1/record.md": MODULE_RECORD,
    "series-1/module-1-1/lessons/list-indexing.md": LESSON,
}


def init_curriculum(folder: Path) -> list[Path]:
    """Write the minimal curriculum into ``folder`` (created if missing); refuse to overwrite anything."""
    if folder.exists() and not folder.is_dir():
        raise CurriculumError(f"{folder}: exists and is not a folder")
    marker = next((folder / name for name in ROOT_MARKERS if (folder / name).exists()), None)
    if marker is not None:
        raise CurriculumError(f"{marker}: already exists; {folder} is a curriculum already, nothing written")
    targets = [folder / name for name in FILES]
    existing = [path for path in targets if path.exists()]
    if existing:
        raise CurriculumError(f"{existing[0]}: already exists; nothing written")
    for path, text in zip(targets, FILES.values()):
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, text)
    return targets
