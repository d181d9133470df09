"""The taught-API inventory: what the student has been shown, up to this lesson.

Sources, in course order:

* module records: backticked code spans in Concept Index rows (concept and
  notes cells) of every lesson up to and including this one;
* the lesson's own planning doc: new concepts, the scope's IS list, the target
  concept, Phase 1 concepts and their notes, prerequisites, misconceptions and
  examples (backticked spans and bare dotted names such as ``torch.zeros()``);
* the allowlist: :data:`DEFAULT_ALLOWLIST` plus ``Config.allowlist``.

A span teaches what it names: ```torch.no_grad()``` the function
``torch.no_grad``; ```.sum(dim=...)``` the method ``sum`` and the keyword
``dim``; ```nn.Linear``` ``torch.nn.Linear`` (usual aliases are normalized,
see :data:`ALIASES`); ```requires_grad=True``` the keyword ``requires_grad``;
a bare ```torch``` only the import of ``torch``, not all of ``torch.*``.
An allowlist entry covers a module and everything in it (``math`` covers
``math.sqrt``); ``.name`` allows a method, ``builtins`` every builtin call.

The builder takes plain rows (:class:`ApiRow`), so it does not depend on how
records are modelled; :func:`record_rows` reads them from a curriculum.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from curriculum_cli.model.plan import LessonPlan

ALIASES: dict[str, str] = {
    "nn": "torch.nn",
    "F": "torch.nn.functional",
    "np": "numpy",
    "plt": "matplotlib.pyplot",
    "pd": "pandas",
    "optim": "torch.optim",
}
#: Roots recognised in bare (un-backticked) dotted names, and in spans.
MODULE_ROOTS = frozenset({
    "torch", "numpy", "matplotlib", "pandas", "scipy", "sklearn", "torchvision", "math",
    "random", "itertools", "functools", "collections", "time", "os", "sys", "json",
    "re", "pathlib", "typing", "dataclasses", "statistics", *ALIASES,
})
#: Always allowed: builtins and a few small stdlib modules every Python
#: learner knows.  ``Config.allowlist`` adds to it.
DEFAULT_ALLOWLIST: tuple[str, ...] = (
    "builtins", "math", "random", "itertools", "functools", "collections", "time",
    "typing", "dataclasses", "__future__", "statistics", "string", "operator",
)


@dataclass(frozen=True, slots=True)
class ApiRow:
    """One text that teaches APIs: ``lesson`` is the citation (``autograd (2.1)``)."""

    lesson: str
    order: int
    text: str


@dataclass(slots=True)
class Taught:
    """What one text teaches."""

    paths: set[str] = field(default_factory=set)
    methods: set[str] = field(default_factory=set)
    keywords: set[str] = field(default_factory=set)
    names: set[str] = field(default_factory=set)

    def update(self, other: Taught) -> None:
        self.paths |= other.paths
        self.methods |= other.methods
        self.keywords |= other.keywords
        self.names |= other.names


_SPAN = re.compile(r"`([^`\n]+)`")
_BARE = re.compile(r"(?<![\w.`])((?:%s)(?:\.[A-Za-z_]\w*)+)(\([^()]*\))?" % "|".join(sorted(MODULE_ROOTS, key=len, reverse=True)))
_DOTTED = re.compile(r"(?<![\w])(\.?[A-Za-z_]\w*(?:\s*\.\s*[A-Za-z_]\w*)*)")
_TOP_KEYWORD = re.compile(r"(?<![\w.])([A-Za-z_]\w*)=(?!=)")
_PAREN_KEYWORD = re.compile(r"([A-Za-z_]\w*)\s*=(?!=)")
#: A parameter named alone in a signature: ``nn.GRU(input_size, hidden_size)``.
_PARAMETER = re.compile(r"[(,]\s*([A-Za-z_]\w*)\s*(?=[,)])")
_FROM_IMPORT = re.compile(r"from\s+([A-Za-z_][\w.]*)\s+import\s+\(?\s*([A-Za-z_][\w\s,]*?)\)?\s*$")


def normalize(path: str) -> str:
    """Expand a leading alias: ``nn.Linear`` -> ``torch.nn.Linear``."""
    root, _, rest = path.partition(".")
    if root in ALIASES:
        return ALIASES[root] + ("." + rest if rest else "")
    return path


def spans(text: str) -> list[str]:
    """Backticked code spans of ``text``."""
    return _SPAN.findall(text)


_BARE_METHOD = re.compile(r"(?:(?<=\s)|(?<=\())(\.[A-Za-z_]\w*)(?:\(\))?")
_BARE_CALL = re.compile(r"(?<![\w.])([A-Za-z_]\w*)\(\)")


def bare_names(text: str) -> list[str]:
    """Names written without backticks: dotted names with a known module root
    (``torch.zeros()``), methods (``.detach()``, ``.grad``) and calls
    (``backward()``, read as a method too)."""
    outside = _SPAN.sub(" ", text)
    found = [m.group(1) + (m.group(2) or "") for m in _BARE.finditer(outside)]
    found.extend(m.group(1) for m in _BARE_METHOD.finditer(outside))
    for match in _BARE_CALL.finditer(outside):
        found.extend((match.group(1), "." + match.group(1)))
    return found


def parse_span(span: str) -> Taught:
    """What one code span teaches."""
    taught = Taught()
    depth = 0
    outer: list[str] = []
    inner: list[str] = []
    for char in span:
        if char in "([{":
            depth += 1
            (inner if depth > 1 else outer).append(char)
            if depth == 1:
                inner.append(" ")
            continue
        if char in ")]}":
            depth = max(depth - 1, 0)
            inner.append(" ")
            outer.append(char)
            continue
        (inner if depth else outer).append(char)
    imported = _FROM_IMPORT.match(span.strip())
    if imported:  # `from torch.utils.data import Dataset, TensorDataset` teaches each name
        module = normalize(imported.group(1))
        taught.paths.add(module)
        taught.paths.update(f"{module}.{name}" for name in re.findall(r"[A-Za-z_]\w*", imported.group(2)))
        return taught
    taught.keywords.update(_PAREN_KEYWORD.findall("".join(inner)))
    taught.keywords.update(_TOP_KEYWORD.findall("".join(outer)))
    taught.keywords.update(_PARAMETER.findall(span))  # whatever the callee, the name is taught
    for match in _DOTTED.finditer(span):
        _teach_name(re.sub(r"\s+", "", match.group(1)), taught)
    bare = span.strip()
    if bare.isidentifier() and bare not in MODULE_ROOTS:
        taught.methods.add(bare)  # `requires_grad` alone names the attribute
    return taught


def _teach_name(name: str, taught: Taught) -> None:
    if name.startswith("."):
        taught.methods.update(p for p in name.split(".") if p)
        return
    parts = name.split(".")
    if len(parts) == 1:
        taught.names.add(name)
        return
    if parts[0] in MODULE_ROOTS:
        path = normalize(name)
        taught.paths.add(path)
        if ".Tensor." in f".{path}.":
            after = path.split(".Tensor.", 1)[-1]
            taught.methods.update(after.split("."))
        return
    taught.methods.update(parts[1:])  # ``x.grad.zero_()``: attributes of an object


def teach_text(text: str) -> Taught:
    """Everything ``text`` teaches: its spans and its bare dotted names."""
    taught = Taught()
    for span in [*spans(text), *bare_names(text)]:
        taught.update(parse_span(span))
    return taught


@lru_cache(maxsize=65536)
def teach_spans(text: str) -> Taught:
    """What the code spans of ``text`` teach. Cached: record rows are read once
    per lesson; callers must not mutate the returned value."""
    taught = Taught()
    for span in spans(text):
        taught.update(parse_span(span))
    return taught


@lru_cache(maxsize=65536)
def teach_row(text: str) -> Taught:
    """What a record row teaches: its code spans and the APIs it names without
    backticks (``torch.no_grad()``, ``F.relu``). Cached; do not mutate."""
    return teach_text(text)


@dataclass
class Inventory:
    taught: Taught = field(default_factory=Taught)
    allow: set[str] = field(default_factory=set)
    #: ``kind:name`` -> citation of the first later lesson teaching it.
    later: dict[str, str] = field(default_factory=dict)
    #: Every path and method any record names (what counts as taught-able).
    known: Taught = field(default_factory=Taught)
    #: NOT-list exclusions: module paths (prefixes) and methods.
    excluded: Taught = field(default_factory=Taught)

    # -- coverage

    def allowed(self, api: str) -> bool:
        """Does an allowlist entry cover ``api``?  A module covers what is in it
        (``torch.nn`` covers ``torch.nn.ReLU``), aliases count (``nn.ReLU``), a
        bare class or function name covers it from any module (``DataLoader``)
        and ``.name`` covers the Tensor method or attribute ``torch.Tensor.name``."""
        for entry in self.allow:
            if entry.startswith("."):
                if tensor_method(api) == entry[1:]:
                    return True
                continue
            path = normalize(entry)
            if api == path or api.startswith(path + "."):
                return True
            if "." not in entry and entry not in MODULE_ROOTS and entry not in DEFAULT_ALLOWLIST and api.endswith("." + entry):
                return True
        return False

    def allows_exactly(self, api: str) -> bool:
        """Does an allowlist entry name ``api`` itself (not only its module)?"""
        return any(
            normalize(entry) == api or ("." not in entry and entry not in MODULE_ROOTS and api.endswith("." + entry))
            for entry in self.allow
            if not entry.startswith(".")
        )

    def covers(self, api: str, kind: str = "call") -> bool:
        """Is resolved path ``api`` taught or allowed?

        A name a record writes alone (```DataLoader(dataset)```,
        ```random_split(...)```) covers that name from a tracked module
        (``torch.utils.data.DataLoader``)."""
        if self.allowed(api) or api in self.taught.paths:
            return True
        if kind == "import" and (api in self.taught.names or any(p.startswith(api + ".") for p in self.taught.paths)):
            return True
        if "." in api and kind != "attribute" and tensor_method(api) is None and api.rsplit(".", 1)[1] in self.taught.names:
            return True
        method = tensor_method(api)
        return method is not None and method in self.taught.methods

    def covers_method(self, name: str) -> bool:
        return name in self.taught.methods or f".{name}" in self.allow

    def covers_keyword(self, keyword: str) -> bool:
        """Taught as a keyword (```.sum(dim=...)```) or named alone (```keepdim```)."""
        return keyword in self.taught.keywords or keyword in self.taught.methods

    def taught_later(self, api: str) -> str | None:
        if api in self.later:
            return self.later[api]
        method = tensor_method(api)
        return self.later.get("." + method) if method else None

    def excluded_by(self, api: str) -> str | None:
        """The NOT-list entry excluding ``api`` (unless the lesson itself teaches it exactly)."""
        if api in self.taught.paths:
            return None
        for path in sorted(self.excluded.paths, key=len, reverse=True):
            if api == path or api.startswith(path + "."):
                return path
        method = tensor_method(api)
        if method and method in self.excluded.methods and method not in self.taught.methods:
            return "." + method
        return None

    def excluded_method(self, name: str) -> str | None:
        if name in self.excluded.methods and name not in self.taught.methods:
            return "." + name
        return None

    def knows(self, api: str) -> bool:
        """Does any record name ``api`` (so that a bare attribute use counts)?"""
        if api in self.known.paths or api in self.taught.paths or api in self.excluded.paths:
            return True
        method = tensor_method(api)
        return method is not None and (method in self.known.methods or method in self.taught.methods)


def tensor_method(api: str) -> str | None:
    """``torch.Tensor.backward`` -> ``backward``."""
    if api.startswith("torch.Tensor.") and api.count(".") == 2:
        return api.rsplit(".", 1)[1]
    return None


_KINDS = ("paths", "methods", "keywords", "names")


@dataclass
class RowIndex:
    """Record rows indexed once per curriculum: for every API, the earliest
    lesson (course order, citation) whose record row teaches it."""

    first: dict[str, dict[str, tuple[int, str]]] = field(default_factory=lambda: {k: {} for k in _KINDS})
    known: Taught = field(default_factory=Taught)


def index_rows(rows: Iterable[ApiRow]) -> RowIndex:
    index = RowIndex()
    for row in sorted(rows, key=lambda r: r.order):
        taught = teach_row(row.text)
        index.known.update(taught)
        for kind in _KINDS:
            table = index.first[kind]
            for name in getattr(taught, kind):
                table.setdefault(name, (row.order, row.lesson))
    return index


_LATER_PREFIX = {"paths": "", "methods": ".", "keywords": "=", "names": None}


def build_inventory(
    rows: Iterable[ApiRow] | RowIndex,
    order: int,
    lesson_texts: Iterable[str] = (),
    allowlist: Iterable[str] = (),
    not_items: Iterable[str] = (),
) -> Inventory:
    """Build the inventory for the lesson at course position ``order``.

    ``rows`` are record texts with the lesson that teaches them (or their
    :class:`RowIndex`, built once per curriculum); rows at or before
    ``order`` are taught, later ones only name where an API is taught later.
    ``lesson_texts`` are this lesson's own planning texts (spans and bare
    dotted names count); ``not_items`` the scope's NOT items.
    """
    index = rows if isinstance(rows, RowIndex) else index_rows(rows)
    inventory = Inventory(allow={*DEFAULT_ALLOWLIST, *allowlist})
    inventory.known.update(index.known)
    for kind in _KINDS:
        taught: set[str] = getattr(inventory.taught, kind)
        prefix = _LATER_PREFIX[kind]
        for name, (first, lesson) in index.first[kind].items():
            if first <= order:
                taught.add(name)
            elif prefix is not None:
                inventory.later[prefix + name] = lesson
    for text in lesson_texts:
        inventory.taught.update(teach_text(text))
    for text in not_items:
        excluded = teach_text(text)
        inventory.excluded.paths |= excluded.paths
        inventory.excluded.methods |= excluded.methods
    return inventory


# --------------------------------------------------------------------------- adapters


def plan_texts(plan: LessonPlan | None) -> list[str]:
    """The planning-doc texts that teach APIs in this lesson."""
    if plan is None:
        return []
    texts: list[str] = []
    if plan.cognitive_load:
        texts.extend(item.text for item in plan.cognitive_load.concepts)
    if plan.scope:
        texts.extend(item.text for item in plan.scope.is_items)
    if plan.target_concept:
        texts.append(plan.target_concept)
    texts.extend(f"{c.name} {c.notes}" for c in plan.concepts)
    # What the student already has, and what the lesson plans to show while
    # correcting a misconception or in an example, is named by the lesson itself.
    texts.extend(p.concept for p in plan.prerequisites)
    texts.extend(f"{m.text} {m.why} {m.negative_example}" for m in plan.misconceptions)
    texts.extend(f"{e.name} {e.purpose} {e.why}" for e in plan.examples)
    return texts


def not_texts(plan: LessonPlan | None) -> list[str]:
    if plan is None or plan.scope is None:
        return []
    return [item.text for item in plan.scope.not_items]


def record_rows(curriculum: Any) -> list[ApiRow]:
    """Concept Index rows of every module record, with the lesson teaching each.

    Uses ``curriculum.modules[mid].record`` when the loader modelled it with
    rows; otherwise parses ``record_path`` (Concept | Depth | Lesson | Notes).
    """
    rows: list[ApiRow] = []
    for module in curriculum.modules.values():
        modelled = _modelled_rows(module.record)
        if modelled is None and module.record_path:
            modelled = _parsed_rows(curriculum, module.record_path)
        for lesson_cell, text in modelled or []:
            lesson = _resolve_lesson(curriculum, module.module_id, lesson_cell)
            if lesson is not None:
                rows.append(ApiRow(lesson.cite, lesson.order, text))
    return rows


def _modelled_rows(record: Any) -> list[tuple[str, str]] | None:
    if record is None:
        return None
    for attribute in ("concept_index", "concepts", "rows", "index"):
        items = getattr(record, attribute, None)
        if items:
            out = []
            for item in items:
                lesson = getattr(item, "lesson", None)
                lesson_text = (
                    getattr(item, "slug", None)
                    or getattr(item, "lesson_raw", None)
                    or getattr(lesson, "raw", None)
                    or getattr(lesson, "slug", None)
                    or str(lesson or "")
                )
                concept = getattr(item, "concept", None) or getattr(item, "name", "") or ""
                notes = getattr(item, "notes", "") or ""
                out.append((lesson_text, f"{concept} {notes}"))
            return out
    return None


def _parsed_rows(curriculum: Any, record_path: str) -> list[tuple[str, str]]:
    from curriculum_cli.errors import InputError
    from curriculum_cli.load.files import read_text
    from curriculum_cli.parse.markdown import parse_markdown

    path = Path(record_path)
    if not path.is_absolute() and not path.exists():
        path = Path(curriculum.root) / record_path
    try:
        doc = parse_markdown(read_text(path), record_path)
    except InputError:  # reported where the curriculum is loaded
        return []
    out: list[tuple[str, str]] = []
    for section in doc.sections():
        for table in section.tables(deep=False):
            lesson_col = table.column("Lesson")
            concept_col = table.column("Concept")
            if lesson_col is None or concept_col is None:
                continue
            notes_col = table.column("Notes")
            for row in table.rows:
                text = f"{row.get(concept_col)} {row.get(notes_col)}"
                out.append((row.get(lesson_col), text))
    return out


def _resolve_lesson(curriculum: Any, module_id: str, cell: str) -> Any:
    from curriculum_cli.parse.markdown import strip_markup

    cell = strip_markup(cell).strip()
    lessons = [l for l in curriculum.lessons if l.module_id == module_id] or list(curriculum.lessons)
    lowered = cell.lower()
    for lesson in sorted(lessons, key=lambda l: -len(l.slug)):
        if re.search(rf"(?<![\w-]){re.escape(lesson.slug.lower())}(?![\w-])", lowered):
            return lesson
    number = re.search(r"(?:lesson\s*|\d+\.\d+\.)(\d+)", lowered) or re.fullmatch(r"\s*(\d+)\s*", lowered)
    if number:
        wanted = int(number.group(1))
        return next((l for l in lessons if l.number == wanted), None)
    return None
