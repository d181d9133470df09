"""Every name a real course gives each part of its documents, as data.

One table per kind of part: section headings and bold labels of a planning
document, header labels, table columns, depth words, lesson-type words.  A new
variant is one more entry in a tuple.  Phrases are matched on lower-case words
(punctuation and markup ignored); a leading ``^`` anchors a heading phrase at
the start of the title.  ``curriculum parse`` names the alias that matched.
"""

from __future__ import annotations

#: Planning-doc part -> phrases that name it in a heading or a bold label
#: (first match wins, parts in this order).
PARTS: dict[str, tuple[str, ...]] = {
    "phase1": ("^phase 1", "^student state", "^orient"),
    "concepts": (
        "relevant concepts", "concepts the student has", "student has", "concepts with depths",
    ),
    "mental_models": ("mental models", "established mental models", "mental model"),
    "not_covered": ("not covered",),
    "readiness": ("readiness",),
    "phase2": ("^phase 2", "^analyze", "^analysis", "^analyse"),
    "target_concept": ("target concept",),
    "prerequisites": ("prerequisites table", "prerequisites", "prerequisite table"),
    "gap_resolution": ("gap resolution", "gap resolutions", "resolving gaps"),
    "misconceptions": ("misconceptions table", "misconceptions addressed", "misconceptions"),
    "examples": ("examples planned", "examples used", "examples"),
    "phase3": ("^phase 3", "^design$"),
    "narrative": ("narrative arc", "narrative"),
    "modalities": ("modalities planned", "modalities used", "modalities", "modality coverage"),
    "cognitive_load": ("cognitive load assessment", "cognitive load reassessment", "cognitive load"),
    "connections": ("connections to prior concepts", "connections"),
    "scope": ("scope boundaries", "scope"),
    "outline": ("lesson outline", "outline"),
    "checklists": ("checklists", "checklist"),
    "built": ("what was actually built", "depth changes after this lesson"),
    "components": ("components used",),
    "analogies": ("analogies used",),
    "improvement_summary": ("improvement summary",),
}

#: Lesson title forms (census section 1), tried in order on the H1 text.
#: Named groups: ``slug``, ``title``, ``n`` (lesson number), ``rest`` (a
#: parenthetical such as ``Module 2.1, Lesson 2``).
TITLE_FORMS: dict[str, str] = {
    "numbered-planning-document": (
        r"^Lesson\s+(?P<n>\d+)\s*[:.\-—]\s*(?P<title>.*?)\s*\(`?(?P<slug>[A-Za-z0-9][\w.-]*)`?\)\s*"
        r"(?:--|—|–|-|:)\s*(?:Lesson\s+)?Planning\s+Document\s*$"
    ),
    "slug-planning-document": (
        r"^`?(?P<slug>[A-Za-z0-9][\w.-]*)`?\s*(?:--|—|–|-|:)\s*(?:Lesson\s+)?Planning\s+Document"
        r"\s*(?:\((?P<rest>[^)]*)\))?\s*$"
    ),
    "lesson-plan": r"^Lesson\s+Plan(?:ning)?(?:\s+Document)?\s*[:\-—]\s*(?P<title>.+?)\s*(?:\((?P<rest>[^)]*)\))?\s*$",
    "lesson-title": (
        r"^Lesson(?:\s+(?P<n>\d+))?\s*[:\-—]?\s*(?P<title>[^(]+?)\s*(?:\((?P<rest>[^)]*)\))?\s*$"
    ),
}

#: Bold labels whose value belongs to the document header -> header field.
#: Matched against the whole label (``**Load Type:**`` -> ``load type``).
HEADER_LABELS: dict[str, tuple[str, ...]] = {
    "slug": ("slug", "lesson slug"),
    "module": ("module", "module id"),
    "position": ("position", "module position", "lesson", "lesson number"),
    "series": ("series",),
    "type": ("type", "lesson type"),
    "load_type": ("load type", "cognitive load type", "cognitive load", "load"),
    "previous": ("previous lesson", "previous", "prev lesson"),
    "next": ("next lesson", "next"),
}

#: Table part -> column role -> accepted header names (a cell matches a name
#: when it starts with its words).  The first role of each part is how the
#: table is recognized together with ``TABLE_SIGNATURES``.
COLUMNS: dict[str, dict[str, tuple[str, ...]]] = {
    "concepts": {
        "concept": ("concept",),
        "depth": ("depth",),
        "source": ("source", "source lesson", "taught in", "from"),
        "notes": ("notes", "relevance", "how it s relevant", "how it is relevant", "how established"),
    },
    "prerequisites": {
        "concept": ("concept", "prerequisite"),
        "required": ("required depth", "required"),
        "actual": ("actual depth", "actual", "current depth"),
        "source": ("source lesson", "source", "taught in"),
        "status": ("status",),
        "reasoning": ("reasoning", "notes", "rationale"),
    },
    "gap_resolution": {
        "size": ("gap size", "size"),
        "gap": ("gap", "concept"),
        "resolution": ("resolution", "how resolved"),
    },
    "misconceptions": {
        "misconception": ("misconception",),
        "why": ("why",),
        "negative": ("negative example", "negative", "example", "counterexample"),
        "where": ("where",),
    },
    "examples": {
        "example": ("example",),
        "type": ("type", "kind"),
        "purpose": ("purpose",),
        "why": ("why", "rationale"),
    },
    "modalities": {
        "modality": ("modality",),
        "what": ("what specifically", "what"),
        "why": ("why", "rationale", "reason"),
    },
    "connections": {
        "prior": ("prior concept", "prior"),
        "how": ("how",),
    },
}

#: Table part -> phrases that must all appear in the header for a table to be
#: that part wherever it sits (checked in this order).
TABLE_SIGNATURES: dict[str, tuple[str, ...]] = {
    "prerequisites": ("required",),
    "gap_resolution": ("resolution",),
    "misconceptions": ("misconception",),
    "modalities": ("modality",),
    "connections": ("prior concept",),
    "concepts": ("concept", "depth", "source"),
    "examples": ("example", "type"),
}

#: Module plan Lesson Sequence columns.
SEQUENCE_COLUMNS: dict[str, tuple[str, ...]] = {
    "number": ("#", "number", "no", "n", "lesson number", "position"),
    "slug": ("slug", "lesson", "lesson slug"),
    "concept": ("core concept", "core concepts", "concept", "concepts"),
    "type": ("type", "load", "lesson type"),
    "status": ("status",),
}

#: Headings of a module plan whose table is the Lesson Sequence.
SEQUENCE_HEADINGS: tuple[str, ...] = ("lesson sequence", "sequence", "lessons")

#: Concept Index columns of a module record.
RECORD_COLUMNS: dict[str, tuple[str, ...]] = {
    "concept": ("concept",),
    "depth": ("depth",),
    "lesson": ("lesson", "lessons", "taught in", "source"),
    "notes": ("notes", "apis"),
}

#: Headings of a module record: Concept Index, per-lesson summaries, mental models.
RECORD_HEADINGS: dict[str, tuple[str, ...]] = {
    "index": ("concept index",),
    "summaries": ("per lesson summaries", "lesson summaries", "summaries"),
    "mental_models": ("key mental models", "mental models and analogies", "mental models"),
}

#: Bold labels of a per-lesson summary whose items are concepts the lesson taught.
RECORD_TAUGHT_LABELS: tuple[str, ...] = (
    "concepts taught", "what was taught", "mental models established", "mental models reinforced",
    "analogies used", "key concepts", "concepts",
)

#: Depth words -> canonical depth name (``MENTIONED`` < ... < ``APPLIED``).
DEPTH_WORDS: dict[str, str] = {
    "mentioned": "MENTIONED",
    "mention": "MENTIONED",
    "introduced": "INTRODUCED",
    "introduce": "INTRODUCED",
    "intro": "INTRODUCED",
    "developed": "DEVELOPED",
    "develop": "DEVELOPED",
    "applied": "APPLIED",
    "apply": "APPLIED",
}

#: Depth cells that say the concept is not there (a gap): read, never invalid.
ABSENT_DEPTHS: tuple[str, ...] = (
    "missing", "not taught", "not explicitly taught", "not explicit", "not covered", "gap", "none", "n a", "na",
    "absent", "new",
)

#: Depth cells that say the concept is assumed from outside the course.
ASSUMED_DEPTHS: tuple[str, ...] = ("assumed", "prior knowledge", "background")

#: Depth cells that name no level but are not errors (a concept seen again).
UNRATED_DEPTHS: tuple[str, ...] = ("reinforced", "established", "revisited", "reviewed")

#: Lesson-type words -> canonical type.
TYPE_WORDS: dict[str, str] = {
    "build": "BUILD",
    "stretch": "STRETCH",
    "consolidate": "CONSOLIDATE",
    "consolidation": "CONSOLIDATE",
    "project": "PROJECT",
    "capstone": "PROJECT",
}

#: Words that say a ``**Type:**`` line describes the lesson's medium, not its load.
MEDIUM_WORDS: tuple[str, ...] = (
    "notebook", "conceptual", "hands", "interactive", "reading", "video", "colab", "theory", "theoretical",
    "practical", "widget", "code", "coding", "lecture", "exercise", "exercises", "lab", "demo", "walkthrough",
    "implementation", "discussion", "case", "study", "visual",
)

#: How a scope list item says it is out of scope (flat lists, no IS/NOT labels).
SCOPE_NOT_PREFIXES: tuple[str, ...] = ("not", "no", "out of scope", "excluded", "deferred", "does not", "won t")
SCOPE_IS_PREFIXES: tuple[str, ...] = ("is", "in scope", "covers", "included")

#: Example Type words -> positive / negative.
EXAMPLE_KINDS: dict[str, tuple[str, ...]] = {
    "positive": ("positive",),
    "negative": ("negative", "non example", "nonexample", "counterexample", "counter example"),
}

#: Prerequisite Status words -> ``OK`` or ``GAP`` (the first word of the cell decides).
STATUS_WORDS: dict[str, tuple[str, ...]] = {
    "OK": ("ok", "okay", "met", "sufficient", "ready", "covered", "yes", "strong", "solid", "✅", "✓", "✔"),
    "GAP": (
        "gap", "missing", "partial", "partially", "insufficient", "needs", "resolved", "bridged", "addressed", "❌", "✗",
    ),
}
