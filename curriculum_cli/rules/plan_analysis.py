"""Phase 2 rules: prerequisites, gaps, misconceptions, examples (P2xx)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from curriculum_cli.findings import Issue, Severity
from curriculum_cli.model.aliases import STATUS_WORDS
from curriculum_cli.model.curriculum import PlanDocument
from curriculum_cli.rules.base import rule

MIN_MISCONCEPTIONS = 3
MIN_POSITIVE = 2
MIN_NEGATIVE = 1

_NO_GAPS = re.compile(r"^\s*(no gaps?|none|n/?a)\b", re.IGNORECASE)


def _status(raw: str) -> str:
    """``OK`` / ``GAP`` from a Status cell (``aliases.STATUS_WORDS``), else its first word in capitals."""
    word = re.match(r"[\s*_`]*([A-Za-z]+|[✅✓✔❌✗])", raw)
    if not word:
        return ""
    found = word.group(1).lower()
    for status, names in STATUS_WORDS.items():
        if found in names:
            return status
    return found.upper()


@rule(
    "P201", "prerequisite-status-mismatch", Severity.CRITICAL,
    impact="The lesson assumes knowledge the student does not have at the depth it needs, and nothing plans to close the gap.",
)
def prerequisite_status(target: PlanDocument) -> Iterator[Issue]:
    """A prerequisite's Status disagrees with its Required and Actual depth.

    ``OK`` needs Actual Depth >= Required Depth; an Actual Depth below the
    required one is a ``GAP`` and must be resolved.  An Actual Depth the
    course assumes from outside (``Assumed``, ``assumed (background)``,
    ``DEVELOPED (assumed)``) meets any requirement.  A row marked ``GAP``
    whose actual depth already meets the requirement is reported too (it
    plans work that is not needed).
    """
    for prereq in target.plan.prerequisites:
        required, actual = prereq.required.depth, prereq.actual.depth
        status = _status(prereq.status)
        if required is None:
            continue
        short = actual is None or actual < required
        actual_name = actual.name if actual else prereq.actual.raw or "missing"
        if status == "OK" and short and prereq.actual.kind != "assumed":
            yield Issue(
                f"{prereq.concept!r} is marked OK but Actual Depth {actual_name} is below Required Depth {required.name}",
                prereq.line, fix="mark it GAP and plan its resolution, or correct the depths", subject=prereq.concept,
            )
        elif status == "GAP" and not short:
            yield Issue(
                f"{prereq.concept!r} is marked GAP but Actual Depth {actual_name} meets Required Depth {required.name}",
                prereq.line, fix="mark it OK", subject=prereq.concept, severity=Severity.POLISH,
            )
        elif status not in ("OK", "GAP"):
            yield Issue(
                f"status {prereq.status!r} of {prereq.concept!r} is neither OK nor GAP",
                prereq.line, fix="write OK or GAP", subject=prereq.concept, severity=Severity.POLISH,
            )


@rule(
    "P202", "gap-without-resolution", Severity.CRITICAL,
    impact="The student meets a concept they were never taught, with nothing in the lesson to bridge it.",
)
def gap_without_resolution(target: PlanDocument) -> Iterator[Issue]:
    """A prerequisite has Status GAP but no gap resolution is planned.

    Write a ``**Gap resolution:**`` paragraph under the prerequisites table
    saying how the lesson closes each gap (a recap section, a dedicated
    lesson before this one...).
    """
    plan = target.plan
    gaps = [p for p in plan.prerequisites if _status(p.status) == "GAP"]
    if not gaps:
        return
    resolution = plan.gap_resolution
    if resolution is None or not resolution.raw.strip() or _NO_GAPS.match(resolution.raw):
        names = ", ".join(repr(g.concept) for g in gaps)
        line = resolution.line if resolution else gaps[0].line
        yield Issue(
            f"prerequisite gap(s) {names} have no gap resolution", line,
            fix="add a '**Gap resolution:**' paragraph that resolves each gap", subject="gap-resolution",
        )


@rule(
    "P203", "too-few-misconceptions", Severity.IMPROVEMENT,
    impact="Predictable wrong ideas go unaddressed and the student keeps them.",
)
def too_few_misconceptions(target: PlanDocument) -> Iterator[Issue]:
    """Fewer than 3 misconceptions are planned.

    Every lesson names at least three misconceptions the student is likely
    to hold, each with a negative example that disproves it.
    """
    plan = target.plan
    table = plan.tables.get("misconceptions")
    if table is None:
        return  # P101 reports the missing part
    if len(plan.misconceptions) < MIN_MISCONCEPTIONS:
        yield Issue(
            f"{len(plan.misconceptions)} misconception(s) planned, at least {MIN_MISCONCEPTIONS} are required",
            table.line, fix="add misconceptions the student is likely to hold, each with a negative example",
            subject="misconceptions",
        )


@rule(
    "P204", "misconception-without-negative-example", Severity.IMPROVEMENT,
    impact="Telling a student an idea is wrong rarely dislodges it; without a counterexample the misconception survives.",
)
def misconception_without_negative(target: PlanDocument) -> Iterator[Issue]:
    """A misconception has no negative example that disproves it."""
    for item in target.plan.misconceptions:
        if not item.negative_example.strip(" -—"):
            yield Issue(
                f"misconception {item.text!r} has no negative example", item.line,
                fix="add a concrete example whose outcome contradicts the misconception", subject=item.text,
            )


@rule(
    "P205", "too-few-examples", Severity.IMPROVEMENT,
    impact="With too few examples the student cannot find the boundary of the concept.",
)
def too_few_examples(target: PlanDocument) -> Iterator[Issue]:
    """Fewer than 2 positive or fewer than 1 negative example are planned.

    An example counts by its Type cell, which starts with ``Positive`` or
    ``Negative`` (``Positive (primary)`` is fine).
    """
    plan = target.plan
    table = plan.tables.get("examples")
    if table is None:
        return
    positive = sum(1 for e in plan.examples if e.kind == "positive")
    negative = sum(1 for e in plan.examples if e.kind == "negative")
    if positive < MIN_POSITIVE or negative < MIN_NEGATIVE:
        yield Issue(
            f"{positive} positive and {negative} negative example(s) planned; "
            f"at least {MIN_POSITIVE} positive and {MIN_NEGATIVE} negative are required",
            table.line, fix="add examples until there are 2 positive and 1 negative", subject="examples",
        )
    for example in plan.examples:
        if example.kind is None:
            yield Issue(
                f"example {example.name!r} has Type {example.type_raw!r}, which starts with neither Positive nor Negative",
                example.line, fix="start the Type cell with 'Positive' or 'Negative'", subject=example.name,
                severity=Severity.POLISH,
            )
