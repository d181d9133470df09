"""The typed model of a lesson planning document (FORMAT.md section 3).

Every part keeps the source line it was read from.  Values are kept raw next
to their parsed form, so rules can report what the author wrote.  The model
is built by :func:`curriculum_cli.model.build_plan.build_plan`.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from curriculum_cli.model.depth import Depth, LessonType


class Node(BaseModel):
    model_config = ConfigDict(extra="forbid")

    line: int | None = None


class Citation(Node):
    """A lesson citation: ``autograd (2.1)`` or ``autograd (2.1.2)``."""

    raw: str
    slug: str | None = None
    module_id: str | None = None
    lesson_number: int | None = None


class DepthCell(Node):
    raw: str
    depth: Depth | None = None
    raised_from: Depth | None = None
    #: For a cell naming no depth: ``absent``, ``assumed`` or ``unrated`` (see ``aliases``).
    kind: str | None = None


class LessonRef(Node):
    """``**Previous lesson:** tensors (BUILD)``."""

    raw: str
    slug: str | None = None
    type: LessonType | None = None


class Header(Node):
    title: str = ""
    #: Which title form matched (``lesson-title``, ``slug-planning-document``...), ``None`` for none.
    title_form: str | None = None
    #: The human title inside the title line ("Slicing Lists" of ``# Lesson: Slicing Lists``).
    name: str | None = None
    slug: str | None = None
    #: Where the slug came from: ``slug label``, ``title`` or ``file name``.
    slug_from: str | None = None
    module_id: str | None = None
    lesson_number: int | None = None
    #: ``M`` of ``**Position:** Lesson N of M``.
    lesson_count: int | None = None
    #: Line stating the lesson number (title or Position/Lesson label).
    position_line: int | None = None
    #: A ``**Type:**`` value naming the medium ("Hands-on notebook") rather than the load.
    medium: str | None = None
    type: LessonType | None = None
    type_raw: str | None = None
    type_line: int | None = None
    previous: LessonRef | None = None
    next: LessonRef | None = None


class TableInfo(Node):
    """Where a table was found and its header, for column and count rules."""

    header: list[str] = Field(default_factory=list)
    rows: int = 0
    end_line: int | None = None
    #: Column role -> the header cell read as that role (``why`` -> ``Rationale``).
    columns: dict[str, str] = Field(default_factory=dict)


class Concept(Node):
    name: str
    depth: DepthCell
    source: Citation
    #: Further lessons cited in the same cell: ``a (1.1), b (1.2)``.
    also: list[Citation] = Field(default_factory=list)
    notes: str = ""


class Prerequisite(Node):
    concept: str
    required: DepthCell
    actual: DepthCell
    source: Citation
    also: list[Citation] = Field(default_factory=list)
    status: str = ""
    reasoning: str = ""


class Misconception(Node):
    text: str
    why: str = ""
    negative_example: str = ""
    where: str = ""


class Example(Node):
    name: str
    type_raw: str = ""
    kind: str | None = Field(default=None, description="'positive', 'negative' or None")
    purpose: str = ""
    why: str = ""


class Modality(Node):
    name: str
    what: str = ""
    why: str = ""


class TextItem(Node):
    text: str


class LabelValue(Node):
    raw: str


class CognitiveLoad(Node):
    #: The stated number of new concepts (the high end of a range such as ``2-3``).
    stated: int | None = None
    #: The low end of a stated range (equal to ``stated`` for one number).
    stated_min: int | None = None
    stated_raw: str | None = None
    stated_line: int | None = None
    concepts: list[TextItem] = Field(default_factory=list)
    #: Numbered items marked as reinforced / not new (not counted).
    reinforced: list[TextItem] = Field(default_factory=list)
    previous_load: LabelValue | None = None
    this_load: LabelValue | None = None
    assessment: str | None = None
    assessment_line: int | None = None


class Deferral(BaseModel):
    """Where a NOT-list item is deferred: ``(lesson 3: nn-module)``."""

    raw: str
    kind: str = Field(description="'lesson' or 'module'")
    number: str | None = None
    slug: str | None = None


class ScopeItem(Node):
    text: str
    deferral: Deferral | None = None


class Scope(Node):
    is_line: int | None = None
    not_line: int | None = None
    is_items: list[ScopeItem] = Field(default_factory=list)
    not_items: list[ScopeItem] = Field(default_factory=list)
    target_depth: str | None = None


class Connection(Node):
    prior: str
    how: str = ""


class OutlineSection(Node):
    number: int | None = None
    title: str


class ChecklistItem(Node):
    text: str
    checked: bool
    group: str = ""


class ReviewFinding(Node):
    """One ``#### [SEVERITY] — title`` finding of a review (``###`` also accepted)."""

    severity_raw: str
    severity: str | None = None
    title: str
    retracted: bool = False
    location: str | None = None
    issue: str | None = None
    impact: str | None = None
    fix: str | None = None
    #: Stable identity written by ``curriculum review`` in an HTML comment
    #: (``<!-- curriculum: C102 content/x.md name:w -->``); ``None`` when a human wrote it.
    fingerprint: str | None = None
    #: Written by ``curriculum review`` (a ``<!-- curriculum: ... -->`` comment under
    #: the heading): only its severity bracket can retract it, never words in its text.
    generated: bool = False
    #: The heading form: ``[SEVERITY] — title``, ``SEVERITY — title`` or ``Finding #N [SEVERITY] — title``.
    heading_form: str = "[SEVERITY] — title"
    #: Line of each field that was found: ``location``, ``issue``, ``impact``, ``fix``.
    field_lines: dict[str, int] = Field(default_factory=dict)


class FixRow(Node):
    number: str = ""
    severity: str = ""
    finding: str = ""
    status_raw: str = ""
    status: str | None = Field(
        default=None,
        description="'FIXED', 'NOT FIXED', 'PARTIALLY FIXED', 'ACCEPTED', 'NON-ISSUE', 'NOT VERIFIED', 'RETRACTED' or None",
    )
    #: The status word as written (``resolved``, ``not addressed``...), see ``model/review_aliases.py``.
    status_word: str | None = None
    #: The row is about a finding that was retracted (``POLISH (RETRACTED)``).
    retracted: bool = False


class ReviewSummary(Node):
    critical: int | None = None
    improvement: int | None = None
    polish: int | None = None
    #: The summary mentions retracted findings (``- Polish: 3 (1 retracted)``): its counts may include them.
    mentions_retracted: bool = False


class Review(Node):
    title: str
    date: str | None = None
    iteration: int | None = None
    max_iterations: int | None = None
    #: A label in the heading's parentheses besides the iteration (``Post-Depth-Rework``):
    #: an ``Iteration 1`` with a label starts a new review cycle.
    label: str | None = None
    end_line: int | None = None
    summary: ReviewSummary | None = None
    verdict_raw: str | None = None
    verdict: str | None = None
    verdict_line: int | None = None
    #: One sentence after the verdict explaining it.
    verdict_reason: str | None = None
    fix_title: str | None = None
    fix_line: int | None = None
    #: The iteration whose findings the fix table verifies (``Iteration 1 Fix Verification``).
    fix_iteration: int | None = None
    #: The heading or bold-label form of the fix-verification part (``iteration n resolution check``).
    fix_alias: str | None = None
    #: How the rows are written: ``table``, ``list``, ``paragraphs``; ``None`` when there are none.
    fix_form: str | None = None
    fix_rows: list[FixRow] = Field(default_factory=list)
    #: Free sentences of the fix-verification part ("All 9 findings ... addressed").
    fix_text: list[TextItem] = Field(default_factory=list)
    findings_line: int | None = None
    findings: list[ReviewFinding] = Field(default_factory=list)
    notes: str | None = None
    notes_line: int | None = None
    #: Paragraphs and list items of the whole review outside the fix part, with lines.
    text: list[TextItem] = Field(default_factory=list)

    def counted(self) -> list[ReviewFinding]:
        """Findings that count in the summary (a RETRACTED one does not)."""
        return [f for f in self.findings if not f.retracted]


class Problem(Node):
    """A part of the document that could not be read as the format says."""

    code: str
    message: str
    fix: str | None = None


class LessonPlan(BaseModel):
    """A lesson planning document, with every phase it contains."""

    model_config = ConfigDict(extra="forbid")

    path: str
    header: Header = Field(default_factory=Header)
    #: Canonical part name -> line where it was found (see ``aliases.PARTS``).
    sections: dict[str, int] = Field(default_factory=dict)
    #: Canonical part name -> how it was recognized: ``heading 'prerequisites'``,
    #: ``label 'gap resolution'``, ``columns 'required'`` (the alias that matched).
    matched: dict[str, str] = Field(default_factory=dict)
    tables: dict[str, TableInfo] = Field(default_factory=dict)

    # Phase 1
    concepts: list[Concept] = Field(default_factory=list)
    mental_models: list[TextItem] = Field(default_factory=list)
    not_covered: list[TextItem] = Field(default_factory=list)
    readiness: str | None = None
    # Phase 2
    target_concept: str | None = None
    prerequisites: list[Prerequisite] = Field(default_factory=list)
    gap_resolution: LabelValue | None = None
    misconceptions: list[Misconception] = Field(default_factory=list)
    examples: list[Example] = Field(default_factory=list)
    # Phase 3
    narrative: str | None = None
    modalities: list[Modality] = Field(default_factory=list)
    cognitive_load: CognitiveLoad | None = None
    connections: list[Connection] = Field(default_factory=list)
    scope: Scope | None = None
    outline: list[OutlineSection] = Field(default_factory=list)
    # What Was Actually Built (older documents of the pipeline)
    built_components: list[TextItem] = Field(default_factory=list)
    built_mental_models: list[TextItem] = Field(default_factory=list)
    built_analogies: list[TextItem] = Field(default_factory=list)
    # Checklists and reviews
    checklist: list[ChecklistItem] = Field(default_factory=list)
    reviews: list[Review] = Field(default_factory=list)

    problems: list[Problem] = Field(default_factory=list)

    @property
    def slug(self) -> str | None:
        return self.header.slug
