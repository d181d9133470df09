"""Step 6 of the pipeline: write what a lesson taught into its module record.

``record_lesson`` adds the lesson's rows to the record's Concept Index, from
the planning doc's new concepts (Cognitive Load list), target concept and
target depth, with the APIs in backticks in the notes, and adds a Per-Lesson
Summary skeleton when the lesson has none.  Rows already in the record are
never changed (a person may have written or edited them): a planned concept
is already recorded when a row of the lesson names it, or when the lesson's
rows already name all of its APIs.  So recording is idempotent, and recording
a complete record changes nothing.  It refuses a lesson whose last review is
not PASS (unless forced), writes atomically keeping the record's line endings,
refuses to overwrite a record that changed while it ran, and can return the
change as a unified diff instead of writing.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from pathlib import Path

from curriculum_cli.errors import CurriculumError, StaleFileError
from curriculum_cli.load.files import TextFile, atomic_write, lines_of, read_file, write_like
from curriculum_cli.model.curriculum import Curriculum, Lesson, Module, slug_key
from curriculum_cli.model.depth import Depth, parse_depth
from curriculum_cli.model.plan import LessonPlan
from curriculum_cli.model.record import MATCH_THRESHOLD, build_record, concept_key, concept_score
from curriculum_cli.model.record import RecordRow as IndexRow
from curriculum_cli.parse.markdown import Document, parse_markdown, strip_markup, words

__all__ = ["RecordError", "RecordRefused", "RecordResult", "RecordRow", "last_verdict", "planned_rows", "record_lesson"]


class RecordError(CurriculumError):
    """The lesson cannot be recorded (unknown lesson, no planning doc, no module)."""


class RecordRefused(RecordError):
    """The lesson's last review verdict is not PASS (use ``force`` to record anyway)."""


@dataclass(frozen=True)
class RecordResult:
    changed: bool
    #: Unified diff of the record (empty when nothing changes).
    diff: str
    path: Path


@dataclass(frozen=True)
class RecordRow:
    """A Concept Index row to write."""

    concept: str
    depth: Depth
    lesson: str
    notes: str

    def markdown(self, columns: list[str] | None = None) -> str:
        """The row in the Concept Index's own columns (default ``Concept | Depth | Lesson | Notes``)."""
        values = {"concept": self.concept, "depth": self.depth.name, "lesson": self.lesson, "notes": self.notes}
        cells = [values.get(c, "") for c in columns or list(values)]
        return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"


_VERDICT = re.compile(r"^#{2,4}\s*Verdict\s*:?\s*(?P<v>.+?)\s*$", re.IGNORECASE | re.MULTILINE)
_BACKTICKS = re.compile(r"`([^`]+)`")
_API_TOKEN = re.compile(r"(?<![\w`])((?:[A-Za-z_][\w]*)?(?:\.[A-Za-z_]\w*)+\(\)|[A-Za-z_]\w*\(\)|\.[A-Za-z_]\w*|[a-z]+_[a-z_]+)(?![\w`])")
_PARENS = re.compile(r"\s*\(([^()]*)\)")
_GROUP = re.compile(r"\(([^()]*)\)")
_ACRONYM = re.compile(r"[A-Z][A-Z0-9]{1,5}")


def last_verdict(plan: LessonPlan, source: str) -> str | None:
    """The verdict of the last review (``PASS``, ``NEEDS REVISION``...), or ``None`` without reviews."""
    if not plan.reviews:
        return None
    review = plan.reviews[-1]
    if review.verdict:
        return review.verdict.strip().upper()
    lines = lines_of(source)
    start, end = (review.line or 1) - 1, review.end_line or len(lines)
    match = _VERDICT.search("\n".join(lines[start:end]))
    return strip_markup(match["v"]).upper() if match else None


def _apis(text: str) -> list[str]:
    found = [api.strip() for api in _BACKTICKS.findall(text)]
    bare = _BACKTICKS.sub(" ", text)
    found += [token for token in _API_TOKEN.findall(bare)]
    return list(dict.fromkeys(a for a in found if a))


def _split_item(text: str) -> tuple[str, str, list[str]]:
    """``"`requires_grad` flag and its effect (tells PyTorch ...)"`` -> (name, description, APIs).

    Parentheses inside code spans (``.sum(dim=...)``) are not groups; an
    acronym in parentheses (``(MSE)``) stays in the name.
    """
    spans: list[str] = []

    def mask(match: re.Match[str]) -> str:
        spans.append(match.group(0))
        return f"\x00{len(spans) - 1}\x00"

    def unmask(value: str) -> str:
        return re.sub(r"\x00(\d+)\x00", lambda m: spans[int(m.group(1))], value)

    masked = _BACKTICKS.sub(mask, text)
    groups = _GROUP.findall(masked)
    name = _PARENS.sub(lambda m: m.group(0) if _ACRONYM.fullmatch(m.group(1).strip()) else "", masked)
    name = unmask(name.split(" — ")[0].strip().rstrip(".:;"))
    prose = [unmask(g) for g in groups if not _ACRONYM.fullmatch(g.strip())]
    prose = [g for g in prose if _BACKTICKS.sub("", g).strip(" ,/;")]
    return name or text.strip(), "; ".join(strip_markup(p) for p in prose), _apis(text)


def _depth(plan: LessonPlan) -> Depth:
    target = plan.scope.target_depth if plan.scope else None
    value = parse_depth(target).depth if target else None
    return value or Depth.INTRODUCED


def planned_rows(lesson: Lesson) -> list[RecordRow]:
    """The Concept Index rows the lesson's planning doc implies."""
    if lesson.plan is None:
        return []
    plan = lesson.plan.plan
    depth = _depth(plan)
    items = [c.text for c in plan.cognitive_load.concepts] if plan.cognitive_load else []
    if not items and plan.target_concept:
        items = [plan.target_concept.split(". ")[0]]
    rows = []
    for item in items:
        name, description, apis = _split_item(item)
        notes = "; ".join(p for p in (description, ", ".join(f"`{a}`" for a in apis)) if p)
        rows.append(RecordRow(concept=name, depth=depth, lesson=lesson.slug, notes=notes))
    return rows


# --------------------------------------------------------------------------- editing the record


def _skeleton(module: Module) -> str:
    title = module.title or "Untitled"
    return (
        f"# Module {module.module_id}: {title} — Record\n\n**Goal:** \n**Status:** IN PROGRESS\n\n"
        "## Concept Index\n\n| Concept | Depth | Lesson | Notes |\n|---------|-------|--------|-------|\n\n"
        "## Per-Lesson Summaries\n"
    )


def _record_path(curriculum: Curriculum, lesson: Lesson, module: Module) -> Path:
    if module.record_path:
        return Path(module.record_path)
    if module.plan_path:
        return Path(module.plan_path).parent / "record.md"
    if module.folder is not None:
        return module.folder / "record.md"
    assert lesson.plan is not None
    return Path(lesson.plan.path).parent.parent / "record.md"


def _update_index(lines: list[str], doc: Document, rows: list[RecordRow], lesson: Lesson) -> list[str]:
    """Add the planned rows the record does not hold yet; existing rows are never changed."""
    record = build_record(doc)
    if record.index_line is None:
        block = ["## Concept Index", "", "| Concept | Depth | Lesson | Notes |", "|---------|-------|--------|-------|"]
        at = (record.summaries_line - 1) if record.summaries_line else len(lines)
        for where in dict.fromkeys((at, len(lines))):  # before the summaries, else at the end
            tried = [*lines[:where], "", *block, "", *lines[where:]]
            record = build_record(parse_markdown("\n".join(tried) + "\n"))
            if record.index_line is not None:
                lines = tried
                break
    if record.index_line is None or record.index_end_line is None:
        raise RecordError(
            f"{doc.path}: no Concept Index table, and one added would not read as a table here "
            "(an unclosed code fence or list?); fix the record's Markdown or add the table by hand"
        )
    mine = [row for row in record.rows if _is_lesson_row(row, lesson)]
    insert: list[str] = []
    added: list[RecordRow] = []
    for row in rows:
        if _recorded(row, mine) or any(concept_key(row.concept) == concept_key(a.concept) for a in added):
            continue
        added.append(row)
        insert.append(row.markdown(_columns(lines[record.index_line - 1])))
    end = record.index_end_line
    return [*lines[:end], *insert, *lines[end:]]


def _columns(header: str) -> list[str]:
    """``| Concept | Depth | Lesson |`` -> ``["concept", "depth", "lesson"]`` (other headers kept as written)."""
    names = [strip_markup(cell).strip().lower() for cell in header.strip().strip("|").split("|")]
    known = ("concept", "depth", "lesson", "notes")
    return [next((k for k in known if name.startswith(k)), name) for name in names]


def _is_lesson_row(row: IndexRow, lesson: Lesson) -> bool:
    if row.slug and slug_key(row.slug) == slug_key(lesson.slug):
        return True
    return row.number is not None and row.number == lesson.number and not row.slug


def _api_key(api: str) -> str:
    return re.sub(r"\s+", "", api)


def _recorded(row: RecordRow, mine: list[IndexRow]) -> bool:
    """Does the lesson already have a row for ``row``'s concept?

    Yes when a row of the lesson names the same concept (the tolerant
    comparison used everywhere), or when the lesson's rows already name every
    API the planned concept lists (the person who wrote the record grouped or
    named the concepts differently).
    """
    if any(concept_score(row.concept, old.concept) >= MATCH_THRESHOLD for old in mine):
        return True
    planned = {_api_key(api) for api in _BACKTICKS.findall(row.notes)}
    have = {_api_key(api) for old in mine for api in old.apis}
    return bool(planned) and planned <= have


def _summary(lesson: Lesson, rows: list[RecordRow]) -> list[str]:
    plan = lesson.plan.plan if lesson.plan else None
    kind = lesson.type.value if lesson.type else "BUILD"
    not_covered = "; ".join(strip_markup(i.text) for i in plan.scope.not_items) if plan and plan.scope else ""
    taught = ", ".join(f"{r.concept} ({r.depth.name})" for r in rows)
    return [
        f"### {lesson.slug} (Lesson {lesson.number if lesson.number is not None else '?'} — {kind})",
        "",
        f"- **Concepts taught:** {taught}",
        "- **Mental models:** ",
        "- **Analogies:** ",
        "- **How taught:** ",
        "- **Checks and exercises:** ",
        f"- **NOT covered:** {not_covered}",
        "",
    ]


_LESSON_HEADING = re.compile(r"^\s*lesson\s+(\d+)\b", re.IGNORECASE)


def _has_summary(doc: Document, summaries_line: int | None, lesson: Lesson) -> bool:
    """Is there a summary heading for the lesson: its slug (``### autograd (Lesson 2 ...)``) or its number
    (``### Lesson 2: Human Title``)?"""
    if summaries_line is None:
        return False
    section = next((s for s in doc.sections() if s.line == summaries_line), None)
    key = slug_key(lesson.slug)
    for child in section.children if section else []:
        title = strip_markup(child.title)
        numbered = _LESSON_HEADING.match(title)
        if key and key in slug_key(title) or numbered and lesson.number is not None and int(numbered[1]) == lesson.number:
            return True
    return False


def _update_summaries(lines: list[str], doc: Document, lesson: Lesson, rows: list[RecordRow]) -> list[str]:
    record = build_record(doc)
    if _has_summary(doc, record.summaries_line, lesson):
        return lines
    block = _summary(lesson, rows)
    if record.summaries_line is None:
        return [*lines, *([""] if lines and lines[-1].strip() else []), "## Per-Lesson Summaries", "", *block]
    later = [s for s in record.summaries if s.number is not None and lesson.number is not None and s.number > lesson.number]
    if later:
        at = min(s.line for s in later) - 1
    else:
        section = next(s for s in doc.sections() if s.line == record.summaries_line)
        at = section.end_line
        while at > 0 and not lines[at - 1].strip():
            at -= 1
        block = ["", *block[:-1]]
    return [*lines[:at], *block, *lines[at:]]


def _write(path: Path, text: str, source: TextFile | None) -> None:
    """Write the record atomically, refusing (StaleFileError) if it changed since ``source`` was read."""
    if source is not None:
        write_like(path, text, source)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        raise StaleFileError(f"{path}: the record was created by someone else meanwhile; not overwritten")
    atomic_write(path, text)


def record_lesson(curriculum: Curriculum, slug: str, *, force: bool = False, dry_run: bool = False) -> RecordResult:
    """Add or update ``slug``'s rows in its module record (see the module docstring).

    Raises :class:`RecordRefused` when the last review verdict is not PASS and
    ``force`` is false, :class:`RecordError` for an unknown or unplanned lesson.
    After a write the curriculum's record and index are refreshed, so checks of
    later lessons see the new rows.
    """
    lesson = curriculum.lesson(slug)
    if lesson is None:
        raise RecordError(f"{slug}: no such lesson in the curriculum at {curriculum.root}")
    if lesson.plan is None:
        raise RecordError(f"{lesson.slug}: no planning document to record from")
    if not lesson.module_id:
        raise RecordError(f"{lesson.slug}: the planning doc names no module (title 'Lesson: slug (Module X.Y, Lesson N)')")
    verdict = last_verdict(lesson.plan.plan, lesson.plan.doc.source)
    if not force and (verdict is None or words(verdict)[:1] != ["pass"]):
        said = f"is {verdict}" if verdict else "is missing (no review yet)"
        raise RecordRefused(
            f"{lesson.plan.path}: the last review verdict {said}; record a lesson after a PASS review, or force it"
        )
    module = curriculum.modules.setdefault(lesson.module_id, Module(module_id=lesson.module_id))
    path = _record_path(curriculum, lesson, module)
    source = read_file(path) if path.exists() else None
    before = source.text if source else ""
    text = before or _skeleton(module)
    rows = planned_rows(lesson)
    lines = text.rstrip("\n").split("\n")
    lines = _update_index(lines, parse_markdown(text, str(path)), rows, lesson)
    lines = _update_summaries(lines, parse_markdown("\n".join(lines) + "\n", str(path)), lesson, rows)
    after = "\n".join(lines).rstrip("\n") + "\n"
    diff = "".join(
        difflib.unified_diff(
            before.splitlines(keepends=True), after.splitlines(keepends=True), f"a/{path}", f"b/{path}"
        )
    )
    changed = after != before
    if changed and not dry_run:
        _write(path, after, source)
        module.record = build_record(parse_markdown(after, str(path)), module.module_id)
        module.record_path = str(path)
        curriculum.invalidate()
    return RecordResult(changed=changed, diff=diff, path=path)
