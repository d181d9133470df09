"""Document tree -> :class:`LessonPlan`.

Parts are recognized by name wherever they sit (any heading level, a bold
label, or, for tables, by their columns), through the alias table ``PARTS``
that also covers older documents of the pipeline (FORMAT.md section 3).
Nothing here raises on odd input: what cannot be read becomes a
:class:`~curriculum_cli.model.plan.Problem` with its line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from curriculum_cli.model import aliases
from curriculum_cli.model import plan as m
from curriculum_cli.model.depth import parse_depth, parse_type
from curriculum_cli.parse.markdown import (
    Document,
    ListBlock,
    ListItem,
    Paragraph,
    Section,
    Table,
    fields_in,
    match_name,
    strip_markup,
    words,
)

#: Re-exported for callers that read the alias tables through this module.
PARTS = aliases.PARTS
TABLE_COLUMNS = aliases.TABLE_SIGNATURES

#: Parts under ``## What Was Actually Built`` (older documents) -> their own fields.
_BUILT_PARTS = {"mental_models": "built_mental_models", "components": "components", "analogies": "analogies"}

_REVIEW_TITLE = re.compile(r"^review\b", re.IGNORECASE)
_SLUG_SHAPE = re.compile(r"[a-z0-9]+(?:[-_][a-z0-9]+)*")
_OF = re.compile(r"^\s*(?:of|/)\s*(?P<m>\d+)", re.IGNORECASE)
_MODULE = re.compile(r"module\s+(?P<id>\d+(?:\.\d+)*)", re.IGNORECASE)
_LESSON_NO = re.compile(r"lesson\s+(?P<n>\d+)", re.IGNORECASE)
#: The parenthesis closing a NOT-list item, where a deferral is written.
_DEFERRAL_PARENS = re.compile(r"\((?P<inner>[^()]*)\)\s*[.;,]?\s*$")
#: Its start: a few lead words ("see", "covered in", "deferred to") then "lesson" or "module".
_DEFERRAL_START = re.compile(
    r"^\s*(?:(?:[a-z]+|→|->)(?:\s*:\s*|\s+)){0,3}?(?=(?:lesson|module)\s+\d)", re.IGNORECASE,
)
_DEFERRAL_LESSON = re.compile(r"\blesson\s+(?P<n>\d+(?:\.\d+)*)", re.IGNORECASE)
_DEFERRAL_MODULE = re.compile(r"\bmodule\s+(?P<m>\d+(?:\.\d+)*)", re.IGNORECASE)
_DEFERRAL_SLUG = re.compile(r"(?::|\s[—–]|\s--?\s)\s*`?(?P<slug>[a-z][\w.-]*)")
#: Words that point back ("already covered in lesson 2"): a reminder, not a deferral.
_DEFERRAL_BACK = re.compile(r"\b(?:already|previously|earlier|was|were|recap|review(?:ed)?|from|since)\b", re.IGNORECASE)
_NUMBER = re.compile(r"\d+")
_RANGE = re.compile(r"(?P<low>\d+)\s*(?:-|–|—|to|or)\s*(?P<high>\d+)")
_NUMBER_WORDS = {
    "zero": 0, "none": 0, "no": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10,
}
#: A numbered load item that is not new ("(reinforced)", "review of ...").
_REINFORCED = re.compile(r"\b(?:reinforc\w*|not new|review(?:ed)? from|recap)\b", re.IGNORECASE)
#: ``(1) a (2) b`` enumerated inline after the count.
_INLINE_ITEM = re.compile(r"\(\d+\)\s*([^()]+?)(?=\(\d+\)|$)")


def read_count(text: str) -> tuple[int | None, int | None]:
    """(low, high) of a stated count: ``3``, ``2-3``, ``Two``, ``zero``, ``2 genuinely new (a, b)``."""
    plain = strip_markup(text)
    span = _RANGE.match(plain.strip())
    if span:
        return int(span["low"]), int(span["high"])
    number = _NUMBER.search(plain)
    first_words = words(plain)[:3]
    for word in first_words:
        if word in _NUMBER_WORDS and (number is None or plain.lower().find(word) < number.start()):
            return _NUMBER_WORDS[word], _NUMBER_WORDS[word]
    if number:
        return int(number.group()), int(number.group())
    return None, None
_OUTLINE = re.compile(r"^(?P<n>\d+)[.)]\s*(?P<title>.*)$")
_OUTLINE_LINE = re.compile(r"^\s*\*\*(?P<n>\d+)[.)]\s*(?P<title>[^*]+?):?\*\*")


@lru_cache(maxsize=4096)
def part_match(title: str) -> tuple[str, str] | None:
    """(canonical part, alias phrase) a heading or label names, or ``None``."""
    have = words(title)
    for part, phrases in PARTS.items():
        for phrase in phrases:
            want = words(phrase)
            if phrase.endswith("$"):
                if have == want:
                    return part, phrase
                continue
            starts = range(1) if phrase.startswith("^") else range(len(have) - len(want) + 1)
            for start in starts:
                if have[start : start + len(want)] == want:
                    return part, phrase.strip("^$")
    return None


def part_of(title: str) -> str | None:
    """The canonical part a heading or label names, or ``None``."""
    found = part_match(title)
    return found[0] if found else None


def table_part(table: Table) -> str | None:
    header = " | ".join(table.header)
    for part, columns in TABLE_COLUMNS.items():
        if all(table.column(c) is not None or _contains(header, c) for c in columns):
            return part
    return None


@lru_cache(maxsize=1024)
def header_label(label: str) -> str | None:
    """The header field a bold label names (``**Load Type:**`` -> ``load_type``), or ``None``."""
    have = " ".join(words(label))
    for name, phrases in aliases.HEADER_LABELS.items():
        if have in phrases:
            return name
    return None


def is_medium(value: str) -> bool:
    """A ``**Type:**`` value that describes the medium ("Hands-on notebook"), not the load.

    A load word in lower case beside a medium word ("Project notebook",
    "Consolidation exercises") describes the medium; a load word in capitals
    ("PROJECT notebook") or in parentheses ("Notebook (BUILD)") is the load.
    """
    if parse_type(value) is None:
        have = words(value)
        return len(have) > 1 or any(w in aliases.MEDIUM_WORDS for w in have)
    outside = re.sub(r"\([^)]*\)", " ", value.replace("*", ""))
    loads = [w for w in re.findall(r"[A-Za-z]+", outside) if w.lower() in aliases.TYPE_WORDS]
    return (
        bool(loads) and not any(w.isupper() for w in loads)
        and any(w in aliases.MEDIUM_WORDS for w in words(outside))
    )


def _scope_label(label: str) -> str | None:
    """``not``, ``is`` or ``target`` for a scope label ("This lesson is NOT about", "In scope")."""
    have = " ".join(words(label))
    if "target depth" in have or have.startswith("depth target"):
        return "target"
    if "not about" in have or "is not" in have or "out of scope" in have or have in ("not", "excluded", "deferred"):
        return "not"
    if "is about" in have or "in scope" in have or have in ("is", "covers", "included"):
        return "is"
    return None


def _flat_scope(text: str) -> str:
    """``not`` for a flat-list item that says it is out of scope, else ``is``."""
    have = " ".join(words(text))
    return "not" if any(have == p or have.startswith(p + " ") for p in aliases.SCOPE_NOT_PREFIXES) else "is"


def _contains(text: str, phrase: str) -> bool:
    return " ".join(words(phrase)) in " ".join(words(text))


def column_roles(table: Table, part: str) -> dict[str, int | None]:
    """Column role -> index of the header cell that names it (``aliases.COLUMNS[part]``), each cell used once."""
    indexes: dict[str, int | None] = {}
    taken: set[int] = set()
    for role, names in aliases.COLUMNS[part].items():
        index = next(
            (i for name in names for i, cell in enumerate(table.header) if i not in taken and match_name(cell, name)),
            None,
        )
        indexes[role] = index
        if index is not None:
            taken.add(index)
    return indexes


def example_kind(text: str) -> str | None:
    """``positive`` / ``negative`` from an example's Type cell ("Positive (stretch)", "Non-example")."""
    have = " ".join(words(text))
    for kind, names in aliases.EXAMPLE_KINDS.items():
        if any(have.startswith(name) for name in names):
            return kind
    for kind, names in aliases.EXAMPLE_KINDS.items():
        if any(f" {name} " in f" {have} " for name in names):
            return kind
    return None


_REF = r"\d+\.\d+(?:\.\d+)?"
_CITED_FORMS = (
    # autograd (2.1) / autograd (2.1.2) / Computational Graphs (1.3)
    re.compile(rf"(?P<slug>[A-Za-z0-9][\w.' -]*?)\s*\((?:module\s+|lesson\s+)?(?P<ref>{_REF})\)", re.IGNORECASE),
    # 2.1.2 (autograd)
    re.compile(rf"(?P<ref>{_REF})\s*\((?P<slug>[A-Za-z0-9][\w.' -]*?)\)"),
)
_CITE_NOISE = re.compile(r"^(?:(?:lesson|from|in|see|and|also|the)\b\s*:?\s*)+", re.IGNORECASE)


def _citation(raw: str, slug: str, ref: str, line: int | None) -> m.Citation:
    parts = ref.split(".")
    slug = _CITE_NOISE.sub("", slug.strip(" `*,;:")).strip()
    return m.Citation(
        raw=raw, slug=slug or None, module_id=".".join(parts[:2]),
        lesson_number=int(parts[2]) if len(parts) == 3 else None, line=line,
    )


def parse_citations(text: str, line: int | None = None) -> list[m.Citation]:
    """Every lesson a Source cell cites: ``a (1.1), b (1.2)``, ``a (1.1.2)``, ``1.1.2 (a)``, ``Title Words (1.3)``.

    Always at least one citation (the whole cell, unread, when nothing matches).
    """
    raw = strip_markup(text)
    found: list[tuple[int, m.Citation]] = []
    taken: list[range] = []
    for pattern in _CITED_FORMS:
        for match in pattern.finditer(raw):
            if any(match.start() in span for span in taken):
                continue
            taken.append(range(match.start(), match.end()))
            found.append((match.start(), _citation(match.group().strip(), match["slug"], match["ref"], line)))
    if not found:
        return [m.Citation(raw=raw, line=line)]
    cites = [c for _, c in sorted(found, key=lambda pair: pair[0])]
    if len(cites) == 1:
        cites[0] = cites[0].model_copy(update={"raw": raw})
    return cites


def parse_citation(text: str, line: int | None = None) -> m.Citation:
    """The first lesson a Source cell cites (see :func:`parse_citations`)."""
    return parse_citations(text, line)[0]


def _depth(text: str, line: int) -> m.DepthCell:
    value = parse_depth(strip_markup(text))
    return m.DepthCell(raw=value.raw, depth=value.depth, raised_from=value.raised_from, kind=value.kind, line=line)


def _deferral(text: str) -> m.Deferral | None:
    """Where a NOT-list item is deferred, from its closing parenthesis.

    ``(lesson 3: slug)`` is a lesson of this module; ``(lesson 1.3.2: slug)``,
    ``(lesson 2 of module 1.3: slug)``, ``(module 1.3, lesson 2)`` one of
    another module; ``(module 1.3)`` a module.  A few lead words may come
    first: ``(see lesson 4)``, ``(covered in module 2.1)``, but not words
    that point back (``(already covered in lesson 2)`` is a reminder).  The
    slug follows a colon or a dash.
    """
    parens = _DEFERRAL_PARENS.search(strip_markup(text))
    if parens is None:
        return None
    inner = parens["inner"]
    start = _DEFERRAL_START.match(inner)
    if start is None or _DEFERRAL_BACK.search(inner[: start.end()]):
        return None
    rest = inner[start.end():]
    lesson, module = _DEFERRAL_LESSON.search(rest), _DEFERRAL_MODULE.search(rest)
    slug = _DEFERRAL_SLUG.search(rest)
    if lesson is None:
        if module is None:
            return None
        return m.Deferral(raw=parens.group(0).strip(), kind="module", number=module["m"].rstrip("."),
                          slug=slug["slug"] if slug else None)
    number = lesson["n"].rstrip(".")
    if module is not None and "." not in number:
        number = f"{module['m'].rstrip('.')}.{number}"
    return m.Deferral(raw=parens.group(0).strip(), kind="lesson", number=number, slug=slug["slug"] if slug else None)


class _PlanBuilder:
    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.plan = m.LessonPlan(path=doc.path)
        #: A load type given under its own label (``**Cognitive load:** BUILD``), with its line.
        self._load_type: tuple[str, int] | None = None

    # ----------------------------------------------------------------- driver
    def build(self) -> m.LessonPlan:
        plan_sections: list[tuple[Section, str | None]] = []
        review_sections: list[Section] = []
        for section in self.doc.root.children:
            self._split(section, plan_sections, review_sections, None)
        self._header()
        for section, inside in plan_sections:
            self._section(section, inside)
        for block in self.doc.root.blocks:  # tables before any heading
            if isinstance(block, Table):
                self._table(block, None)
        self._review_parts(review_sections)
        self._type_from_load()
        return self.plan

    def _type_from_load(self) -> None:
        """A ``**Type:**`` naming the medium leaves the load to Phase 3 ("This lesson's load")."""
        header, load = self.plan.header, self.plan.cognitive_load
        if load is not None and load.this_load is None and load.assessment_line is not None:
            # "**Assessment:** STRETCH — ..." states this lesson's load when it starts with a type.
            first = re.match(r"[\s*_`]*([A-Za-z]+)", load.assessment or "")
            if first and parse_type(first.group(1)) is not None:
                load.this_load = m.LabelValue(raw=load.assessment or "", line=load.assessment_line)
        if header.type is not None or header.type_raw is not None or load is None or load.this_load is None:
            return
        kind = parse_type(load.this_load.raw)
        if kind is not None and (header.medium is not None or header.line is not None):
            header.type, header.type_raw, header.type_line = kind, load.this_load.raw, load.this_load.line

    def _split(
        self, section: Section, plan: list[tuple[Section, str | None]], reviews: list[Section], inside: str | None
    ) -> None:
        if _REVIEW_TITLE.match(strip_markup(section.title)) and section.level <= 2:
            reviews.append(section)
            return
        plan.append((section, inside))
        part = part_of(section.title)
        if part in ("outline", "checklists"):
            return  # their subsections are outline steps and checklist groups
        for child in section.children:
            self._split(child, plan, reviews, "built" if part == "built" else inside)

    def problem(self, code: str, line: int | None, message: str, fix: str | None = None) -> None:
        self.plan.problems.append(m.Problem(code=code, line=line, message=message, fix=fix))

    # ----------------------------------------------------------------- header
    def _header(self) -> None:
        header = self.plan.header
        title = self.doc.title
        if title is None:
            self.problem(
                "P100", 1, "no '# Lesson: <title>' line",
                "start the document with '# Lesson: <title> (Module 2.1, Lesson 2)'",
            )
            fields = [f for p in self.doc.root.paragraphs(deep=False) for f in fields_in(p.text, p.line)]
        else:
            header.line = title.line
            header.title = title.title
            self._title(strip_markup(title.title), title.line)
            fields = title.fields(deep=False)
            fields += [f for p in self.doc.root.paragraphs(deep=False) for f in fields_in(p.text, p.line)]
        for field in fields:
            self._header_field(header_label(field.label), field.value, field.line)
        if header.type is None and header.type_raw is not None and self._load_type is not None:
            header.medium, (header.type_raw, header.type_line) = header.type_raw, self._load_type
            header.type = parse_type(header.type_raw)
        elif header.type is None and header.type_raw is None and self._load_type is not None:
            header.type_raw, header.type_line = self._load_type
            header.type = parse_type(header.type_raw)
        elif header.type is None and header.type_raw is not None and is_medium(header.type_raw):
            header.medium, header.type_raw = header.type_raw, None
        if header.slug is None and self.doc.path.endswith(".md"):
            header.slug, header.slug_from = Path(self.doc.path).stem, "file name"

    def _title(self, text: str, line: int) -> None:
        header = self.plan.header
        form, match = next(
            ((name, hit) for name, pattern in aliases.TITLE_FORMS.items() if (hit := re.match(pattern, text, re.I))),
            (None, None),
        )
        if match is None:
            self.problem(
                "P100", line, f"title {text!r} is not a lesson title ('# Lesson: <title>')",
                "write the title as '# Lesson: <title> (Module 2.1, Lesson 2)'",
            )
            return
        header.title_form = form
        found = match.groupdict()
        header.name = (found.get("title") or "").strip("`*: ") or None
        slug = found.get("slug") or (found.get("title") or "").strip("`*: ")
        if _SLUG_SHAPE.fullmatch(slug):
            header.slug, header.slug_from = slug, "title"
        rest = found.get("rest") or ""
        module, number = _MODULE.search(rest), _LESSON_NO.search(rest)
        header.module_id = module["id"] if module else None
        if found.get("n"):
            header.lesson_number, header.position_line = int(found["n"]), line
        elif number:
            header.lesson_number, header.position_line = int(number["n"]), line
            count = _OF.search(rest[number.end():])
            header.lesson_count = int(count["m"]) if count else None

    def _header_field(self, label: str | None, value: str, line: int) -> None:
        header = self.plan.header
        text = strip_markup(value)
        if label == "type" and header.type_raw is None:
            header.type_raw, header.type_line = value, line
            header.type = None if is_medium(value) else parse_type(value)
        elif label == "load_type" and self._load_type is None and parse_type(value) is not None:
            self._load_type = (value, line)
        elif label == "previous" and header.previous is None:
            header.previous = self._ref(value, line)
        elif label == "next" and header.next is None:
            header.next = self._ref(value, line)
        elif label == "slug":
            slug = _SLUG_SHAPE.search(text)
            if slug:
                header.slug, header.slug_from = slug.group(), "slug label"
        elif label == "module" and header.module_id is None:
            module = re.search(r"\d+\.\d+", text)
            header.module_id = module.group() if module else None
        elif label == "position" and header.lesson_number is None:
            number = re.search(r"(?:lesson\s*)?(?P<n>\d+)(?:\s*(?:of|/)\s*(?P<m>\d+))?", text, re.IGNORECASE)
            if number:
                header.lesson_number, header.position_line = int(number["n"]), line
                header.lesson_count = int(number["m"]) if number["m"] else None
            module = _MODULE.search(text)
            if module and header.module_id is None:
                header.module_id = module["id"]

    @staticmethod
    def _ref(value: str, line: int) -> m.LessonRef:
        """``tensors (BUILD)``, `` `tensors` ``, ``Lesson 1: Tensors (BUILD)``, ``none (first lesson)``."""
        raw = strip_markup(value)
        code = re.search(r"`([^`]+)`", value)
        head = code.group(1) if code else re.split(r"\s*(?:\(|—|–| -- | - |,|;)", raw, maxsplit=1)[0]
        head = re.sub(r"^lesson\s*\d*\s*[:.]?\s*", "", head.strip(), flags=re.IGNORECASE).strip()
        slug: str | None = head or None
        if slug and (
            slug.lower() in ("none", "n", "na", "n/a", "first", "last", "this", "end", "tbd", "-", "--", "—")
            or re.match(r"(?:module|series|end|none|first|last|no)\b", slug, re.IGNORECASE)
        ):
            slug = None  # "none (first lesson)", "Module 2.2 (next module)", "End of series"
        type_match = re.search(r"\(([^)]*)\)", raw)
        kind = parse_type(type_match.group(1)) if type_match else None
        return m.LessonRef(raw=raw, slug=slug, type=kind, line=line)

    # ----------------------------------------------------------------- parts
    def _found(self, part: str, line: int, how: str) -> None:
        if part not in self.plan.sections:
            self.plan.sections[part] = line
            self.plan.matched[part] = how

    def _section(self, section: Section, inside: str | None = None) -> None:
        found = part_match(section.title)
        part = found[0] if found else None
        if inside == "built" and part in _BUILT_PARTS:
            part = _BUILT_PARTS[part]
        if part is not None and found is not None:
            self._found(part, section.line, f"heading {found[1]!r}")
        for block in section.blocks:
            if isinstance(block, Table):
                self._table(block, part)
        handler = getattr(self, f"_part_{part}", None) if part else None
        if handler is not None:
            handler(section)
        for field in section.fields(deep=False):
            if section.level == 1 and header_label(field.label) is not None:
                continue  # **Cognitive load:** BUILD under the title is the lesson type
            self._field(field.label, field.value, field.line, section)

    def _field(self, label: str, value: str, line: int, section: Section) -> None:
        found = part_match(label)
        if found is None:
            return
        part = found[0]
        self._found(part, line, f"label {found[1]!r}")
        if part == "target_concept" and self.plan.target_concept is None:
            self.plan.target_concept = value or section.text()
        elif part == "gap_resolution" and self.plan.gap_resolution is None:
            self.plan.gap_resolution = m.LabelValue(raw=value, line=line)
        elif part == "narrative" and self.plan.narrative is None:
            self.plan.narrative = value
        elif part == "readiness" and self.plan.readiness is None:
            self.plan.readiness = value

    def _own_text(self, section: Section) -> str:
        return "\n".join(p.text for p in section.paragraphs(deep=False)).strip()

    def _part_target_concept(self, section: Section) -> None:
        self.plan.target_concept = self._own_text(section) or self.plan.target_concept

    def _part_gap_resolution(self, section: Section) -> None:
        """``### Gap Resolution`` with a paragraph, a list or a ``Gap | Size | Resolution`` table."""
        text = section.text().strip()
        if text and (self.plan.gap_resolution is None or not self.plan.gap_resolution.raw.strip()):
            self.plan.gap_resolution = m.LabelValue(raw=text, line=section.line)

    def _part_readiness(self, section: Section) -> None:
        self.plan.readiness = self._own_text(section) or self.plan.readiness

    def _part_narrative(self, section: Section) -> None:
        self.plan.narrative = self._own_text(section) or self.plan.narrative

    def _part_mental_models(self, section: Section) -> None:
        self.plan.mental_models += [m.TextItem(text=i.text, line=i.line) for i in section.items(deep=False)]

    def _part_not_covered(self, section: Section) -> None:
        self.plan.not_covered += [m.TextItem(text=i.text, line=i.line) for i in section.items(deep=False)]

    def _built_items(self, section: Section) -> list[m.TextItem]:
        items = [m.TextItem(text=i.text, line=i.line) for i in section.items(deep=False)]
        for table in section.tables(deep=False):
            items += [m.TextItem(text=" — ".join(c for c in row.cells[:2] if c), line=row.line) for row in table.rows]
        return items

    def _part_components(self, section: Section) -> None:
        self.plan.built_components += self._built_items(section)

    def _part_analogies(self, section: Section) -> None:
        self.plan.built_analogies += self._built_items(section)

    def _part_built_mental_models(self, section: Section) -> None:
        self.plan.built_mental_models += self._built_items(section)

    def _part_outline(self, section: Section) -> None:
        """Steps as ``#### 1. Hook`` headings, ``1. **Hook** ...`` numbered items or ``**1. Hook:**`` lines."""
        for child in section.children:
            match = _OUTLINE.match(strip_markup(child.title))
            number = int(match["n"]) if match else None
            title = match["title"] if match else child.title
            self.plan.outline.append(m.OutlineSection(number=number, title=title, line=child.line))
        if self.plan.outline:
            return
        for block in section.blocks:
            if isinstance(block, ListBlock) and block.ordered:
                for item in block.items:
                    bold = re.match(r"\*\*([^*]+)\*\*", item.text)
                    title = bold.group(1) if bold else strip_markup(item.text)
                    self.plan.outline.append(m.OutlineSection(number=item.number, title=title.strip(" :"), line=item.line))
            elif isinstance(block, Paragraph):
                for offset, raw in enumerate(block.text.split("\n")):
                    step = _OUTLINE_LINE.match(raw)
                    if step:
                        self.plan.outline.append(
                            m.OutlineSection(number=int(step["n"]), title=step["title"].strip(), line=block.line + offset)
                        )

    def _part_checklists(self, section: Section) -> None:
        for sub in section.walk():
            for item in sub.items(deep=False):
                if item.checked is not None:
                    self.plan.checklist.append(
                        m.ChecklistItem(text=item.text, checked=item.checked, group=sub.title, line=item.line)
                    )

    def _part_cognitive_load(self, section: Section) -> None:
        load = m.CognitiveLoad(line=section.line)
        numbered: list[m.TextItem] = []
        #: Numbered items count as new concepts only under the "New concepts" label
        #: (or before any label): a "Reinforced" list after it is not new.
        counting = [True]

        def take(items: list[ListItem]) -> None:
            if counting[0]:
                numbered.extend(m.TextItem(text=c.text, line=c.line) for c in items if not fields_in(c.text, c.line))

        for block in section.all_blocks():
            if isinstance(block, ListBlock):
                if block.ordered:
                    take(block.items)
                    continue
                for item in block.items:
                    self._load_item(load, item.text, item.line, counting)
                    for child in item.children:
                        if child.ordered:
                            take(child.items)
            elif isinstance(block, Paragraph):
                for field in fields_in(block.text, block.line):
                    self._load_item(load, f"**{field.label}:** {field.value}", field.line, counting)
        load.concepts = [c for c in numbered if not _REINFORCED.search(c.text)]
        load.reinforced = [c for c in numbered if _REINFORCED.search(c.text)]
        if not load.concepts and load.stated_raw:
            inline = _INLINE_ITEM.findall(load.stated_raw)
            if len(inline) >= 2:
                load.concepts = [m.TextItem(text=text.strip(" ;,"), line=load.stated_line) for text in inline]
        self.plan.cognitive_load = load

    @staticmethod
    def _load_item(load: m.CognitiveLoad, text: str, line: int, counting: list[bool]) -> None:
        for field in fields_in(text, line):
            label = " ".join(words(field.label))
            counting[0] = "new concept" in label
            if "new concept" in label and load.stated_raw is None:
                load.stated_raw, load.stated_line = field.value, field.line
                load.stated_min, load.stated = read_count(field.value)
            elif label.startswith("previous") or label.startswith("what was the load of the previous"):
                load.previous_load = load.previous_load or m.LabelValue(raw=field.value, line=field.line)
            elif label.startswith("this lesson") and load.this_load is None:
                load.this_load = m.LabelValue(raw=field.value, line=field.line)
            elif label.startswith("assessment") and load.assessment is None:
                load.assessment, load.assessment_line = field.value, field.line

    def _part_scope(self, section: Section) -> None:
        """IS / NOT lists under labels (paragraphs or list items, values inline or as
        bullets), or one flat list whose out-of-scope items say so ("NOT: ...")."""
        scope = m.Scope(line=section.line)
        target: list[m.ScopeItem] | None = None

        def label(text: str, line: int) -> bool:
            nonlocal target
            found = False
            for field in fields_in(text, line):
                kind = _scope_label(field.label)
                if kind == "target":
                    scope.target_depth, found = field.value, True
                elif kind is not None:
                    found = True
                    if kind == "not":
                        scope.not_line, target = field.line, scope.not_items
                    else:
                        scope.is_line, target = field.line, scope.is_items
                    if strip_markup(field.value):
                        target.append(self._scope_item(field.value, field.line, kind == "not"))
            return found

        for block in section.all_blocks():
            if isinstance(block, Paragraph):
                label(block.text, block.line)
            elif isinstance(block, ListBlock):
                for item in block.items:
                    labelled = label(item.text, item.line)
                    if target is None:  # a flat list: each item says where it belongs
                        if not labelled:
                            flat = _flat_scope(item.text)
                            into = scope.not_items if flat == "not" else scope.is_items
                            into.append(self._scope_item(item.text, item.line, flat == "not"))
                        continue
                    if not labelled:
                        target.append(self._scope_item(item.text, item.line, target is scope.not_items))
                    for child in item.children:
                        for sub in child.items:
                            target.append(self._scope_item(sub.text, sub.line, target is scope.not_items))
        self.plan.scope = scope

    @staticmethod
    def _scope_item(text: str, line: int, deferred: bool) -> m.ScopeItem:
        deferral = None
        if deferred:
            deferral = _deferral(text)
        return m.ScopeItem(text=text, line=line, deferral=deferral)

    # ----------------------------------------------------------------- tables
    def _table(self, table: Table, section_part: str | None) -> None:
        part = table_part(table)
        if part is None and section_part in TABLE_COLUMNS:
            part = section_part
        if part is None or part in self.plan.tables:
            return
        self._found(part, table.line, f"columns {' | '.join(table.header)!r}")
        self.plan.tables[part] = m.TableInfo(
            header=table.header, rows=len(table.rows), line=table.line, end_line=table.end_line
        )
        for row in table.ragged_rows():
            if row.rendered_cells != len(row.cells):
                self.problem(
                    "P103", row.line,
                    f"an unescaped '|' inside a code span splits this row into {row.rendered_cells} cells, "
                    f"the header has {len(table.header)} (Markdown tables split on every '|', code spans "
                    "included; the extra cells are dropped or shifted when rendered)",
                    "write the '|' inside the code span as '\\|'",
                )
                continue
            self.problem(
                "P103", row.line,
                f"table row has {len(row.cells)} cells, the header has {len(table.header)}",
                "escape '|' inside cells as '\\|' or add the missing cells",
            )
        getattr(self, f"_rows_{part}")(table)

    def _cells(self, table: Table, part: str) -> Iterable[tuple[int, dict[str, str]]]:
        """Rows as role -> cell text, columns found through ``aliases.COLUMNS[part]``."""
        indexes = column_roles(table, part)
        info = self.plan.tables.get(part)
        if info is not None and info.line == table.line:
            info.columns = {role: table.header[i] for role, i in indexes.items() if i is not None}
        for row in table.rows:
            yield row.line, {role: strip_markup(row.get(i)) if i is not None else "" for role, i in indexes.items()}

    def _rows_concepts(self, table: Table) -> None:
        for line, cell in self._cells(table, "concepts"):
            sources = parse_citations(cell["source"], line)
            self.plan.concepts.append(
                m.Concept(
                    name=cell["concept"], depth=_depth(cell["depth"], line), source=sources[0],
                    also=sources[1:], notes=cell["notes"], line=line,
                )
            )

    def _rows_prerequisites(self, table: Table) -> None:
        for line, cell in self._cells(table, "prerequisites"):
            sources = parse_citations(cell["source"], line)
            self.plan.prerequisites.append(
                m.Prerequisite(
                    concept=cell["concept"], required=_depth(cell["required"], line),
                    actual=_depth(cell["actual"], line), source=sources[0], also=sources[1:],
                    status=cell["status"], reasoning=cell["reasoning"], line=line,
                )
            )

    def _rows_gap_resolution(self, table: Table) -> None:
        text = "; ".join(
            " — ".join(x for x in (cell["gap"], cell["size"], cell["resolution"]) if x)
            for _, cell in self._cells(table, "gap_resolution")
        )
        if self.plan.gap_resolution is None or not self.plan.gap_resolution.raw.strip():
            self.plan.gap_resolution = m.LabelValue(raw=text, line=table.line)

    def _rows_misconceptions(self, table: Table) -> None:
        for line, cell in self._cells(table, "misconceptions"):
            self.plan.misconceptions.append(
                m.Misconception(
                    text=cell["misconception"], why=cell["why"], negative_example=cell["negative"],
                    where=cell["where"], line=line,
                )
            )

    def _rows_examples(self, table: Table) -> None:
        for line, cell in self._cells(table, "examples"):
            self.plan.examples.append(
                m.Example(
                    name=cell["example"], type_raw=cell["type"], kind=example_kind(cell["type"]),
                    purpose=cell["purpose"], why=cell["why"], line=line,
                )
            )

    def _rows_modalities(self, table: Table) -> None:
        for line, cell in self._cells(table, "modalities"):
            self.plan.modalities.append(m.Modality(name=cell["modality"], what=cell["what"], why=cell["why"], line=line))

    def _rows_connections(self, table: Table) -> None:
        for line, cell in self._cells(table, "connections"):
            self.plan.connections.append(m.Connection(prior=cell["prior"], how=cell["how"], line=line))

    # ----------------------------------------------------------------- reviews
    def _review_parts(self, sections: list[Section]) -> None:
        from curriculum_cli.model.build_review import build_review

        for section in sections:
            self.plan.reviews.append(build_review(section, self.problem))


def build_plan(doc: Document) -> m.LessonPlan:
    """Model a parsed planning document. Never raises on odd documents."""
    return _PlanBuilder(doc).build()
