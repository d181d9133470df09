"""Module plan (FORMAT.md section 6): ``# Module 2.1: <title> — Plan`` with its Lesson Sequence."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from curriculum_cli.model.aliases import SEQUENCE_COLUMNS, SEQUENCE_HEADINGS
from curriculum_cli.model.depth import LessonType, parse_type
from curriculum_cli.parse.markdown import Document, Table, strip_markup, words

_MODULE_TITLE = re.compile(r"module\s+(?P<id>\d+\.\d+)\s*[:\-—]?\s*(?P<title>.*)$", re.IGNORECASE)
_TITLE_TAIL = re.compile(r"\s*(?:—|--|-)\s*(?:plan|record)\s*$", re.IGNORECASE)
_SLUG = re.compile(r"[A-Za-z0-9][\w.-]*")
_INT = re.compile(r"\d+")

#: Status words that mean "the lesson is built".
BUILT_WORDS = frozenset({"built", "done", "complete", "completed", "recorded", "shipped", "published", "passed"})


def is_built_status(text: str) -> bool:
    return "✅" in text or any(word in BUILT_WORDS for word in words(text))


def module_title(doc: Document) -> tuple[str | None, str, int | None]:
    """(module id, title, line) from a ``# Module 2.1: Title — Plan`` heading."""
    title = doc.title
    if title is None:
        return None, "", None
    match = _MODULE_TITLE.search(strip_markup(title.title))
    if not match:
        return None, strip_markup(title.title), title.line
    return match["id"], _TITLE_TAIL.sub("", match["title"]).strip(), title.line


def document_field(doc: Document, name: str) -> tuple[str, int] | None:
    """The first ``**Name:** value`` field of the document, with its line."""
    for section in doc.root.walk():
        for found in section.fields(deep=False):
            if " ".join(words(found.label)) == name:
                return found.value, found.line
    return None


@dataclass
class SequenceEntry:
    """One row of the Lesson Sequence table."""

    line: int
    slug: str
    number: int | None = None
    core_concept: str = ""
    type_raw: str = ""
    type: LessonType | None = None
    status: str = ""

    @property
    def built(self) -> bool:
        return is_built_status(self.status)


@dataclass
class ModulePlan:
    path: str
    module_id: str | None
    title: str = ""
    title_line: int | None = None
    status: str | None = None
    status_line: int | None = None
    sequence_line: int | None = None
    entries: list[SequenceEntry] = field(default_factory=list)
    #: The sequence has a number column (else numbers are row positions).
    numbered: bool = False


def _column(table: Table, names: tuple[str, ...]) -> int | None:
    for index, cell in enumerate(table.header):
        if strip_markup(cell).lower() in names:  # "#", "N": no words to match
            return index
    return table.column(*names)


def _sequence_table(doc: Document) -> Table | None:
    for section in doc.sections():
        title = " ".join(words(section.title))
        if any(name in title for name in SEQUENCE_HEADINGS):
            for table in section.tables(deep=False) or section.tables():
                if _column(table, SEQUENCE_COLUMNS["slug"]) is not None:
                    return table
    for section in doc.root.walk():
        for table in section.tables(deep=False):
            if table.column("slug") is not None:
                return table
    return None


_CODE_SPAN = re.compile(r"`([^`]+)`")


def sequence_slug(cell: str) -> str | None:
    """The slug in a Lesson/Slug cell: ``autograd``, `` `autograd` ``, ``1. autograd``, ``autograd (new)``."""
    code = _CODE_SPAN.search(cell)
    text = code.group(1) if code else strip_markup(cell)
    text = re.sub(r"^\s*(?:lesson\s*)?\d+\s*[.:)\-—]\s*", "", text, flags=re.IGNORECASE)
    match = _SLUG.search(text)
    if match is None or match.group().isdigit():
        return None
    return match.group()


def build_module_plan(doc: Document, fallback_id: str | None = None) -> ModulePlan:
    """Read a module plan.  Without a number column a lesson's number is its row (census: 21 of 30 plans)."""
    module_id, title, line = module_title(doc)
    status = document_field(doc, "status")
    plan = ModulePlan(
        path=doc.path, module_id=module_id or fallback_id, title=title, title_line=line,
        status=status[0] if status else None, status_line=status[1] if status else None,
    )
    table = _sequence_table(doc)
    if table is None:
        return plan
    plan.sequence_line = table.line
    number_col = _column(table, SEQUENCE_COLUMNS["number"])
    slug_col = _column(table, SEQUENCE_COLUMNS["slug"])
    if slug_col == number_col:
        number_col = None
    concept_col = _column(table, SEQUENCE_COLUMNS["concept"])
    type_col = _column(table, SEQUENCE_COLUMNS["type"])
    status_col = _column(table, SEQUENCE_COLUMNS["status"])
    plan.numbered = number_col is not None
    for row in table.rows:
        slug = sequence_slug(row.get(slug_col))
        if slug is None:
            continue
        number = _INT.search(row.get(number_col)) if number_col is not None else None
        type_raw = strip_markup(row.get(type_col))
        plan.entries.append(
            SequenceEntry(
                line=row.line, slug=slug,
                number=int(number.group()) if number else len(plan.entries) + 1,
                core_concept=strip_markup(row.get(concept_col)), type_raw=type_raw,
                type=parse_type(type_raw) if type_raw else None, status=strip_markup(row.get(status_col)),
            )
        )
    return plan
