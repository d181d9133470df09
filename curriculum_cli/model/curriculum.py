"""The curriculum as loaded: lessons in course order with their documents.

Glossary:

``PlanDocument``
    one planning document: its path, parsed tree and :class:`LessonPlan`.
``Lesson``
    one lesson: slug, module, number, its planning doc and paired artifacts
    (built lessons, notebooks).  A lesson listed in a module plan but not yet
    planned is a lesson too (``plan is None``).
``Module``
    a module id with its plan and record documents (when present).
``Curriculum``
    every lesson in course order, modules, course-level documents, config.
``CurriculumIndex``
    lookups built once per curriculum (lessons by slug, record rows by
    lesson, where each concept is first taught); see :attr:`Curriculum.index`.
``Trace``
    one Phase 1 concept or prerequisite followed to the record of the lesson
    it cites (:func:`trace_claim`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

from curriculum_cli.config import Config
from curriculum_cli.model.course import CourseDoc
from curriculum_cli.model.depth import Depth, LessonType, held_depth
from curriculum_cli.model.module_plan import ModulePlan, SequenceEntry
from curriculum_cli.model.plan import Citation, LessonPlan
from curriculum_cli.model.record import (
    MATCH_THRESHOLD,
    LessonSummary,
    ModuleRecord,
    RecordRow,
    best_match,
    clear_match,
    concept_key,
    concept_score,
    covered_by,
    deepest_plausible,
    material_stems,
)
from curriculum_cli.parse.markdown import Document, strip_markup


@dataclass
class PlanDocument:
    path: str
    doc: Document
    plan: LessonPlan


@dataclass(eq=False)
class Lesson:
    slug: str
    module_id: str | None = None
    number: int | None = None
    #: Position in course order (0-based); set by the loader.
    order: int = 0
    plan: PlanDocument | None = None
    #: Built lessons (.md/.mdx/.tsx) paired with this lesson.
    built: list[str] = field(default_factory=list)
    #: Practice notebooks paired with this lesson.
    notebooks: list[str] = field(default_factory=list)
    #: Type from the module plan, when known.
    plan_type: str | None = None
    #: The module plan's Lesson Sequence row for this lesson, when there is one.
    entry: SequenceEntry | None = None

    @property
    def artifacts(self) -> list[str]:
        return [*self.built, *self.notebooks]

    @property
    def cite(self) -> str:
        """How the lesson is cited: ``slug (2.1)``."""
        return f"{self.slug} ({self.module_id})" if self.module_id else self.slug

    @property
    def type(self) -> LessonType | None:
        """The lesson type: the planning doc's ``**Type:**``, else the module plan's."""
        if self.plan and self.plan.plan.header.type:
            return self.plan.plan.header.type
        return self.entry.type if self.entry else None


@dataclass
class Module:
    module_id: str
    title: str = ""
    plan_path: str | None = None
    record_path: str | None = None
    plan: ModulePlan | None = None
    record: ModuleRecord | None = None
    #: Folder of the module (where a missing record is created).
    folder: Path | None = None


@dataclass
class Curriculum:
    root: Path
    config: Config
    lessons: list[Lesson] = field(default_factory=list)
    modules: dict[str, Module] = field(default_factory=dict)
    course_path: str | None = None
    course: CourseDoc | None = None
    series: list[CourseDoc] = field(default_factory=list)
    #: Everything else the loader read.
    extra: dict[str, Any] = field(default_factory=dict)

    def lesson(self, slug: str, module_id: str | None = None) -> Lesson | None:
        """The lesson named ``slug`` (tolerant of case and punctuation), preferring ``module_id``."""
        return self.index.find(slug, module_id)

    @cached_property
    def index(self) -> CurriculumIndex:
        return CurriculumIndex(self)

    def invalidate(self) -> None:
        """Forget cached lookups (after a document changed)."""
        self.__dict__.pop("index", None)
        self.extra.pop("traces", None)


def module_key(module_id: str | None) -> tuple[int, ...]:
    if not module_id:
        return (10**6,)
    return tuple(int(part) for part in module_id.split(".") if part.isdigit())


_SLUG_NOISE = re.compile(r"[^a-z0-9]")


def slug_key(name: str) -> str:
    """Normalize a slug or file stem for pairing: case, punctuation, numeric prefix and ``Lesson`` suffix ignored."""
    stem = re.sub(r"^(\d+[-_.])+", "", name)
    key = _SLUG_NOISE.sub("", stem.lower())
    return key[: -len("lesson")] if key.endswith("lesson") and len(key) > len("lesson") else key


@dataclass
class Taught:
    """Where a concept is first taught in course order."""

    lesson: Lesson
    row: RecordRow


class CurriculumIndex:
    """Lookups computed once per curriculum: no rule scans all lessons per lesson."""

    def __init__(self, curriculum: Curriculum) -> None:
        self.curriculum = curriculum
        self.by_key: dict[str, list[Lesson]] = {}
        self.by_place: dict[tuple[str, int], Lesson] = {}
        #: Lessons by their human title (``# Lesson: Slicing Lists``), for informal citations.
        self.by_title: dict[str, Lesson] = {}
        for lesson in curriculum.lessons:
            self.by_key.setdefault(slug_key(lesson.slug), []).append(lesson)
            name = lesson.plan.plan.header.name if lesson.plan else None
            if name:
                self.by_title.setdefault(slug_key(re.sub(r"^the\s+", "", name, flags=re.I)), lesson)
            if lesson.module_id and lesson.number is not None:
                self.by_place.setdefault((lesson.module_id, lesson.number), lesson)
        self.rows: dict[int, list[RecordRow]] = {}
        #: Record rows naming no lesson of the course.
        self.orphans: list[RecordRow] = []
        for module in curriculum.modules.values():
            for row in module.record.rows if module.record else []:
                owner = self.row_lesson(row, module.module_id)
                if owner is None:
                    self.orphans.append(row)
                else:
                    self.rows.setdefault(id(owner), []).append(row)
        #: Concepts the summaries and mental-model tables credit to a lesson (see ``ModuleRecord.taught``).
        self.summary_rows: dict[int, list[RecordRow]] = {}
        for module in curriculum.modules.values():
            for row in module.record.taught if module.record else []:
                owner = self.row_lesson(row, module.module_id)
                if owner is not None:
                    self.summary_rows.setdefault(id(owner), []).append(row)
        #: Per-lesson summaries of the records, by lesson.
        self.summaries: dict[int, list[LessonSummary]] = {}
        for module in curriculum.modules.values():
            for summary in module.record.summaries if module.record else []:
                owner = self._summary_lesson(summary, module.module_id)
                if owner is not None:
                    self.summaries.setdefault(id(owner), []).append(summary)
        self._material: dict[int, tuple[set[str], set[str]]] = {}
        self.first: dict[str, Taught] = {}
        for lesson in curriculum.lessons:
            for row in self.rows.get(id(lesson), []):
                self.first.setdefault(concept_key(row.concept), Taught(lesson, row))

    def find(self, slug: str, module_id: str | None = None) -> Lesson | None:
        found = self.by_key.get(slug_key(slug), [])
        for lesson in found:
            if lesson.module_id == module_id:
                return lesson
        if found:
            return found[0]
        return self.by_title.get(slug_key(re.sub(r"^the\s+", "", slug, flags=re.I)))

    def row_lesson(self, row: RecordRow, module_id: str | None) -> Lesson | None:
        if row.slug:
            # a slug, else the cell as a lesson title ("Cutting Strings Apart")
            return self.find(row.slug, module_id) or self.find(row.lesson_raw, module_id)
        if row.number is not None and module_id:
            return self.by_place.get((module_id, row.number))
        return None

    def _summary_lesson(self, summary: LessonSummary, module_id: str | None) -> Lesson | None:
        if not summary.slug.isdigit():
            found = self.find(summary.slug, module_id)
            if found is not None:
                return found
        if summary.number is not None and module_id:
            return self.by_place.get((module_id, summary.number))
        return None

    def material(self, lesson: Lesson) -> tuple[set[str], set[str]]:
        """Word stems of everything the records say ``lesson`` teaches (prose only, everything):
        record rows (concept and Notes), per-lesson summary, mental models, slug and title.
        Only when the record has no summary of the lesson do its own plan's target concept
        and new concepts stand in for it."""
        if id(lesson) in self._material:
            return self._material[id(lesson)]
        texts = [lesson.slug]
        texts += [f"{row.concept} {row.notes}" for row in [*self.taught(lesson), *self.summary_rows.get(id(lesson), [])]]
        texts += [f"{s.title} {s.text}" for s in self.summaries.get(id(lesson), [])]
        if lesson.plan is not None:
            texts.append(lesson.plan.plan.header.name or "")
        if lesson.plan is not None and id(lesson) not in self.summaries:
            plan = lesson.plan.plan
            texts.append(plan.target_concept or "")
            texts += [c.text for c in plan.cognitive_load.concepts] if plan.cognitive_load else []
        self._material[id(lesson)] = material = material_stems(texts)
        return material

    def taught_elsewhere(self, name: str, lesson: Lesson) -> bool:
        """Does the Concept Index of a lesson other than ``lesson`` name ``name``?"""
        return any(
            concept_score(name, row.concept) >= MATCH_THRESHOLD
            for other, rows in self.rows.items() if other != id(lesson) for row in rows
        )

    def taught(self, lesson: Lesson) -> list[RecordRow]:
        """The Concept Index rows recording what ``lesson`` taught."""
        return self.rows.get(id(lesson), [])

    def module_lessons(self, module_id: str) -> list[Lesson]:
        return [lesson for lesson in self.curriculum.lessons if lesson.module_id == module_id]


# --------------------------------------------------------------------------- traces

TraceKind = Literal["concept", "prerequisite"]


@dataclass
class Trace:
    """A claim "the student has concept C at depth D from lesson S", followed to S's record."""

    kind: TraceKind
    line: int | None
    name: str
    claimed: Depth | None
    citation: Citation
    #: The cited lesson (``None``: external, unreadable or missing; see ``missing``).
    source: Lesson | None = None
    external: bool = False
    #: The citation names a lesson with a module reference that the course lacks.
    missing: bool = False
    #: The cited module / lesson number disagree with the module plans: the text of the mismatch.
    misplaced: str | None = None
    earlier: bool = True
    #: Closest record row of the source lesson and its score.
    row: RecordRow | None = None
    score: float = 0.0
    #: The source lesson has no Concept Index rows at all.
    unrecorded: bool = False
    gap: bool = False

    #: No row names the claim, but its words are all in what the cited lesson teaches
    #: (see :meth:`CurriculumIndex.material`): taught, at no depth the record states.
    covered: bool = False

    @property
    def found(self) -> bool:
        return self.covered or self.row is not None and self.score >= MATCH_THRESHOLD

    #: A lesson between the cited one and this one that raised the concept to the claimed depth.
    deepened: RecordRow | None = None

    @property
    def shallow(self) -> bool:
        """The record teaches the concept less deeply than claimed (and no earlier lesson raised it)."""
        have = self.row.depth.depth if self.row else None
        return (
            self.found and not self.covered and self.claimed is not None and have is not None
            and have < self.claimed and self.deepened is None
        )

    @property
    def broken(self) -> bool:
        if self.external or self.source is None and not self.missing:
            return False
        return self.missing or bool(self.misplaced) or not self.earlier or not self.found or self.shallow


def _external(raw: str, config: Config) -> bool:
    text = raw.strip().lower()
    return any(text.startswith(source.lower()) for source in config.external_sources)


def trace_claim(
    curriculum: Curriculum, lesson: Lesson, kind: TraceKind, line: int | None, name: str,
    claimed: Depth | None, citation: Citation, gap: bool = False,
) -> Trace:
    """Follow one claim to the record of the lesson it cites."""
    trace = Trace(kind=kind, line=line, name=name, claimed=claimed, citation=citation, gap=gap)
    if _external(citation.raw, curriculum.config) or not citation.raw.strip():
        trace.external = True
        return trace
    index = curriculum.index
    if citation.slug:
        source = index.find(citation.slug, citation.module_id)
        if source is None:
            trace.missing = True
            return trace
    else:
        # "tensors" without a module reference: trace it when it names a lesson, else leave it.
        bare = re.match(r"^`?([A-Za-z][\w-]*)`?\s*$", citation.raw.strip())
        source = index.find(bare.group(1)) if bare else None
        if source is None:
            return trace
    trace.source = source
    if citation.module_id and citation.module_id != source.module_id:
        trace.misplaced = f"module {citation.module_id}, but the module plans put it in {source.module_id or 'no module'}"
    elif citation.lesson_number is not None and citation.lesson_number != source.number:
        trace.misplaced = f"lesson {citation.lesson_number} of {citation.module_id}, but it is lesson {source.number}"
    trace.earlier = source.order < lesson.order
    rows = index.taught(source)
    extra = index.summary_rows.get(id(source), [])
    trace.unrecorded = not rows and not extra
    trace.row, trace.score = best_match(name, rows)
    if not trace.found and extra:
        row, score = best_match(name, extra)
        if score >= MATCH_THRESHOLD:
            trace.row, trace.score = row, score
    if not trace.found:
        named = _row_naming_api(name, rows)
        if named is not None:
            trace.row, trace.score = named, MATCH_THRESHOLD
    if not trace.found:
        clear, _ = clear_match(name, rows)
        if clear is not None:
            # A paraphrase may mean another plausible row of the lesson: hold it to the deepest.
            trace.row, trace.score = deepest_plausible(name, rows, clear), MATCH_THRESHOLD
    # Words found in the cited lesson's material never outweigh another lesson's row that
    # names the claim: then the citation is wrong.
    if not trace.found and not trace.unrecorded and covered_by(name, index.material(source)):
        trace.covered = not index.taught_elsewhere(name, source)
    if trace.shallow and trace.earlier:
        trace.deepened = _deepened_before(curriculum, lesson, name, claimed)
    return trace


_IDENTIFIER = re.compile(r"\.?[A-Za-z_][\w]*(?:\.[A-Za-z_]\w*)*")


def _api_name(claim: str) -> str | None:
    """The last part of ``claim`` when the claim is an API identifier (``random_split``,
    ``nn.Module``, ``.item()``, ``DataLoader``), else ``None``: plain words are concepts."""
    text = strip_markup(claim).strip()
    text = re.sub(r"\([^()]*\)$", "", text).strip()
    if not _IDENTIFIER.fullmatch(text):
        return None
    last = text.rsplit(".", 1)[-1]
    if len(last) < 3 or not ("_" in text or "." in text or re.search(r"[a-z][A-Z]", text)):
        return None
    return last


def _row_naming_api(claim: str, rows: list[RecordRow]) -> RecordRow | None:
    """The first row whose Notes name the API ``claim`` as an identifier (``random_split(...)``)."""
    last = _api_name(claim)
    if last is None:
        return None
    for row in rows:
        if any(found.rsplit(".", 1)[-1] == last for found in _IDENTIFIER.findall(row.notes)):
            return row
    return None


def _deepened_before(curriculum: Curriculum, lesson: Lesson, name: str, claimed: Depth | None) -> RecordRow | None:
    """A record row of a lesson before ``lesson`` teaching ``name`` at ``claimed`` depth or deeper
    (the cited lesson introduced it, a later one raised it)."""
    index = curriculum.index
    for earlier in curriculum.lessons[: lesson.order]:
        rows = [r for r in index.taught(earlier) if r.depth.depth is not None and claimed is not None and r.depth.depth >= claimed]
        row, score = best_match(name, rows)
        if row is not None and score >= MATCH_THRESHOLD:
            return row
    return None


def _best_trace(traces: list[Trace]) -> Trace:
    """Of a claim citing several lessons (``a (1.1), b (1.2)``), the citation that holds, else the first."""
    for trace in traces:
        if not trace.broken:
            return trace
    return traces[0]


def lesson_traces(curriculum: Curriculum, lesson: Lesson) -> list[Trace]:
    """Every Phase 1 concept and prerequisite of ``lesson`` traced (cached per lesson)."""
    cache: dict[int, list[Trace]] = curriculum.extra.setdefault("traces", {})
    if id(lesson) in cache:
        return cache[id(lesson)]
    traces: list[Trace] = []
    if lesson.plan is not None:
        plan = lesson.plan.plan
        for concept in plan.concepts:
            traces.append(
                _best_trace([
                    trace_claim(
                        curriculum, lesson, "concept", concept.line, concept.name, held_depth(concept.depth.raw), cite,
                    )
                    for cite in (concept.source, *concept.also)
                ])
            )
        for prereq in plan.prerequisites:
            gap = "gap" in prereq.status.lower() or prereq.actual.depth is None
            traces.append(
                _best_trace([
                    trace_claim(
                        curriculum, lesson, "prerequisite", prereq.line, prereq.concept,
                        None if gap else held_depth(prereq.actual.raw), cite, gap,
                    )
                    for cite in (prereq.source, *prereq.also)
                ])
            )
    cache[id(lesson)] = traces
    return traces
