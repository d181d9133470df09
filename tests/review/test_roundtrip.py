"""A generated section reads back (foundation parser + build_review) into the same values."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from curriculum_cli.findings import Severity
from curriculum_cli.model.build_plan import build_plan
from curriculum_cli.parse.markdown import parse_markdown
from curriculum_cli.report.review_markdown import render_review
from curriculum_cli.review.model import (
    ReportFinding,
    ReviewCounts,
    ReviewReport,
    Verification,
    cell_text,
    clean,
)
from curriculum_cli.review.verdict import Counts, verdict_for, verdict_reason

#: Words a reader takes for statuses or retractions: titles and notes use them too.
STATUS_LIKE = st.sampled_from(
    ["RETRACTED", "FIXED", "NOT FIXED", "RESOLVED", "NOT VERIFIED", "ACCEPTED", "NON-ISSUE", "Partially", "(RETRACTED)"]
)
CHARS = st.characters(blacklist_categories=("Cs", "Cc", "Co", "Cn"))
TEXT = (
    st.text(alphabet=CHARS, min_size=1, max_size=60)
    | st.tuples(st.text(alphabet=CHARS, max_size=10), STATUS_LIKE, st.text(alphabet=CHARS, max_size=10)).map(" ".join)
).map(clean).filter(bool)
FINGERPRINT = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789:/._-#%", min_size=1, max_size=30)
NOTE = TEXT.map(cell_text)


@st.composite
def findings(draw: st.DrawFn) -> ReportFinding:
    tool = draw(st.booleans())
    return ReportFinding(
        severity=draw(st.sampled_from(list(Severity))),
        title=draw(TEXT), location=draw(TEXT), issue=draw(TEXT), impact=draw(TEXT), fix=draw(TEXT),
        code="P101" if tool else None,
        fingerprint=f"P101 content/x.md {draw(FINGERPRINT)}" if tool else None,
        source="tool" if tool else "reviewer",
    )


@st.composite
def rows(draw: st.DrawFn, number: int) -> Verification:
    status = draw(st.sampled_from(["FIXED", "NOT FIXED", "NOT VERIFIED", "RETRACTED"]))
    severity = draw(st.sampled_from(list(Severity))).value
    return Verification(
        number=number, severity=f"{severity} (RETRACTED)" if status == "RETRACTED" else severity,
        finding=cell_text(draw(TEXT)), status=status, note=draw(NOTE),
    )


@st.composite
def reports(draw: st.DrawFn) -> ReviewReport:
    items = sorted(draw(st.lists(findings(), max_size=6)), key=lambda f: -f.severity.rank)
    tally = Counts(*(sum(f.severity is s for f in items) for s in Severity))
    iteration = draw(st.integers(1, 3))
    verification = [draw(rows(n)) for n in range(1, draw(st.integers(0, 5)) + 1)] if iteration > 1 else []
    return ReviewReport(
        plan="lessons/x.md", date="2026-03-01", iteration=iteration, max_iterations=3,
        counts=ReviewCounts(critical=tally.critical, improvement=tally.improvement, polish=tally.polish),
        verdict=verdict_for(tally), verdict_reason=verdict_reason(tally, iteration, 3),
        previous_iteration=iteration - 1 if iteration > 1 else None, verification=verification,
        findings=items, checked=[draw(TEXT)], not_checked=draw(st.lists(TEXT, max_size=2)),
        what_works_well=draw(st.none() | TEXT.filter(bool)),
    )


DOC_HEAD = "# Lesson: x (Module 1.1, Lesson 1)\n\n**Type:** BUILD\n\n"


@settings(max_examples=300, deadline=None)
@given(reports())
def test_generated_section_round_trips(report: ReviewReport) -> None:
    plan = build_plan(parse_markdown(DOC_HEAD + render_review(report), "x.md"))
    [review] = plan.reviews
    assert review.fix_form == ("table" if report.verification else None)
    assert (review.iteration, review.max_iterations, review.date) == (report.iteration, 3, "2026-03-01")
    assert review.summary is not None
    assert (review.summary.critical, review.summary.improvement, review.summary.polish) == (
        report.counts.critical, report.counts.improvement, report.counts.polish,
    )
    assert review.verdict == report.verdict
    assert [
        (f.severity, f.title, f.location, f.issue, f.impact, f.fix, f.fingerprint, f.retracted)
        for f in review.findings
    ] == [
        (f.severity.value, f.title, f.location, f.issue, f.impact, f.fix, f.fingerprint, False)
        for f in report.findings
    ]
    assert [(r.number, r.severity, r.finding, r.status, r.retracted) for r in review.fix_rows] == [
        (str(v.number), v.severity, v.finding, v.status, v.status == "RETRACTED")
        for v in report.verification
    ]
