"""Consistency of the reviews already written in a planning doc (R1xx).

These rules are about the review record, not the student: a wrong count or
verdict misleads the author and the next reviewer about what is left to fix.
Their severities say how much the record misleads: a contradiction about
what is fixed, a count or verdict that does not follow the findings, or a
numbering gap is an IMPROVEMENT; a missing field or a date out of order is
POLISH.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

from curriculum_cli.findings import Issue, Severity
from curriculum_cli.model.build_review import parse_severity, starts_cycle
from curriculum_cli.model.curriculum import PlanDocument
from curriculum_cli.model.plan import Review, TextItem
from curriculum_cli.model.review_aliases import CLOSED_AS_NOT_A_DEFECT, OPEN_STATUSES
from curriculum_cli.parse.markdown import strip_markup
from curriculum_cli.review.verdict import Counts, allowed_verdicts
from curriculum_cli.rules.base import rule

_SEVERITIES = ("critical", "improvement", "polish")

_NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
                 "ten": 10, "eleven": 11, "twelve": 12, "both": 2}
_N = r"(?P<n>\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
#: "All 9 findings from iteration 1 have been addressed", "all iteration 1 findings were fixed",
#: "Both findings resolved", "Every finding from the previous iteration has been addressed".
_ALL_ADDRESSED = re.compile(
    r"\b(?P<q>all|every|each|both)\s+(?:(?:of\s+)?the\s+)?(?:" + _N + r"\s+)?"
    r"(?:(?:previous|earlier|prior|remaining|open|(?P<sev>critical|improvement|polish)|and|or|iteration[\s-](?P<it1>\d+)|"
    r"review|from|in|of|the)[\s,]+)*"
    r"(?:findings?|issues?|items?)"
    r"(?:\s+(?:from|of|in|raised\s+in)\s+(?:iteration\s+(?P<it>\d+)|the\s+(?:previous|last|prior|first)\s+(?:iteration|review)))?"
    r"(?:\s*\([^)]*\))?"
    r"[\s,]+(?:(?:have|has|had|were|was|are|is|been|now|all|successfully|fully|properly|correctly|verified|as)\s+)*"
    r"(?:addressed|fixed|resolved)\b",
    re.IGNORECASE,
)


def _listed(review: Review) -> Counts:
    counted = review.counted()
    return Counts(*(sum(f.severity == s.upper() for f in counted) for s in _SEVERITIES))


def _stated(review: Review) -> Counts | None:
    summary = review.summary
    if summary is None or None in (summary.critical, summary.improvement, summary.polish):
        return None
    return Counts(summary.critical or 0, summary.improvement or 0, summary.polish or 0)


@rule(
    "R101", "review-numbering", Severity.IMPROVEMENT,
    impact="The review record does not say how many iterations were run, so the iteration limit cannot be enforced.",
    fix="Number the review sections 'Iteration 1/3', 'Iteration 2/3', 'Iteration 3/3' in order.",
)
def review_numbering(target: PlanDocument) -> Iterator[Issue]:
    """Review iterations are not numbered 1, 2, 3 in order.

    Each ``## Review — DATE (Iteration N/M)`` section carries the next number,
    without gaps or repeats, and N may not exceed M.  A review labelled in
    its heading (``(Post-Depth-Rework, Iteration 1/3)``) may start a new
    cycle at 1; a review heading without a number counts in order.
    """
    expected = 0
    for index, review in enumerate(target.plan.reviews):
        expected += 1
        subject = f"review:{index + 1}"
        if review.iteration is None:
            continue
        if review.iteration == 1 and review.label and index:
            expected = 1  # a labelled rework starts a new cycle
        if review.iteration != expected:
            yield Issue(
                f"review is numbered iteration {review.iteration}, expected {expected} "
                f"(review {index + 1} of the document)",
                review.line, subject=subject,
            )
            expected = review.iteration
        if review.max_iterations is not None and review.iteration > review.max_iterations:
            yield Issue(
                f"iteration {review.iteration} exceeds the maximum of {review.max_iterations}",
                review.line, subject=f"{subject}:max",
            )


@rule(
    "R102", "review-date-order", Severity.POLISH,
    impact="The review record's dates do not show when each iteration happened.",
    fix="Write each review heading with its date as YYYY-MM-DD, never earlier than the previous review.",
)
def review_date_order(target: PlanDocument) -> Iterator[Issue]:
    """A review heading has no valid date, or its date is earlier than the previous review's.

    Dates are written ``YYYY-MM-DD``; a later iteration may share the date
    of the previous one but not precede it.
    """
    previous: dt.date | None = None
    for index, review in enumerate(target.plan.reviews):
        subject = f"review:{index + 1}:date"
        if review.date is None:
            yield Issue(f"review heading {review.title!r} has no YYYY-MM-DD date", review.line, subject=subject)
            continue
        try:
            date = dt.date.fromisoformat(review.date)
        except ValueError:
            yield Issue(f"review date {review.date} is not a calendar date", review.line, subject=subject)
            continue
        if previous is not None and date < previous:
            yield Issue(
                f"review date {date} is earlier than the previous review's date {previous}",
                review.line, subject=subject,
            )
        previous = date


@rule(
    "R103", "review-summary-counts", Severity.IMPROVEMENT,
    impact="The summary misstates how much is left to fix, so the verdict and the next iteration start from wrong numbers.",
    fix="Make each Summary count equal the findings of that severity listed below it (RETRACTED findings do not count).",
)
def review_summary_counts(target: PlanDocument) -> Iterator[Issue]:
    """A review's Summary counts differ from the findings it lists.

    ``### Summary`` has one count per severity (``- Critical: 2``); each must
    equal the number of ``[SEVERITY]`` findings listed in the review.  A
    finding marked RETRACTED does not count, unless the Summary itself says
    its counts hold retracted ones (``- Polish: 3 (1 retracted)``).
    """
    for index, review in enumerate(target.plan.reviews):
        subject = f"review:{index + 1}:summary"
        summary = review.summary
        if summary is None:
            yield Issue("review has no '### Summary' with Critical/Improvement/Polish counts", review.line, subject=subject)
            continue
        listed = _listed(review)
        retracted = len(review.findings) - len(review.counted())
        for severity in _SEVERITIES:
            stated, actual = getattr(summary, severity), getattr(listed, severity)
            if stated is None:
                yield Issue(f"Summary gives no {severity.capitalize()} count", summary.line, subject=f"{subject}:{severity}")
            elif stated != actual and not (
                summary.mentions_retracted
                and stated == sum(f.severity == severity.upper() for f in review.findings)
            ):
                note = f" ({retracted} RETRACTED not counted)" if retracted else ""
                yield Issue(
                    f"Summary says {severity.capitalize()}: {stated}, but {actual} {severity.upper()} "
                    f"finding(s) are listed{note}",
                    summary.line, subject=f"{subject}:{severity}",
                )


@rule(
    "R104", "review-verdict", Severity.IMPROVEMENT,
    impact="The verdict tells the author the lesson is closer to (or further from) done than its findings say.",
    fix="Any CRITICAL: MAJOR REVISION; else any IMPROVEMENT: NEEDS REVISION; else PASS.",
)
def review_verdict(target: PlanDocument) -> Iterator[Issue]:
    """A review's verdict does not follow its counts.

    Any CRITICAL gives MAJOR REVISION; else any IMPROVEMENT gives NEEDS
    REVISION; else PASS (``PASS with polish notes`` reads as PASS).  Before
    the last iteration a polish-only review may also ask for NEEDS
    REVISION; at the last iteration (``N/N``) a polish-only review passes.
    The Summary counts are used when complete, else the findings listed.
    """
    for index, review in enumerate(target.plan.reviews):
        subject = f"review:{index + 1}:verdict"
        if review.verdict_raw is None:
            yield Issue("review has no '### Verdict: ...' line", review.line, subject=subject)
            continue
        if review.verdict is None:
            yield Issue(
                f"verdict {review.verdict_raw!r} is not MAJOR REVISION, NEEDS REVISION or PASS",
                review.verdict_line, subject=subject,
            )
            continue
        counts = _stated(review) or _listed(review)
        allowed = allowed_verdicts(counts, review.iteration, review.max_iterations)
        if review.verdict not in allowed:
            yield Issue(
                f"verdict {review.verdict} contradicts the counts (critical {counts.critical}, "
                f"improvement {counts.improvement}, polish {counts.polish}): expected {' or '.join(sorted(allowed))}",
                review.verdict_line, subject=subject,
            )


def _cycle_starts(reviews: list[Review]) -> set[int]:
    """Indexes of reviews that start a review cycle (the first, and a labelled Iteration 1)."""
    return {i for i in range(len(reviews)) if starts_cycle(reviews, i)}


def _verified_iteration(review: Review) -> int | None:
    return review.fix_iteration or ((review.iteration - 1) if review.iteration else None)


def _claims(review: Review) -> Iterator[tuple[TextItem, re.Match[str]]]:
    """'All N findings ... addressed' sentences about the iteration the review verifies.

    In the fix-verification part every such sentence counts; elsewhere only
    one that names the verified iteration or the previous one.
    """
    for item in review.fix_text:
        yield from ((item, match) for match in _ALL_ADDRESSED.finditer(strip_markup(item.text)))
    wanted = _verified_iteration(review)
    for item in review.text:
        for match in _ALL_ADDRESSED.finditer(strip_markup(item.text)):
            named = match["it"] or match["it1"]
            previous = re.search(r"previous|prior|last|earlier", match.group(0), re.IGNORECASE)
            if (named and wanted is not None and int(named) == wanted) or (not named and previous):
                yield item, match


def _claimed_count(match: re.Match[str]) -> int | None:
    if match["q"].lower() == "both":
        return 2
    n = match["n"]
    if n is None:
        return None
    return int(n) if n.isdigit() else _NUMBER_WORDS.get(n.lower())


_FIX_WORDS = re.compile(r"\b(?:fix(?:ed|es)?|resolved?|addressed|verif\w*|carried|still|remains?|unchanged)\b", re.IGNORECASE)


def _mentions_fixes(review: Review) -> bool:
    """The review says anything about fixes (a sentence a rule cannot parse still verifies)."""
    return bool(review.fix_alias or review.fix_text) or any(_FIX_WORDS.search(item.text) for item in review.text)


@rule(
    "R105", "review-fix-table", Severity.IMPROVEMENT,
    impact="Findings of the previous iteration may be silently dropped: nobody verified they were fixed.",
    fix="Verify every finding of the previous iteration under 'Iteration N-1 Fix Verification' (a table, a list or one sentence), each FIXED or NOT FIXED.",
)
def review_fix_table(target: PlanDocument) -> Iterator[Issue]:
    """A review does not verify every finding of the previous iteration.

    From iteration 2 on, the review says what became of the previous
    iteration's findings: under ``### Iteration N-1 Fix Verification`` (or a
    heading or bold label of the same meaning, e.g. ``Resolution Check``,
    ``**Iteration 1 fixes verified:**``), as a table with one row per
    finding, a list or bold paragraphs (``**[POLISH] title -- RESOLVED.**``),
    or one sentence ("All 4 findings from iteration 1 were fixed.").  Rows
    must cover every finding (a RETRACTED one may be left out) and each says
    its status: FIXED/RESOLVED, NOT FIXED/NOT ADDRESSED, PARTIALLY, ACCEPTED,
    NON-ISSUE, NOT VERIFIED or RETRACTED (``model/review_aliases.py`` lists
    every word read).  A table row with no status is reported as POLISH.  A
    review whose heading starts a new cycle (``Post-Depth-Rework, Iteration
    1/3``) verifies nothing.  Prose about fixes that cannot be split into rows
    counts as a verification (only its count is not checked); a review that
    says nothing about fixes at all is reported.
    """
    reviews = target.plan.reviews
    starts = _cycle_starts(reviews)
    for index in range(1, len(reviews)):
        if index in starts:
            continue
        review, previous = reviews[index], reviews[index - 1]
        subject = f"review:{index + 1}:fixes"
        if not review.fix_rows:
            if previous.counted() and not _mentions_fixes(review):
                yield Issue(
                    f"nothing verifies the {len(previous.counted())} finding(s) of iteration "
                    f"{previous.iteration or index}",
                    review.fix_line or review.line, subject=subject,
                )
            continue
        if review.fix_iteration is not None and previous.iteration is not None and review.fix_iteration != previous.iteration:
            yield Issue(
                f"fix verification is about iteration {review.fix_iteration}, but the previous review is iteration {previous.iteration}",
                review.fix_line, subject=f"{subject}:iteration",
            )
        rows, low, high = len(review.fix_rows), len(previous.counted()), len(previous.findings)
        if not low <= rows <= high:
            expected = str(low) if low == high else f"{low} to {high}"
            yield Issue(
                f"fix verification has {rows} row(s), iteration {previous.iteration or index} listed "
                f"{high} finding(s): expected {expected} row(s)",
                review.fix_line, subject=subject,
            )
        for row in review.fix_rows:
            if row.status is None and not row.retracted:
                yield Issue(
                    f"fix table row {row.number or repr(strip_markup(row.finding))} gives no status (FIXED, NOT FIXED, ...)",
                    row.line, subject=f"{subject}:row:{row.number}", severity=Severity.POLISH,
                )


@rule(
    "R106", "review-all-addressed", Severity.IMPROVEMENT,
    impact="The review claims every previous finding is fixed while its own record says otherwise; an open defect may ship.",
    fix="Correct the sentence (e.g. '8 of 9 findings addressed; #8 is not fixed') or fix the open findings.",
)
def review_all_addressed(target: PlanDocument) -> Iterator[Issue]:
    """A sentence says all previous findings were addressed, but the record disagrees.

    Checks sentences such as "All 9 findings from iteration 1 have been
    addressed" in the fix-verification part (or naming the verified or the
    previous iteration elsewhere in the review): no row may be NOT FIXED,
    PARTIALLY FIXED or NOT VERIFIED, and a stated number must equal the
    findings verified (rows that are not RETRACTED; without rows, the
    findings the previous iteration counted).
    """
    reviews = target.plan.reviews
    starts = _cycle_starts(reviews)
    for index, review in enumerate(reviews):
        rows = review.fix_rows
        live = [row for row in rows if not row.retracted]
        previous = reviews[index - 1] if index and index not in starts else None
        for item, match in _claims(review):
            sentence = match.group(0)
            subject = f"review:{index + 1}:all-addressed"
            severities = {word.upper() for word in re.findall(r"critical|improvement|polish", sentence, re.IGNORECASE)}
            for row in live:
                about = parse_severity(row.severity or row.finding or "")
                if severities and about not in severities:
                    continue  # "all CRITICAL findings were fixed" says nothing about the others
                if row.status in OPEN_STATUSES:
                    title = strip_markup(row.finding)
                    yield Issue(
                        f"says {sentence!r}, but fix row {row.number + ' ' if row.number else ''}({title}) is {row.status}",
                        item.line, subject=f"{subject}:{row.number or title}",
                    )
            claimed = _claimed_count(match)
            if claimed is None or match["sev"]:
                continue
            allowed: set[int] = set()
            if previous is not None:
                allowed |= {len(previous.counted()), len(previous.findings)}
                actual, what = len(previous.counted()), f"iteration {previous.iteration or index} listed"
            if rows:
                allowed |= {len(live), len([r for r in live if r.status not in CLOSED_AS_NOT_A_DEFECT]), len(rows)}
                actual, what = len(live), "the fix verification lists"
            if not allowed:
                continue
            if claimed not in allowed:
                yield Issue(
                    f"says {sentence!r}, but {what} {actual} finding(s) that are not RETRACTED",
                    item.line, subject=f"{subject}:count",
                )


_FIELD_NAMES = {"location": "Location", "issue": "Issue", "impact": "Student impact", "fix": "Suggested fix"}


@rule(
    "R107", "review-finding-fields", Severity.POLISH,
    impact="The author cannot act on a finding that does not say where, what, why it matters and how to fix it.",
    fix="Give the finding **Location:**, **Issue:**, **Student impact:** and **Suggested fix:** lines.",
)
def review_finding_fields(target: PlanDocument) -> Iterator[Issue]:
    """A review finding lacks one of its four fields.

    Every ``[SEVERITY] — title`` finding has ``**Location:**``,
    ``**Issue:**``, ``**Student impact:**`` and ``**Suggested fix:**``; a
    RETRACTED finding needs only Location and Issue.
    """
    for index, review in enumerate(target.plan.reviews):
        for finding in review.findings:
            needed = ("location", "issue") if finding.retracted else tuple(_FIELD_NAMES)
            missing = [_FIELD_NAMES[name] for name in needed if not (getattr(finding, name) or "").strip()]
            if missing:
                yield Issue(
                    f"finding {strip_markup(finding.title)!r} has no {', '.join(missing)}",
                    finding.line, subject=f"review:{index + 1}:fields:{strip_markup(finding.title)}",
                )
