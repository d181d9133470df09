"""A planning-document skeleton for one lesson of a module plan (``curriculum init lesson``)."""

from __future__ import annotations

from pathlib import Path

from curriculum_cli.errors import CurriculumError
from curriculum_cli.load.files import atomic_write
from curriculum_cli.model.curriculum import Curriculum, Lesson, slug_key
from curriculum_cli.model.depth import Depth
from curriculum_cli.model.record import RecordRow, concept_key

SKELETON = """\
# Lesson: {slug} (Module {module}, Lesson {number})

**Type:** {type}
**Previous lesson:** {previous}
**Next lesson:** {next}

---

## Phase 1: Student State (Orient)

### Relevant Concepts the Student Has

<!-- From the module records: every concept an earlier lesson taught, at the deepest depth recorded.
     Delete the rows this lesson does not rely on; add prior knowledge with Source "prior knowledge". -->

| Concept | Depth | Source | Notes |
|---------|-------|--------|-------|
{concepts}

### Mental Models Already Established

<!-- Bullets: the mental models earlier lessons built that this one relies on. -->

### What Was Explicitly NOT Covered (Relevant Here)

<!-- Bullets: what earlier lessons deferred that matters here, and where it was deferred to. -->

### Readiness Assessment

<!-- A paragraph: is the student ready for this lesson, and why? -->

---

## Phase 2: Analyze

### Target Concept

<!-- A paragraph: what the student can do at the end of this lesson. -->

### Prerequisites Table

| Concept | Required Depth | Actual Depth | Source Lesson | Status | Reasoning |
|---------|----------------|--------------|---------------|--------|-----------|

**Gap resolution:** <!-- how each GAP above is closed, or "No gaps." -->

### Misconceptions Table

<!-- At least 3, each with a negative example that disproves it. -->

| Misconception | Why They'd Think This | Negative Example That Disproves It | Where to Address |
|---------------|-----------------------|------------------------------------|------------------|

### Examples Planned

<!-- At least 2 positive and 1 negative example (Type starts with Positive or Negative). -->

| Example | Type | Purpose | Why This Example |
|---------|------|---------|------------------|

---

## Phase 3: Design

### Narrative Arc

<!-- A paragraph: the problem before the solution. -->

### Modalities Planned

<!-- At least 3 for the core concept, each with its reason. -->

| Modality | What Specifically | Why This Modality for This Concept |
|----------|-------------------|------------------------------------|

### Cognitive Load Assessment

- **New concepts in this lesson:** 0
- **Previous lesson load:** {previous_type}
- **This lesson's load:** {type}
- **Assessment:** <!-- at most 3 new concepts; say why this load fits here -->

### Connections to Prior Concepts

| Prior Concept | How It Connects |
|---------------|-----------------|

### Scope Boundaries

**This lesson IS about:**
<!-- bullets -->

**This lesson is NOT about:**
<!-- bullets, each with where it is deferred to: "(lesson 3: slug)" -->

**Target depth:** <!-- the depth each new concept reaches -->

### Lesson Outline

#### 1. Context + Constraints

#### 2. Hook

#### 3. Explain

#### 4. Check

#### 5. Summarize

#### 6. Next Step

---

## Checklists

### Prerequisite Audit
- [ ] Every assumed concept listed with required depth
- [ ] Each traced via the records, or marked prior knowledge
- [ ] Depth match verified for each
- [ ] No untaught concepts remain
- [ ] All gaps have explicit resolution plans

### Pedagogical Design
- [ ] Narrative motivation stated as a coherent paragraph (problem before solution)
- [ ] At least 3 modalities planned for the core concept, each with rationale
- [ ] At least 2 positive examples + 1 negative example
- [ ] At least 3 misconceptions identified with negative examples
- [ ] Cognitive load of at most 3 new concepts
- [ ] Every new concept connected to at least one existing concept
- [ ] Scope boundaries explicitly stated
"""


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _neighbour(curriculum: Curriculum, lesson: Lesson, step: int) -> str:
    position = curriculum.lessons.index(lesson) + step
    if not 0 <= position < len(curriculum.lessons):
        return "none"
    other = curriculum.lessons[position]
    return f"{other.slug} ({other.type.value})" if other.type else other.slug


def taught_before(curriculum: Curriculum, lesson: Lesson) -> list[tuple[RecordRow, Lesson]]:
    """Each concept the records say an earlier lesson taught, at its deepest depth (the latest on ties)."""
    best: dict[str, tuple[RecordRow, Lesson]] = {}
    for earlier in curriculum.lessons[: curriculum.lessons.index(lesson)]:
        for row in curriculum.index.taught(earlier):
            key = concept_key(row.concept)
            depth = row.depth.depth or Depth.MENTIONED
            known = best.get(key)
            if known is None or depth >= (known[0].depth.depth or Depth.MENTIONED):
                best[key] = (row, earlier)
    order = {id(lesson): index for index, lesson in enumerate(curriculum.lessons)}
    return sorted(best.values(), key=lambda pair: (order[id(pair[1])], pair[0].line))


def _find_lesson(curriculum: Curriculum, slug: str, module_id: str) -> Lesson:
    module = curriculum.modules.get(module_id)
    if module is None or module.plan is None:
        known = ", ".join(curriculum.modules) or "none"
        raise CurriculumError(f"module {module_id} has no module plan in {curriculum.root} (modules: {known})")
    lesson = next(
        (l for l in curriculum.lessons if l.module_id == module_id and slug_key(l.slug) == slug_key(slug)), None
    )
    if lesson is None or lesson.entry is None:
        listed = ", ".join(entry.slug for entry in module.plan.entries) or "no lessons"
        raise CurriculumError(
            f"{slug!r} is not in the Lesson Sequence of {module.plan_path} ({listed}); add its row there first"
        )
    if lesson.plan is not None:
        raise CurriculumError(f"{lesson.plan.path}: lesson {lesson.slug!r} already has a planning document")
    return lesson


def lesson_skeleton(curriculum: Curriculum, slug: str, module_id: str) -> str:
    """The planning-document skeleton of lesson ``slug`` of module ``module_id``."""
    lesson = _find_lesson(curriculum, slug, module_id)
    rows = [
        f"| {_cell(row.concept)} | {row.depth.depth.name if row.depth.depth else _cell(row.depth.raw)} "
        f"| {source.cite} | {_cell(row.notes)} |"
        for row, source in taught_before(curriculum, lesson)
    ]
    position = curriculum.lessons.index(lesson)
    previous_type = curriculum.lessons[position - 1].type if position > 0 else None
    return SKELETON.format(
        slug=lesson.slug,
        module=module_id,
        number=lesson.number if lesson.number is not None else "?",
        type=lesson.type.value if lesson.type else "BUILD",
        previous=_neighbour(curriculum, lesson, -1),
        next=_neighbour(curriculum, lesson, 1),
        previous_type=previous_type.value if previous_type else "none",
        concepts="\n".join(rows),
    )


def planning_doc_path(curriculum: Curriculum, slug: str, module_id: str) -> Path:
    """Beside the module's other planning docs, else in ``lessons/`` of the module folder."""
    siblings = [l.plan.path for l in curriculum.lessons if l.module_id == module_id and l.plan is not None]
    module = curriculum.modules[module_id]
    folder = Path(siblings[0]).parent if siblings else (module.folder or curriculum.root) / "lessons"
    return folder / f"{slug}.md"


def init_lesson(curriculum: Curriculum, slug: str, module_id: str) -> Path:
    """Write the skeleton of ``slug`` (refusing to overwrite anything) and return its path."""
    text = lesson_skeleton(curriculum, slug, module_id)
    lesson = _find_lesson(curriculum, slug, module_id)
    path = planning_doc_path(curriculum, lesson.slug, module_id)
    if path.exists():
        raise CurriculumError(f"{path}: already exists; not overwritten")
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, text)
    return path
