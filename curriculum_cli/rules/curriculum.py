"""Cross-document rules: a lesson against the course, its module plan and the records.

Codes:

- ``X1xx`` traces: Phase 1 concepts and prerequisites against the records.
- ``X2xx`` sequence: Previous/Next, Type and STRETCH rhythm against module plans.
- ``X3xx`` scope: NOT-list deferrals point at real, later lessons and modules.
- ``X4xx`` plans and records agree with the lessons present.
- ``X5xx`` student-visible prose uses terms the records place later.

These rules need a curriculum root; a planning doc checked on its own gets
none of them.  Lookups come from :attr:`Curriculum.index`, built once.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from curriculum_cli.findings import Issue, Severity
from curriculum_cli.load.prose import read_prose
from curriculum_cli.model.curriculum import (
    Curriculum,
    Lesson,
    Trace,
    lesson_traces,
    module_key,
    slug_key,
)
from curriculum_cli.model.depth import LessonType, types_in
from curriculum_cli.model.plan import LessonPlan, LessonRef
from curriculum_cli.model.record import concept_key
from curriculum_cli.parse.markdown import words
from curriculum_cli.rules.base import rule
from curriculum_cli.rules.context import LessonContext

# --------------------------------------------------------------------------- X1xx traces


def _traces(ctx: LessonContext) -> list[Trace]:
    return lesson_traces(ctx.curriculum, ctx.lesson)


def _what(trace: Trace) -> str:
    return "Phase 1 concept" if trace.kind == "concept" else "prerequisite"


def _subject(trace: Trace) -> str:
    return f"{trace.kind}:{concept_key(trace.name)}@{slug_key(trace.citation.slug or trace.citation.raw)}"


@rule(
    "X101", "concept-not-in-record", Severity.IMPROVEMENT, "lesson",
    impact="The lesson builds on something the records do not show the student was taught.",
    fix="cite the lesson whose Concept Index holds the concept, or rename it as the record names it",
)
def concept_not_in_record(ctx: LessonContext) -> Iterator[Issue]:
    """A Phase 1 concept or prerequisite is not in the Concept Index of the lesson it cites.

    Names match tolerantly (case, punctuation, backticks, word order,
    qualifiers in parentheses, small edits, paraphrases sharing most words).
    A looser paraphrase names a row when that row is clearly the closest
    concept of the record (it shares a word with the claim and scores well
    above every other concept there).
    A concept counts as recorded when the Concept Index, the lesson's
    per-lesson summary (concepts taught, mental models) or the record's
    mental-model table names it.  A cell citing several lessons
    (``a (1.1), b (1.2)``) holds when one of them recorded the concept.

    When no row names it, the claim still counts as taught when its content
    words (stemmed; filler and framing words such as "distinction" or
    "architecture" ignored; ``nn.Conv2d`` read as ``conv2d``, ``argmax(dim=1)``
    as ``argmax``) are all in what the cited lesson teaches: its record rows
    and their Notes, its per-lesson summary (not what the summary defers),
    its mental models, slug and title, and, when the record has no summary of
    it, its planning doc's target concept and new concepts.  A claim of four
    or more words may miss one; a single plain word must be in prose, not
    only in code.  Such a claim is never checked for depth (X102), and it is
    still reported when another lesson's Concept Index names it.  When
    nothing matches, the message names the closest row of that lesson's
    record; a lesson with no rows at all is reported once per document.
    """
    unrecorded: set[int] = set()
    for trace in _traces(ctx):
        if trace.source is None or trace.found or not trace.earlier:
            continue
        cite = trace.source.cite
        if trace.unrecorded:
            # One finding per unrecorded lesson: the record is missing, not each concept.
            if id(trace.source) in unrecorded:
                continue
            unrecorded.add(id(trace.source))
            message = f"{_what(trace)} '{trace.name}': `{cite}` has no rows in its module record's Concept Index"
        else:
            hint = f"; did you mean '{trace.row.concept}' (record line {trace.row.line})?" if trace.row else ""
            message = f"{_what(trace)} '{trace.name}' is not in the Concept Index rows of `{cite}`{hint}"
        yield Issue(message, line=trace.line, subject=_subject(trace))


@rule(
    "X102", "depth-above-record", Severity.IMPROVEMENT, "lesson",
    impact="The lesson assumes a deeper grasp than the student was given; they may be lost.",
    fix="lower the claimed depth to what the record says, or plan a recap that raises it",
)
def depth_above_record(ctx: LessonContext) -> Iterator[Issue]:
    """A concept is claimed at a depth deeper than the cited lesson's record gives it.

    Phase 1 rows are compared by their Depth, prerequisites by their Actual
    Depth (a prerequisite marked GAP is skipped: the gap is the point).  A
    lesson between the cited one and this one that recorded the concept at
    the claimed depth satisfies the claim.  A paraphrase that names no row
    closely (the looser match of X101) may mean any row of the cited lesson
    scoring nearly as well; it is compared with the deepest of those, so it is
    reported only when it claims more than every row it could mean.
    """
    for trace in _traces(ctx):
        if trace.source is None or not trace.earlier or not trace.shallow or trace.row is None or trace.claimed is None:
            continue
        have = trace.row.depth.depth
        yield Issue(
            f"{_what(trace)} '{trace.name}' is claimed at {trace.claimed.name}, but `{trace.source.cite}` "
            f"taught it at {have.name if have else '?'} ({trace.row.path}:{trace.row.line})",
            line=trace.line, subject=_subject(trace),
        )


@rule(
    "X103", "source-lesson-missing", Severity.CRITICAL, "lesson",
    impact="The lesson relies on a lesson the course does not have.",
    fix="cite the lesson that taught the concept (slug as in the module plan), or mark it a gap",
)
def source_lesson_missing(ctx: LessonContext) -> Iterator[Issue]:
    """A concept or prerequisite cites a lesson (``slug (x.y)``) that is not in the course.

    Sources listed in ``external_sources`` (for example "prior knowledge")
    are outside the course and never reported.
    """
    for trace in _traces(ctx):
        if trace.missing:
            yield Issue(
                f"{_what(trace)} '{trace.name}' cites `{trace.citation.raw}`, which is not a lesson of the course",
                line=trace.line, subject=_subject(trace),
            )


@rule(
    "X104", "source-not-earlier", Severity.CRITICAL, "lesson",
    impact="The student meets this lesson before the one it relies on.",
    fix="cite an earlier lesson, or move this lesson after the one it relies on",
)
def source_not_earlier(ctx: LessonContext) -> Iterator[Issue]:
    """A concept or prerequisite cites a lesson that does not come earlier in the course."""
    for trace in _traces(ctx):
        if trace.source is not None and not trace.earlier:
            where = "is this lesson" if trace.source is ctx.lesson else "comes later in the course"
            yield Issue(
                f"{_what(trace)} '{trace.name}' cites `{trace.source.cite}`, which {where}",
                line=trace.line, subject=_subject(trace),
            )


@rule(
    "X105", "citation-place", Severity.POLISH, "lesson",
    impact="A reader following the citation looks in the wrong module.",
    fix="write the citation as `slug (module)` or `slug (module.lesson)` as the module plans place it",
)
def citation_place(ctx: LessonContext) -> Iterator[Issue]:
    """A citation's module (``slug (x.y)``) or lesson number (``slug (x.y.z)``) disagrees with the module plans."""
    for trace in _traces(ctx):
        if trace.source is not None and trace.misplaced:
            yield Issue(
                f"`{trace.citation.raw}` says {trace.misplaced}", line=trace.line, subject=_subject(trace),
            )


# --------------------------------------------------------------------------- X2xx sequence


def _plan(ctx: LessonContext) -> LessonPlan | None:
    return ctx.lesson.plan.plan if ctx.lesson.plan else None


def _neighbour(curriculum: Curriculum, lesson: Lesson, step: int) -> Lesson | None:
    index = lesson.order + step
    lessons = curriculum.lessons
    if 0 <= index < len(lessons) and lessons[index] is not lesson:
        return lessons[index]
    return None


def _names(lesson: Lesson, ref: str) -> bool:
    """Does ``ref`` name ``lesson`` (its slug, or its human title as written in its planning doc)?"""
    key = slug_key(re.sub(r"^the\s+", "", ref, flags=re.IGNORECASE))
    title = lesson.plan.plan.header.name if lesson.plan else None
    return key in (slug_key(lesson.slug), slug_key(re.sub(r"^the\s+", "", title or "", flags=re.IGNORECASE)))


def _ref_problem(
    ref: LessonRef, expected: Lesson | None, lesson: Lesson, label: str, curriculum: Curriculum
) -> str | None:
    same_module = expected is not None and expected.module_id == lesson.module_id
    if ref.slug is None:
        return f"{label} lesson is '{ref.raw}', but the module plan has `{expected.slug}`" if expected and same_module else None
    if expected is None:
        named = curriculum.lesson(ref.slug)
        return f"{label} lesson is `{ref.slug}`, but the course has no {label.lower()} lesson" if named else None
    if not _names(expected, ref.slug):
        return f"{label} lesson is `{ref.slug}`, but the module plan has `{expected.slug}` there"
    kind = expected.entry.type if expected.entry and expected.entry.type else expected.type
    if ref.type is not None and kind is not None and ref.type != kind:
        return f"{label} lesson `{ref.slug}` is written as {ref.type.value}, but it is a {kind.value} lesson"
    return None


@rule(
    "X201", "neighbour-mismatch", Severity.IMPROVEMENT, "lesson",
    impact="The lesson is designed against the wrong lesson before or after it.",
    fix="copy the Previous/Next lesson from the module plan's Lesson Sequence",
)
def neighbour_mismatch(ctx: LessonContext) -> Iterator[Issue]:
    """``**Previous lesson:**`` / ``**Next lesson:**`` disagree with the module plan's Lesson Sequence.

    The neighbours are the lessons before and after this one in course order
    (series, module, lesson number); across a module boundary the header may
    also say none.  The type in parentheses must be the neighbour's type.
    """
    plan = _plan(ctx)
    if plan is None:
        return
    for ref, step, label in ((plan.header.previous, -1, "Previous"), (plan.header.next, 1, "Next")):
        if ref is None:
            continue
        problem = _ref_problem(ref, _neighbour(ctx.curriculum, ctx.lesson, step), ctx.lesson, label, ctx.curriculum)
        if problem:
            yield Issue(problem, line=ref.line, subject=f"{label.lower()}:{ref.slug}")


@rule(
    "X202", "type-mismatch", Severity.IMPROVEMENT, "lesson",
    impact="The lesson's load is planned for a different slot of the module rhythm.",
    fix="make **Type:** and the module plan's Type column agree",
)
def type_mismatch(ctx: LessonContext) -> Iterator[Issue]:
    """``**Type:**`` of the planning doc disagrees with the Type column of the module plan."""
    plan, entry = _plan(ctx), ctx.lesson.entry
    if plan is None or entry is None or plan.header.type is None or entry.type is None:
        return
    # "PROJECT (STRETCH)" against STRETCH, "CONSOLIDATE / PROJECT" against PROJECT: one type in common agrees.
    if not types_in(plan.header.type_raw or plan.header.type.value) & types_in(entry.type_raw or entry.type.value):
        yield Issue(
            f"**Type:** is {plan.header.type.value}, the module plan says {entry.type.value}",
            line=plan.header.type_line, subject=f"type:{ctx.lesson.slug}",
        )


@rule(
    "X203", "stretch-after-stretch", Severity.IMPROVEMENT, "lesson",
    impact="Two stretching lessons in a row leave no time to consolidate; students fall behind.",
    fix="make one of the two lessons BUILD or CONSOLIDATE, or put a lesson between them",
)
def stretch_after_stretch(ctx: LessonContext) -> Iterator[Issue]:
    """A STRETCH lesson comes right after another STRETCH lesson (also across a module boundary).

    Lessons the module plans list but that have no planning doc or lesson
    file yet are checked too, with the lesson before them, on their plan row.
    """
    yield from _stretch_pair(ctx, ctx.lesson)
    lessons, later = ctx.curriculum.lessons, ctx.lesson.order + 1
    while later < len(lessons) and lessons[later].plan is None and not lessons[later].artifacts:
        yield from _stretch_pair(ctx, lessons[later])
        later += 1


def _stretch_pair(ctx: LessonContext, lesson: Lesson) -> Iterator[Issue]:
    before = _neighbour(ctx.curriculum, lesson, -1)
    if lesson.type is not LessonType.STRETCH or before is None or before.type is not LessonType.STRETCH:
        return
    plan = lesson.plan.plan if lesson.plan else None
    line = plan.header.type_line if plan else None
    path = None
    module = ctx.curriculum.modules.get(lesson.module_id or "")
    if line is None and lesson.entry is not None and module is not None:
        line, path = lesson.entry.line, module.plan_path
    yield Issue(
        f"STRETCH right after STRETCH lesson `{before.cite}`", line=line, path=path,
        subject=f"stretch:{before.slug}>{lesson.slug}",
    )


@rule(
    "X204", "not-in-sequence", Severity.POLISH, "lesson",
    impact="The lesson's place in the course is ambiguous.",
    fix="add the lesson to its module plan's Lesson Sequence, with the number of its title",
)
def not_in_sequence(ctx: LessonContext) -> Iterator[Issue]:
    """A planned lesson is missing from its module plan's Lesson Sequence, or has another place there.

    The place is the title's lesson number, ``**Position:** Lesson N of M`` or
    ``**Lesson:** N of M``; the module plan's number column, else its row
    order, is the truth.  A stale ``of M`` (the plan has another number of
    lessons) is reported too.
    """
    plan = _plan(ctx)
    module = ctx.curriculum.modules.get(ctx.lesson.module_id or "")
    if plan is None or module is None or module.plan is None or not module.plan.entries:
        return
    entry = ctx.lesson.entry
    if entry is None:
        yield Issue(
            f"`{ctx.lesson.slug}` is not in the Lesson Sequence of {module.plan_path}",
            line=plan.header.line, subject=f"sequence:{ctx.lesson.slug}",
        )
        return
    header = plan.header
    line = header.position_line or header.line
    if header.lesson_number is not None and entry.number is not None and header.lesson_number != entry.number:
        place = "numbers it" if module.plan.numbered else "has it in row"
        yield Issue(
            f"the header says lesson {header.lesson_number}, the module plan {place} {entry.number}",
            line=line, subject=f"sequence:{ctx.lesson.slug}",
        )
    elif header.lesson_count is not None and header.lesson_count != len(module.plan.entries):
        yield Issue(
            f"the header says lesson {header.lesson_number} of {header.lesson_count}, "
            f"the module plan has {len(module.plan.entries)} lessons",
            line=line, subject=f"sequence:{ctx.lesson.slug}",
        )


# --------------------------------------------------------------------------- X3xx scope


@dataclass
class _Target:
    exists: bool
    later: bool
    label: str


def _deferral_target(ctx: LessonContext, kind: str, number: str | None, slug: str | None) -> _Target | None:
    curriculum, lesson = ctx.curriculum, ctx.lesson
    if kind == "module":
        if not number:
            return None
        known = set(curriculum.modules) | {x.module_id for x in curriculum.lessons if x.module_id}
        if curriculum.course:
            known |= {row.module_id for row in curriculum.course.modules}
        return _Target(number in known, module_key(number) > module_key(lesson.module_id), f"module {number}")
    parts = (number or "").split(".")
    module_id, place = lesson.module_id, parts[-1]
    if len(parts) == 3:
        module_id = ".".join(parts[:2])
    target = curriculum.lesson(slug, module_id) if slug else None
    if target is None and place.isdigit() and module_id:
        target = curriculum.index.by_place.get((module_id, int(place)))
        if target is not None and slug and slug_key(slug) != slug_key(target.slug):
            return _Target(False, False, f"lesson {number}: {slug} (lesson {number} is `{target.slug}`)")
    label = f"lesson {number}" + (f": {slug}" if slug else "")
    if target is None:
        return _Target(False, False, label)
    return _Target(True, target.order > lesson.order, label)


@rule(
    "X301", "deferral-missing", Severity.IMPROVEMENT, "lesson",
    impact="A topic the lesson postpones is never taught: the promise to the student is broken.",
    fix="defer to a lesson or module the plans contain, e.g. '(lesson 3: nn-module)'",
)
def deferral_missing(ctx: LessonContext) -> Iterator[Issue]:
    """A NOT-list item is deferred to a lesson or module that the course does not have.

    ``(lesson 3: nn-module)`` names lesson 3 of this module (its slug must
    agree); ``(lesson 2.2.1)``, ``(lesson 1 of module 2.2: slug)`` or
    ``(module 2.2, lesson 1)`` a lesson of another module; ``(module 2.2)``
    a module.  Lead words such as "see" or "covered in" may come first.
    """
    plan = _plan(ctx)
    for item in plan.scope.not_items if plan and plan.scope else []:
        if item.deferral is None:
            continue
        target = _deferral_target(ctx, item.deferral.kind, item.deferral.number, item.deferral.slug)
        if target is not None and not target.exists:
            yield Issue(
                f"deferred to {target.label}, which the course does not have",
                line=item.line, subject=f"deferral:{item.deferral.raw}",
            )


@rule(
    "X302", "deferral-not-later", Severity.IMPROVEMENT, "lesson",
    impact="The lesson postpones a topic to a lesson the student has already passed.",
    fix="defer to a lesson or module that comes after this one",
)
def deferral_not_later(ctx: LessonContext) -> Iterator[Issue]:
    """A NOT-list item is deferred to a lesson or module that does not come later in the course."""
    plan = _plan(ctx)
    for item in plan.scope.not_items if plan and plan.scope else []:
        if item.deferral is None:
            continue
        target = _deferral_target(ctx, item.deferral.kind, item.deferral.number, item.deferral.slug)
        if target is not None and target.exists and not target.later:
            yield Issue(
                f"deferred to {target.label}, which does not come after this lesson",
                line=item.line, subject=f"deferral:{item.deferral.raw}",
            )


# --------------------------------------------------------------------------- X4xx plans and records


@rule(
    "X401", "record-lesson-missing", Severity.IMPROVEMENT, "curriculum",
    impact="The record credits a lesson that does not exist; later lessons trust a concept nobody taught.",
    fix="name the lesson by its slug as in the module plan, or remove the row",
)
def record_lesson_missing(curriculum: Curriculum) -> Iterator[Issue]:
    """A Concept Index row names a lesson that is not in the course."""
    for row in curriculum.index.orphans:
        yield Issue(
            f"Concept Index row '{row.concept}' names lesson '{row.lesson_raw}', which is not in the course",
            line=row.line, path=row.path, subject=f"record:{concept_key(row.concept)}@{row.lesson_raw}",
        )


def _lesson_built(lesson: Lesson) -> bool:
    """Built: any artifact (a page or a practice notebook), or BUILT in the module plan."""
    return bool(lesson.artifacts) or (lesson.entry is not None and lesson.entry.built)


@rule(
    "X402", "status-count-mismatch", Severity.POLISH, "curriculum",
    impact="The plans misstate how far the course is; authors plan against the wrong state.",
    fix="update the lesson counts and status in the course file and series plans",
)
def status_count_mismatch(curriculum: Curriculum) -> Iterator[Issue]:
    """A course or series table states lesson counts (``3``, ``2/3``) or lessons that disagree with the lessons present.

    A module whose status says COMPLETE must have every lesson built (a
    built lesson page or a practice notebook, or BUILT in the module plan).
    """
    index = curriculum.index
    docs = [curriculum.course] if curriculum.course else []
    for doc in [*docs, *curriculum.series]:
        for row in doc.modules:
            lessons = index.module_lessons(row.module_id)
            if not lessons and row.module_id not in curriculum.modules:
                continue
            built, total = row.counts
            problems = []
            if total is not None and total != len(lessons):
                problems.append(f"{total} lessons stated, {len(lessons)} present")
            actual_built = sum(_lesson_built(x) for x in lessons)
            if built is not None and built != actual_built:
                problems.append(f"{built} built stated, {actual_built} built")
            named = [w for w in re.split(r"[,;]\s*", row.lessons_raw) if re.fullmatch(r"[a-z][\w.-]*", w.strip())]
            missing = [n for n in named if curriculum.lesson(n, row.module_id) is None]
            if missing:
                problems.append(f"lists {', '.join(missing)}, not lessons of module {row.module_id}")
            if "complete" in words(row.status) and actual_built < len(lessons):
                problems.append(f"status {row.status} but {len(lessons) - actual_built} of {len(lessons)} lessons not built")
            if problems:
                yield Issue(
                    f"module {row.module_id}: " + "; ".join(problems), line=row.line, path=row.path,
                    subject=f"status:{row.module_id}",
                )


@rule(
    "X403", "built-without-plan", Severity.IMPROVEMENT, "curriculum",
    impact="A lesson went out without a plan, so none of the planning checks ever ran on it.",
    fix="write the lesson's planning doc (or correct its status in the module plan)",
)
def built_without_plan(curriculum: Curriculum) -> Iterator[Issue]:
    """A lesson marked built in its module plan has no planning document."""
    for lesson in curriculum.lessons:
        entry = lesson.entry
        module = curriculum.modules.get(lesson.module_id or "")
        if entry is None or module is None or lesson.plan is not None or not entry.built:
            continue
        yield Issue(
            f"`{lesson.slug}` is marked {entry.status} but has no planning document",
            line=entry.line, path=module.plan_path, subject=f"unplanned:{lesson.slug}",
        )


# --------------------------------------------------------------------------- X5xx untaught terms

_ACRONYM = re.compile(r"\b[A-Z][A-Z0-9]{1,5}\b")
_PARENS = re.compile(r"\(([^)]*)\)")
_TERM_WORD = re.compile(r"^[a-z][a-z0-9'-]*$")
#: Terms never reported, whatever the configuration says (too common in prose).
BUILTIN_STOP_TERMS = frozenset({"api", "apis", "id", "ok", "cpu", "gpu", "ui", "pdf", "csv", "json", "url", "i", "ii"})
#: Capitalised words that are emphasis, not acronyms ("do NOT call it twice").
EMPHASIS_WORDS = frozenset({
    "NOT", "NO", "YES", "ALL", "ANY", "ONLY", "NEVER", "ALWAYS", "MUST", "DO", "DONT", "AND", "OR", "BUT",
    "IS", "ARE", "IT", "THE", "ONE", "TWO", "THIS", "THAT", "BEFORE", "AFTER", "EVERY", "EACH", "NOW",
    "STOP", "NOTE", "TODO", "WHY", "WHAT", "HOW", "NEW", "OLD", "SAME", "BOTH", "ONCE", "TWICE", "VERY",
    "IN", "OUT", "ON", "OFF", "UP", "DOWN", "TO", "OF", "AT", "BY", "FOR", "IF", "AS", "BE", "WILL",
    "CAN", "CANNOT", "SHOULD", "WRONG", "RIGHT", "TRUE", "FALSE", "NONE", "BUILD", "STRETCH", "CONSOLIDATE",
})
#: Units written in capitals ("16 GB", "30 FPS").
UNITS = frozenset({
    "KB", "MB", "GB", "TB", "PB", "KIB", "MIB", "GIB", "TIB", "MS", "NS", "US", "HZ", "KHZ", "MHZ", "GHZ",
    "FPS", "DPI", "PPI", "PX", "PT", "KM", "CM", "MM", "NM", "KG", "MG", "KW", "MW", "GW", "KWH", "TFLOPS",
    "GFLOPS", "FLOPS", "RPM", "BPM", "DB",
})


@dataclass
class _Terms:
    """Distinctive terms of every recorded concept, with where each is first taught."""

    phrases: dict[str, str]  # normalized term -> concept key
    acronyms: dict[str, str]
    phrase_re: re.Pattern[str] | None
    acronym_re: re.Pattern[str] | None


def _phrase_key(text: str) -> str:
    return " ".join(w[:-1] if w.endswith("s") and not w.endswith(("ss", "us")) and len(w) > 3 else w for w in words(text))


def term_candidates(concept: str) -> tuple[list[str], list[str]]:
    """(multi-word phrases, acronyms) of a concept name that are distinctive enough to search for."""
    acronyms = [a for a in _ACRONYM.findall(concept) if not a.isdigit() and a not in EMPHASIS_WORDS and a not in UNITS]
    core = _PARENS.sub(" ", concept).replace("`", " ")
    phrases = []
    pieces = [core, *(_PARENS.findall(concept))]
    for piece in pieces:
        parts = piece.strip().lower().split()
        if len(parts) >= 2 and all(_TERM_WORD.match(p.strip(",.:;")) for p in parts):
            phrases.append(" ".join(p.strip(",.:;") for p in parts))
    return phrases, acronyms


def _terms(curriculum: Curriculum) -> _Terms:
    cached = curriculum.extra.get("terms")
    if isinstance(cached, _Terms):
        return cached
    stop = {s.lower() for s in curriculum.config.stop_terms} | BUILTIN_STOP_TERMS
    phrases: dict[str, str] = {}
    acronyms: dict[str, str] = {}
    for key, taught in curriculum.index.first.items():
        found_phrases, found_acronyms = term_candidates(taught.row.concept)
        for phrase in found_phrases:
            if phrase not in stop and _phrase_key(phrase) not in stop:
                phrases.setdefault(_phrase_key(phrase), key)
        for acronym in found_acronyms:
            if acronym.lower() not in stop:
                acronyms.setdefault(acronym, key)
    phrase_re = None
    if phrases:
        alternatives = sorted(
            (r"[\s-]+".join(re.escape(w) + ("s?" if len(w) > 3 else "") for w in p.split()) for p in phrases),
            key=len, reverse=True,
        )
        phrase_re = re.compile(r"\b(?:" + "|".join(alternatives) + r")\b", re.IGNORECASE)
    acronym_re = re.compile(r"\b(?:" + "|".join(map(re.escape, sorted(acronyms, key=len, reverse=True))) + r")s?\b") if acronyms else None
    terms = _Terms(phrases, acronyms, phrase_re, acronym_re)
    curriculum.extra["terms"] = terms
    return terms


def _own_text(ctx: LessonContext) -> str:
    """Everything this lesson says it teaches: its record rows, target concept, new concepts, Phase 1."""
    parts = [row.concept for row in ctx.curriculum.index.taught(ctx.lesson)]
    plan = _plan(ctx)
    if plan is not None:
        parts += [plan.target_concept or ""]
        parts += [c.text for c in plan.cognitive_load.concepts] if plan.cognitive_load else []
        parts += [c.name for c in plan.concepts] + [p.concept for p in plan.prerequisites]
        parts += [i.text for i in plan.scope.is_items] if plan.scope else []
    if ctx.lesson.entry is not None:
        parts.append(ctx.lesson.entry.core_concept)
    return _phrase_key(" ".join(parts))


def _line_at(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


@rule(
    "X501", "untaught-term", Severity.IMPROVEMENT, "lesson",
    impact="The student meets a term before the lesson that teaches it and has nothing to hang it on.",
    fix="explain the term where it is first used, or reword without it",
)
def untaught_term(ctx: LessonContext) -> Iterator[Issue]:
    """Student-visible prose uses a term that the records teach first in a later lesson.

    Terms are the recorded concept names that are distinctive: multi-word
    names and acronyms (``MSE``).  Only prose is read (built lessons without
    code, notebook markdown cells); terms that are this lesson's own concepts
    and those in ``stop_terms`` are skipped, as are capitalised emphasis words
    (``NOT``), units (``MB``, a capitalised word right after a number) and
    comments (``<!-- -->``, ``{/* */}``).  One finding per term and file.
    """
    terms = _terms(ctx.curriculum)
    first = ctx.curriculum.index.first
    own = ctx.cached("x501-own", lambda: _own_text(ctx))
    for path in ctx.lesson.artifacts:
        seen: set[str] = set()
        for prose in read_prose(path):
            matches = []
            for pattern, table, fold in ((terms.phrase_re, terms.phrases, True), (terms.acronym_re, terms.acronyms, False)):
                if pattern is None:
                    continue
                for match in pattern.finditer(prose.text):
                    text = match.group()
                    if not fold and re.search(r"\d\s?$", prose.text[: match.start()]):
                        continue  # a unit after a number ("16 GB"), not the term
                    term = _phrase_key(text) if fold else text.rstrip("s") if text.rstrip("s") in table else text
                    key = table.get(term)
                    if key is not None:
                        matches.append((match.start(), text, term, key, fold))
            for start, text, term, key, fold in sorted(matches):
                taught = first[key]
                if term in seen or taught.lesson.order <= ctx.lesson.order:
                    continue
                if f" {_phrase_key(term) if fold else term.lower()} " in f" {own} ":
                    continue
                seen.add(term)
                where = f" (markdown cell {prose.cell})" if prose.cell is not None else ""
                yield Issue(
                    f"'{text}' is used before it is taught (taught in `{taught.lesson.cite}`){where}",
                    line=None if prose.cell is not None else prose.line - 1 + _line_at(prose.text, start),
                    path=path, subject=f"term:{term}",
                )
