"""Module record (FORMAT.md section 6): Concept Index rows and Per-Lesson Summaries.

Also home of concept-name matching: records are where concepts are looked up,
and the same tolerant comparison serves the rules, the graph and ``record``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from curriculum_cli.model.aliases import RECORD_HEADINGS, RECORD_TAUGHT_LABELS
from curriculum_cli.model.depth import DepthValue, parse_depth
from curriculum_cli.model.module_plan import module_title
from curriculum_cli.parse.markdown import (
    Document,
    ListBlock,
    Paragraph,
    Section,
    Table,
    fields_in,
    strip_markup,
    words,
)

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
    #: The human title of a ``### Lesson 2: Title`` heading.
    title: str = ""
    #: What the summary says the lesson did (deferred / not-covered parts left out).
    text: str = ""


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
    #: Concepts the summaries and mental-model tables say a lesson taught (no depth
    #: unless written): they count as taught when a claim is traced (X101), never
    #: for depth (X102).
    taught: list[RecordRow] = field(default_factory=list)


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
            cell = row.get(lesson)
            # "a, b", "a and b": the concept is credited to each lesson the cell names;
            # the "and" inside a slug (``layers-and-activations``) separates nothing
            parts = [p for p in re.split(r"\s*[,;&]\s*|\s+and\s+", strip_markup(cell)) if p] if "(" not in cell else [cell]
            for part in parts or [cell]:
                slug, number = parse_lesson_cell(part)
                record.rows.append(
                    RecordRow(
                        line=row.line, concept=name, depth=parse_depth(strip_markup(row.get(depth))),
                        lesson_raw=strip_markup(part), slug=slug, number=number,
                        notes=row.get(notes), path=doc.path,
                    )
                )
    summaries = _summaries_section(doc)
    if summaries is not None:
        record.summaries_line = summaries.line
        for child in summaries.children:
            summary = _summary(child)
            if summary is None:
                continue
            summary.text = _summary_text(child)
            record.summaries.append(summary)
            record.taught += [
                RecordRow(
                    line=line, concept=text, depth=parse_depth(_depth_hint(text)), lesson_raw=summary.slug,
                    slug=summary.slug if not summary.slug.isdigit() else None, number=summary.number, path=doc.path,
                )
                for line, text in _taught_items(child)
            ]
    record.taught += _mental_model_rows(doc)
    return record


_NUMBERED_SUMMARY = re.compile(
    r"^Lesson\s+(?P<n>\d+)\s*[:.\-—]*\s*(?P<title>.*?)\s*(?:\(`?(?P<slug>[a-z0-9][\w.-]*)`?[^)]*\))?\s*$", re.IGNORECASE
)


def _summary(section: Section) -> LessonSummary | None:
    """``### autograd (Lesson 2 — STRETCH)`` or ``### Lesson 2: Human Title``."""
    title = strip_markup(section.title)
    kind = re.search(r"(BUILD|STRETCH|CONSOLIDATE|PROJECT)", title, re.IGNORECASE)
    numbered = _NUMBERED_SUMMARY.match(title)
    if numbered:
        slug = numbered["slug"] or str(int(numbered["n"]))
        return LessonSummary(
            line=section.line, slug=slug, number=int(numbered["n"]), type_raw=kind.group(1).upper() if kind else "",
            title=numbered["title"],
        )
    match = _SUMMARY.match(title)
    if not match:
        return None
    rest = match["rest"] or ""
    found = _INT.search(rest)
    return LessonSummary(
        line=section.line, slug=match["slug"], number=int(found.group()) if found else None,
        type_raw=kind.group(1).upper() if kind else "",
    )


_NOT_TAUGHT_LABEL = frozenset({"not", "deferred", "excluded", "scope", "later"})


def _summary_text(section: Section) -> str:
    """The prose of a per-lesson summary, without its "What is NOT covered (deferred)" parts."""
    out: list[str] = []
    skipping = False
    for block in section.all_blocks():
        if isinstance(block, Paragraph):
            lines = block.text.split("\n")
        elif isinstance(block, ListBlock):
            lines = [item.text for item in block.items]
            lines += [sub.text for item in block.items for child in item.children for sub in child.items]
        else:
            continue
        for line in lines:
            found = fields_in(line, 0)
            if found:
                skipping = bool(_NOT_TAUGHT_LABEL & set(words(found[0].label)))
            if not skipping:
                out.append(line)
    return strip_markup(" ".join(out))


def _depth_hint(text: str) -> str:
    found = re.search(r"\b(MENTIONED|INTRODUCED|DEVELOPED|APPLIED)\b", text)
    return found.group(1) if found else ""


def _taught_items(section: Section) -> list[tuple[int, str]]:
    """Items under "Concepts taught", "Mental models established"... of one summary."""
    out: list[tuple[int, str]] = []
    for block in section.all_blocks():
        if isinstance(block, Paragraph):
            for found in fields_in(block.text, block.line):
                if _taught_label(found.label):
                    out += [(found.line, part) for part in _split_items(found.value)]
        elif isinstance(block, ListBlock):
            collecting = False
            for item in block.items:
                fields = fields_in(item.text, item.line)
                if fields:
                    collecting = _taught_label(fields[0].label)
                    if collecting:
                        out += [(item.line, part) for part in _split_items(fields[0].value)]
                        out += [(sub.line, sub.text) for child in item.children for sub in child.items]
                elif collecting or _previous_label_taught(section, block):
                    out.append((item.line, item.text))
    return [(line, strip_markup(text)) for line, text in out if strip_markup(text)]


def _previous_label_taught(section: Section, block: ListBlock) -> bool:
    """A bullet list right after a ``**Concepts taught:**`` paragraph."""
    previous = None
    for candidate in section.all_blocks():
        if candidate is block:
            break
        previous = candidate
    if not isinstance(previous, Paragraph):
        return False
    fields = fields_in(previous.text, previous.line)
    return bool(fields) and _taught_label(fields[-1].label) and not strip_markup(fields[-1].value)


def _taught_label(label: str) -> bool:
    have = " ".join(words(label))
    return any(have.startswith(name) for name in RECORD_TAUGHT_LABELS)


def _split_items(value: str) -> list[str]:
    text = strip_markup(value)
    if not text:
        return []
    return [part.strip() for part in re.split(r"[;,](?![^(]*\))", text) if part.strip()]


def _mental_model_rows(doc: Document) -> list[RecordRow]:
    """``Model/Analogy | Established In | Used Again In`` rows: the model was taught where established."""
    rows: list[RecordRow] = []
    for section in doc.sections():
        title = " ".join(words(section.title))
        if not any(name in title for name in RECORD_HEADINGS["mental_models"]):
            continue
        for table in section.tables():
            model, where = table.column("model", "analogy", "mental model"), table.column("established")
            if model is None or where is None:
                continue
            for row in table.rows:
                slug, number = parse_lesson_cell(row.get(where))
                name = strip_markup(row.get(model))
                if name and (slug or number):
                    rows.append(
                        RecordRow(
                            line=row.line, concept=name, depth=parse_depth(""), lesson_raw=strip_markup(row.get(where)),
                            slug=slug, number=number, path=doc.path,
                        )
                    )
    return rows


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
#: A paraphrase below ``MATCH_THRESHOLD`` still names a row when it scores at least this,
#: shares a content word with it, and beats every other concept of the record by ``CLEAR_MARGIN``.
LOOSE_THRESHOLD = 45.0
CLEAR_MARGIN = 10.0
#: A row scoring at least this could be what a loosely matched paraphrase means.
PLAUSIBLE_THRESHOLD = LOOSE_THRESHOLD - CLEAR_MARGIN


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
    # Paraphrases: most content words shared once stemmed ("Computing gradients" / "gradient computation").
    stem_a, stem_b = _stems(claim), _stems(row)
    if stem_a and stem_b:
        short, long = sorted((stem_a, stem_b), key=len)
        shared = len(short & long)
        if (short <= long and (len(short) >= 2 or len(long) <= 2)) or (shared >= 2 and shared >= 0.75 * len(short)):
            best = max(best, 86.0)
    return best


_SUFFIXES = ("ations", "ation", "ings", "ing", "ies", "ed", "es", "s", "al")


def _stem(word: str) -> str:
    """A crude stem: a common suffix dropped, then at most 6 letters ("immutability" ~ "immutable")."""
    for suffix in _SUFFIXES:
        if suffix == "es" and word.endswith("es") and not word.endswith(("ses", "xes", "zes", "ches", "shes")):
            continue  # "shapes" -> "shape" (by "s"), as "boxes" -> "box"
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            word = word[: -len(suffix)]
            break
    return word[:6]


def _stems(name: str) -> set[str]:
    return {_stem(w) for w in _core_key(name).split()}


#: Words that frame a topic rather than name it ("CNN architecture", "Train/eval distinction").
FRAMING_WORDS = frozenset({
    "architecture", "distinction", "difference", "differences", "basics", "concept", "concepts", "idea",
    "ideas", "overview", "intuition", "usage", "mechanics", "fundamentals",
})
_CALL_ARGS = re.compile(r"(?<=\w)\([^()]*\)")
_DOTTED_PREFIX = re.compile(r"\b(?:[A-Za-z_]\w*\.)+(?=[A-Za-z_])")


def claim_stems(claim: str) -> set[str]:
    """Content-word stems of a claim: ``argmax(dim=1)`` -> ``argmax``, ``nn.Conv2d weight shape`` ->
    ``conv2d``, ``weight``, ``shape``; filler, framing words, numbers and 1-2 letter words dropped."""
    text = _DOTTED_PREFIX.sub("", _CALL_ARGS.sub(" ", strip_markup(claim).replace("`", " ")))
    return {
        _stem(w) for w in words(text)
        if w not in _STOP and w not in FRAMING_WORDS and len(w) >= 3 and not w.isdigit()
    }


_CODE_SPAN = re.compile(r"`[^`]*`")
_CODE_TOKEN = re.compile(r"`|\w\(|\w\.\w|\w_\w|[a-z][A-Z]|^\.")


def material_stems(texts: list[str]) -> tuple[set[str], set[str]]:
    """Stems of a lesson's teaching material (record rows, Notes, summary, plan): (prose only, everything)."""
    prose = {_stem(w) for text in texts for w in words(strip_markup(_CODE_SPAN.sub(" ", text)))}
    return prose, prose | {_stem(w) for text in texts for w in words(strip_markup(text).replace("`", " "))}


def _stem_present(stem: str, material: set[str]) -> bool:
    if stem in material:
        return True
    # "eval" ~ "evaluation", "norm" ~ "normalization", "draw" ~ "drawn": the claim's short word
    # begins a word of the material (never the reverse: "case" does not teach "casefold").
    return len(stem) >= 4 and any(m.startswith(stem) for m in material)


def covered_by(claim: str, material: tuple[set[str], set[str]]) -> bool:
    """Are (nearly) all content words of ``claim`` in a lesson's teaching ``material``?

    Every word must be there; a claim of four or more content words may miss one.
    A claim of one plain word ("Title") must be in the prose: code in the Notes
    (```.title()```) is an API, not that concept.
    """
    stems = claim_stems(claim)
    if not stems:
        return False
    prose, everything = material
    where = prose if len(stems) == 1 and not _CODE_TOKEN.search(claim.strip()) else everything
    missing = sum(not _stem_present(stem, where) for stem in stems)
    return missing == 0 or (len(stems) >= 4 and missing <= 1)


def best_match(claim: str, rows: list[RecordRow]) -> tuple[RecordRow | None, float]:
    """The record row closest to ``claim`` and its score."""
    if not rows:
        return None, 0.0
    found = process.extractOne(claim, [r.concept for r in rows], scorer=lambda a, b, **_: concept_score(a, b))
    if found is None:
        return None, 0.0
    _, score, index = found
    return rows[index], float(score)


def clear_match(claim: str, rows: list[RecordRow]) -> tuple[RecordRow | None, float]:
    """The row a paraphrase clearly names ("Output-size formula" -> "Output size of a
    convolution"), else ``(None, 0)``.

    The best row must score ``LOOSE_THRESHOLD`` or more, share a content word
    with the claim and beat the next distinct concept of the same record by
    ``CLEAR_MARGIN``.  A record with one concept gives no such evidence.
    """
    scored: dict[str, tuple[float, RecordRow]] = {}
    for row in rows:
        key = concept_key(row.concept)
        score = concept_score(claim, row.concept)
        if key not in scored or score > scored[key][0]:
            scored[key] = (score, row)
    ranked = sorted(scored.values(), key=lambda item: item[0], reverse=True)
    if len(ranked) < 2:
        return None, 0.0
    (best, row), (second, _) = ranked[0], ranked[1]
    if best >= LOOSE_THRESHOLD and best - second >= CLEAR_MARGIN and _stems(claim) & _stems(row.concept):
        return row, best
    return None, 0.0


def deepest_plausible(claim: str, rows: list[RecordRow], named: RecordRow) -> RecordRow:
    """Of ``named`` (the row a paraphrase loosely names) and every row scoring ``PLAUSIBLE_THRESHOLD``
    or more, the one at the deepest depth: the depth a paraphrase can be held to."""
    deepest = named
    for row in rows:
        have, best = row.depth.depth, deepest.depth.depth
        if have is not None and (best is None or have > best) and concept_score(claim, row.concept) >= PLAUSIBLE_THRESHOLD:
            deepest = row
    return deepest
