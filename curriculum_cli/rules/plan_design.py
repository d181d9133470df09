"""Phase 3 rules: modalities, cognitive load, scope (P3xx)."""

from __future__ import annotations

from collections.abc import Iterator

from curriculum_cli.findings import Issue, Severity
from curriculum_cli.model.curriculum import PlanDocument
from curriculum_cli.model.depth import parse_type, types_in
from curriculum_cli.rules.base import rule

MIN_MODALITIES = 3
MAX_NEW_CONCEPTS = 3


@rule(
    "P301", "too-few-modalities", Severity.IMPROVEMENT,
    impact="A concept met in only one or two forms stays fragile: the student can repeat it but not use it.",
)
def too_few_modalities(target: PlanDocument) -> Iterator[Issue]:
    """Fewer than 3 modalities are planned for the core concept.

    Modalities are ways of meeting the concept: concrete example, visual,
    symbolic/code, verbal analogy, intuition...
    """
    plan = target.plan
    table = plan.tables.get("modalities")
    if table is not None and len(plan.modalities) < MIN_MODALITIES:
        yield Issue(
            f"{len(plan.modalities)} modalit{'y' if len(plan.modalities) == 1 else 'ies'} planned, "
            f"at least {MIN_MODALITIES} are required",
            table.line, fix="plan another way of presenting the core concept, with its reason", subject="modalities",
        )


@rule(
    "P302", "modality-without-reason", Severity.IMPROVEMENT,
    impact="A modality chosen without a reason tends to be decoration rather than teaching.",
)
def modality_without_reason(target: PlanDocument) -> Iterator[Issue]:
    """A modality has no reason ("Why This Modality") given."""
    for modality in target.plan.modalities:
        if not modality.why.strip(" -—"):
            yield Issue(
                f"modality {modality.name!r} has no reason", modality.line,
                fix="say why this modality suits this concept", subject=modality.name,
            )


@rule(
    "P303", "cognitive-load-exceeded", Severity.IMPROVEMENT,
    impact="More than three new concepts at once overloads working memory; later ones are not retained.",
)
def cognitive_load_exceeded(target: PlanDocument) -> Iterator[Issue]:
    """More than 3 new concepts are introduced in one lesson.

    Counted from the numbered list under "New concepts in this lesson" (or
    the stated number when there is no list).  Split the lesson.
    """
    load = target.plan.cognitive_load
    if load is None:
        return
    count = len(load.concepts) if load.concepts else load.stated
    if count is not None and count > MAX_NEW_CONCEPTS:
        yield Issue(
            f"{count} new concepts in this lesson; at most {MAX_NEW_CONCEPTS} are allowed",
            load.stated_line or load.line, fix="move a concept to another lesson or fold it into one already taught",
            subject="load",
        )


@rule(
    "P304", "load-count-mismatch", Severity.IMPROVEMENT,
    impact="The plan misstates its own load, so the load check and the reviewers rely on a wrong number.",
)
def load_count_mismatch(target: PlanDocument) -> Iterator[Issue]:
    """The stated number of new concepts differs from the numbered list below it.

    The count may be a number, a range (``2-3``: the list must fall in it), a
    word (``Two``, ``zero``) or "N genuinely new"; numbered items marked
    reinforced or not new are not counted.  Also reported when the count line
    is missing or states no number.
    """
    load = target.plan.cognitive_load
    if load is None:
        return
    if load.stated is None:
        yield Issue(
            "no '**New concepts in this lesson:** N' line with a number", load.stated_line or load.line,
            fix="add '- **New concepts in this lesson:** N' followed by a numbered list", subject="load-count",
        )
    elif load.concepts and not (load.stated_min or load.stated) <= len(load.concepts) <= load.stated:
        stated = f"{load.stated_min}-{load.stated}" if load.stated_min not in (None, load.stated) else str(load.stated)
        yield Issue(
            f"states {stated} new concepts but lists {len(load.concepts)}", load.stated_line,
            fix=f"state {len(load.concepts)} or correct the list", subject="load-count",
        )


@rule(
    "P305", "load-type-mismatch", Severity.IMPROVEMENT,
    impact="The lesson rhythm (BUILD, STRETCH, CONSOLIDATE) is planned on a wrong premise.",
)
def load_type_mismatch(target: PlanDocument) -> Iterator[Issue]:
    """"This lesson's load" disagrees with the header's ``**Type:**``.

    Compared only when both are written (``**This lesson's load:**`` or
    ``**This lesson:**``); a load stated once is not a finding.
    """
    plan = target.plan
    load = plan.cognitive_load
    if load is None or plan.header.type is None:
        return
    if load.this_load is None:
        return  # the load is stated once, in the header (census: a third of real docs)
    stated = parse_type(load.this_load.raw)
    if stated != plan.header.type and not types_in(load.this_load.raw) & types_in(plan.header.type_raw or ""):
        yield Issue(
            f"this lesson's load is {load.this_load.raw!r} but **Type:** is {plan.header.type.value}",
            load.this_load.line, fix=f"make both {plan.header.type.value} (or change **Type:**)", subject="this-load",
        )


@rule(
    "P306", "scope-incomplete", Severity.IMPROVEMENT,
    impact="Without stated boundaries the lesson drifts into topics the student is not ready for.",
)
def scope_incomplete(target: PlanDocument) -> Iterator[Issue]:
    """Scope boundaries do not state both what the lesson IS and is NOT about.

    Write ``**This lesson IS about:**`` and ``**This lesson is NOT about:**``
    each followed by bullets.
    """
    scope = target.plan.scope
    if scope is None:
        return
    if not scope.is_items:
        yield Issue(
            "scope does not list what the lesson IS about", scope.is_line or scope.line,
            fix="add '**This lesson IS about:**' followed by bullets", subject="scope-is",
        )
    if not scope.not_items:
        yield Issue(
            "scope does not list what the lesson is NOT about", scope.not_line or scope.line,
            fix="add '**This lesson is NOT about:**' followed by bullets", subject="scope-not",
        )

