"""Module record (FORMAT.md section 6): Concept Index rows and Per-Lesson Summaries.

Also home of concept-name matching: records are where concepts are looked up,
and the same tolerant comparison serves the rules, the graph and ``record``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from curriculum_cli.model.depth import DepthValue, parse_depth
from curriculum_cli.model.module_plan import module_title
from curriculum_cli.parse.markdown import Document, Section, Table, strip_markup, words

_CITED = re.compile(r"^\s*`?(?P<slug>[A-Za-z0-9][\w.-]*)`?\s*(?:\((?P<ref>\d+(?:\.\d+){1,2})\))?")
_LESSON_N = re.compile(r"^\s*(?:lesson\s*)?(?P<n>\d+)\s*(?:[:\-—]\s*(?P<slug>[A-Za-z0-9][\w.-]*))?", re.IGNORECASE)
_SUMMARY = re.compile(r"^`?(?P<slug>[A-Za-z0-9][\w.-]*)`?\s*(?:\((?P<rest>[^)]*)\))?")
_INT = re.compile(r"\d+")


@dataclass
class RecordRow:
    """One Concept Index row: what a lesson taught, at what depth."""

    line: int
    concept: str
    depth: DepthValue
    lesson_raw: str
    #: Slug of the lesson (``None`` when only a number was written and it is unknown).
    slug: str | None
    #: Lesson number when the cell gives one (``2`` or ``autograd (2.1.2)``).
    number: int | None = None
    notes: str = ""
    path: str = ""

    @property
    def apis(self) -> list[str]:
        """APIs named in backticks in the notes."""
        return re.findall(r"`([^`]+)`", self.notes)


@dataclass
class LessonSummary:
    """A ``### autograd (Lesson 2 — STRETCH)`` heading of Per-Lesson Summaries."""

    line: int
    slug: str
    number: int | None = None
    type_raw: str = ""


@dataclass
class ModuleRecord:
    path: str
    module_id: str | None
    title: str = ""
    rows: list[RecordRow] = field(default_factory=list)
    summaries: list[LessonSummary] = field(default_factory=list)
    #: Lines of the Concept Index table (header line, last line) when present.
    index_line: int | None = None
    index_end_line: int | None = None
    summaries_line: int | None = None


def _index_table(doc: Document) -> Table | None:
    for section in doc.sections():
        if "concept" in words(section.title) and "index" in words(section.title):
            tables = section.tables()
            if tables:
                return tables[0]
    for section in doc.root.walk():
        for table in section.tables(deep=False):
            if table.column("concept") is not None and table.column("lesson") is not None:
                return table
    return None


def parse_lesson_cell(text: str) -> tuple[str | None, int | None]:
    """``autograd``, ``autograd (2.1.2)``, ``2``, ``Lesson 2: autograd`` -> (slug, number)."""
    raw = strip_markup(text)
    numbered = _LESSON_N.match(raw)
    if numbered:
        return numbered["slug"], int(numbered["n"])
    cited = _CITED.match(raw)
    if not cited:
        return None, None
    ref = cited["ref"]
    number = int(ref.split(".")[2]) if ref and ref.count(".") == 2 else None
    return cited["slug"], number


def build_record(doc: Document, fallback_id: str | None = None) -> ModuleRecord:
    module_id, title, _ = module_title(doc)
    record = ModuleRecord(path=doc.path, module_id=module_id or fallback_id, title=title)
    table = _index_table(doc)
    if table is not None:
        record.index_line, record.index_end_line = table.line, table.end_line
        concept, depth, lesson, notes = (table.column(n) for n in ("concept", "depth", "lesson", "notes"))
        for row in table.rows:
            name = strip_markup(row.get(concept))
            if not name:
                continue
            slug, number = parse_lesson_cell(row.get(lesson))
            record.rows.append(
                RecordRow(
                    line=row.line, concept=name, depth=parse_depth(strip_markup(row.get(depth))),
                    lesson_raw=strip_markup(row.get(lesson)), slug=slug, number=number,
                    notes=row.get(notes), path=doc.path,
                )
            )
    summaries = _summaries_section(doc)
    if summaries is not None:
        record.summaries_line = summaries.line
        for child in summaries.children:
            match = _SUMMARY.match(strip_markup(child.title))
            if not match:
                continue
            rest = match["rest"] or ""
            found = _INT.search(rest)
            kind = re.search(r"(BUILD|STRETCH|CONSOLIDATE|PROJECT)", rest, re.IGNORECASE)
            record.summaries.append(
                LessonSummary(
                    line=child.line, slug=match["slug"], number=int(found.group()) if found else None,
                    type_raw=kind.group(1).upper() if kind else "",
                )
            )
    return record


def _summaries_section(doc: Document) -> Section | None:
    for section in doc.sections():
        if "summaries" in words(section.title) or "summary" in words(section.title) and section.level <= 2:
            return section
    return None


# --------------------------------------------------------------------------- concept names

_PARENS = re.compile(r"\([^)]*\)")
_PARENS_TEXT = re.compile(r"\(([^)]*)\)")
_STOP = frozenset({"the", "a", "an", "of", "and", "for", "to", "in", "with", "as", "on", "by", "its"})

#: Score (0-100) at or above which two concept names are the same concept.
MATCH_THRESHOLD = 85.0


def concept_key(name: str) -> str:
    """Normalized concept name: case, markup, punctuation, filler words and word order ignored."""
    return " ".join(sorted(w for w in words(strip_markup(name)) if w not in _STOP))


def _core_key(name: str) -> str:
    return concept_key(_PARENS.sub(" ", name))


def concept_score(claim: str, row: str) -> float:
    """How alike two concept names are (0-100), tolerant of order, qualifiers and small edits."""
    a, b = concept_key(claim), concept_key(row)
    if not a or not b:
        return 0.0
    if a == b:
        return 100.0
    best = fuzz.token_sort_ratio(a, b)
    # "MSE" names "Mean squared error (MSE)": a parenthetical alias matches exactly.
    aliases_a = {a, *(concept_key(x) for x in _PARENS_TEXT.findall(claim))}
    aliases_b = {b, *(concept_key(x) for x in _PARENS_TEXT.findall(row))}
    if aliases_a & aliases_b - {""}:
        return 95.0
    core_a, core_b = _core_key(claim), _core_key(row)
    if core_a and core_b:
        best = max(best, fuzz.token_sort_ratio(core_a, core_b))
        # One name is the other plus qualifiers: "Chain rule" vs "Chain rule for composed functions".
        short, long = sorted((set(core_a.split()), set(core_b.split())), key=len)
        if len(short) >= 2 and short <= long:
            best = max(best, 90.0)
    return best


def best_match(claim: str, rows: list[RecordRow]) -> tuple[RecordRow | None, float]:
    """The record row closest to ``claim`` and its score."""
    if not rows:
        return None, 0.0
    found = process.extractOne(claim, [r.concept for r in rows], scorer=lambda a, b, **_: concept_score(a, b))
    if found is None:
        return None, 0.0
    _, score, index = found
    return rows[index], float(score)
