"""Checklist claims must be true (P4xx).

A checked item (``- [x]``) is a claim about the document.  The claims a
machine can verify are recognized by topic (misconceptions, modalities,
examples, cognitive load, scope, gaps) and checked against the tables: a
count the claim states ("(5 identified)") and a limit it asserts ("At least
3", "Cognitive load <= 3").
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from curriculum_cli.findings import Edit, Issue, Severity
from curriculum_cli.model.curriculum import PlanDocument
from curriculum_cli.model.plan import ChecklistItem, LessonPlan
from curriculum_cli.rules.base import rule

_AT_LEAST = re.compile(r"\bat\s+least\s+(\d+)", re.IGNORECASE)
_AT_MOST = re.compile(r"(?:<=|≤|=<|\bat\s+most\b|\bno\s+more\s+than\b)\s*(\d+)", re.IGNORECASE)
_EQUALS = re.compile(r"(?<![<>≤≥=!])=\s*(\d+)")
_PAREN_COUNT = re.compile(r"\((\d+)\s+(?:identified|planned|listed|found|total|in total|modalities|misconceptions)\b", re.IGNORECASE)
_PAREN_EXAMPLES = re.compile(r"\((\d+)\s*positive\s*(?:\+|and|,)\s*(\d+)\s*negative", re.IGNORECASE)
_POS_NEG_LIMIT = re.compile(r"(\d+)\s*positive.*?(\d+)\s*negative", re.IGNORECASE)


@dataclass(frozen=True)
class Verdict:
    count_errors: list[str]
    limit_errors: list[str]
    #: ``(old, new)`` texts of the claim that correct its wrong counts.
    count_fixes: list[tuple[str, str]] = field(default_factory=list)


def _corrected(match: re.Match[str], *values: int) -> tuple[str, str]:
    """The matched text, and the same text with its number groups replaced by ``values``."""
    old = match.group(0)
    new = old
    for group in range(len(values), 0, -1):
        start, end = match.start(group) - match.start(), match.end(group) - match.start()
        new = new[:start] + str(values[group - 1]) + new[end:]
    return old, new


def _topic(text: str) -> str | None:
    lowered = text.lower()
    if "misconception" in lowered:
        return "misconceptions"
    if "modalit" in lowered:
        return "modalities"
    if "example" in lowered and ("positive" in lowered or "negative" in lowered):
        return "examples"
    if "cognitive load" in lowered or "new concept" in lowered:
        return "load"
    if "scope" in lowered and ("stated" in lowered or "boundar" in lowered):
        return "scope"
    if "gap" in lowered and ("resolution" in lowered or "resolved" in lowered):
        return "gaps"
    return None


def _verify(item: ChecklistItem, plan: LessonPlan) -> Verdict:
    text = item.text
    topic = _topic(text)
    counts: list[str] = []
    limits: list[str] = []
    fixes: list[tuple[str, str]] = []
    if topic in ("misconceptions", "modalities"):
        rows = plan.misconceptions if topic == "misconceptions" else plan.modalities
        if topic not in plan.tables:
            limits.append(f"there is no {topic} table")
            return Verdict(counts, limits)
        actual = len(rows)
        stated = _PAREN_COUNT.search(text)
        if stated and int(stated.group(1)) != actual:
            counts.append(f"states {stated.group(1)} {topic}, the table has {actual}")
            fixes.append(_corrected(stated, actual))
        least = _AT_LEAST.search(text)
        if least and actual < int(least.group(1)):
            limits.append(f"asserts at least {least.group(1)} {topic}, the table has {actual}")
        if topic == "misconceptions" and "negative" in text.lower():
            missing = [m.text for m in plan.misconceptions if not m.negative_example.strip(" -—")]
            if missing:
                limits.append(f"{len(missing)} misconception(s) have no negative example")
        if topic == "modalities" and re.search(r"rationale|reason|why", text, re.IGNORECASE):
            missing = [m.name for m in plan.modalities if not m.why.strip(" -—")]
            if missing:
                limits.append(f"{len(missing)} modalit(y/ies) have no reason")
    elif topic == "examples":
        positive = sum(1 for e in plan.examples if e.kind == "positive")
        negative = sum(1 for e in plan.examples if e.kind == "negative")
        stated = _PAREN_EXAMPLES.search(text)
        if stated and (int(stated.group(1)), int(stated.group(2))) != (positive, negative):
            counts.append(
                f"states {stated.group(1)} positive + {stated.group(2)} negative, "
                f"the table has {positive} positive + {negative} negative"
            )
            fixes.append(_corrected(stated, positive, negative))
        head = text[: stated.start()] if stated else text
        least = _POS_NEG_LIMIT.search(head) if _AT_LEAST.search(head) else None
        if least and (positive < int(least.group(1)) or negative < int(least.group(2))):
            limits.append(
                f"asserts at least {least.group(1)} positive + {least.group(2)} negative, "
                f"the table has {positive} positive + {negative} negative"
            )
    elif topic == "load":
        load = plan.cognitive_load
        if load is None:
            limits.append("there is no cognitive load assessment")
            return Verdict(counts, limits)
        listed: int | None = len(load.concepts) if load.concepts else load.stated
        if listed is None:
            return Verdict(counts, limits)
        actual = listed
        most = _AT_MOST.search(text)
        equals = _EQUALS.search(text)
        if most and actual > int(most.group(1)):
            limits.append(f"asserts at most {most.group(1)} new concepts, the lesson lists {actual}")
        elif equals and int(equals.group(1)) != actual:
            counts.append(f"states {equals.group(1)} new concepts, the lesson lists {actual}")
            fixes.append(_corrected(equals, actual))
    elif topic == "scope":
        scope = plan.scope
        if scope is None or not scope.is_items or not scope.not_items:
            limits.append("the scope boundaries do not state both IS and NOT lists")
    elif topic == "gaps":
        gaps = [p.concept for p in plan.prerequisites if p.status.strip().upper().startswith("GAP")]
        resolution = plan.gap_resolution.raw.strip() if plan.gap_resolution else ""
        if gaps and (not resolution or re.match(r"no gaps?\b", resolution, re.IGNORECASE)):
            limits.append(f"{len(gaps)} prerequisite gap(s) have no resolution")
    return Verdict(counts, limits, fixes)


def _checked(plan: LessonPlan) -> Iterator[ChecklistItem]:
    return (item for item in plan.checklist if item.checked)


@rule(
    "P401", "false-checklist-count", Severity.IMPROVEMENT,
    impact="Reviewers trust the checklist; a wrong count hides that the plan changed after it was ticked.",
)
def false_checklist_count(target: PlanDocument) -> Iterator[Issue]:
    """A checked claim states a count that the document contradicts.

    "At least 3 misconceptions identified (5 identified)" must match the
    rows of the misconceptions table; "(3 positive + 2 negative)" the
    examples table; "(5 planned)" the modalities; "Cognitive load = 3 new
    concepts" the numbered list.
    """
    for item in _checked(target.plan):
        verdict = _verify(item, target.plan)
        if verdict.count_errors:
            yield Issue(
                f"checked claim is false: {'; '.join(verdict.count_errors + verdict.limit_errors)}", item.line,
                fix="correct the count in the claim (or the table), or uncheck it", subject=item.text,
                edits=tuple(Edit(path=target.path, line=item.line, old=old, new=new) for old, new in verdict.count_fixes)
                if item.line is not None else (),
            )


@rule(
    "P402", "false-checklist-claim", Severity.IMPROVEMENT,
    impact="A ticked box that is not true signs off a plan with a known defect.",
)
def false_checklist_claim(target: PlanDocument) -> Iterator[Issue]:
    """A checked claim asserts a limit or property the document does not meet.

    Verified: "At least 3 misconceptions ... with negative examples", "At
    least 3 modalities ... each with rationale", "At least 2 positive + 1
    negative example", "Cognitive load <= 3", "Scope boundaries explicitly
    stated", "All gaps have explicit resolution plans".  (A claim with a
    wrong count is reported once, by P401.)
    """
    for item in _checked(target.plan):
        verdict = _verify(item, target.plan)
        if verdict.limit_errors and not verdict.count_errors:
            yield Issue(
                f"checked claim is false: {'; '.join(verdict.limit_errors)}", item.line,
                fix="fix the plan so the claim holds, or uncheck it", subject=item.text,
            )


@rule(
    "P403", "unchecked-checklist-item", Severity.POLISH,
    impact="An open checklist item means a planning step was not finished.",
)
def unchecked_item(target: PlanDocument) -> Iterator[Issue]:
    """A checklist item is not checked (``- [ ]``).

    Do the work and check it, or remove the item.
    """
    for item in target.plan.checklist:
        if not item.checked:
            yield Issue(f"unchecked: {item.text}", item.line, fix="complete it and mark it [x]", subject=item.text)
