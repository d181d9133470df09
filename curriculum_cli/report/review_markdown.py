"""Review report -> the iteration-format Markdown section (FORMAT.md section 5).

One pure function, :func:`render_review`.  The output parses back (with
:func:`~curriculum_cli.parse.markdown.parse_markdown` and
:func:`~curriculum_cli.model.build_review.build_review`) into the same
findings, counts, verdict and verification rows.
"""

from __future__ import annotations

from curriculum_cli.model.build_review import REVIEWER_MARK
from curriculum_cli.review.fingerprint import comment
from curriculum_cli.review.model import ReportFinding, ReviewReport, Verification


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _status(row: Verification) -> str:
    if row.status == "RETRACTED":
        return _cell(f"Retracted — {row.note}")
    return _cell(f"**{row.status}** — {row.note}")


def _verification(report: ReviewReport) -> list[str]:
    if report.previous_iteration is None:
        return []
    out = [f"### Iteration {report.previous_iteration} Fix Verification", ""]
    if not report.verification:
        return [*out, f"Iteration {report.previous_iteration} listed no findings.", ""]
    fixed = sum(row.status == "FIXED" for row in report.verification)
    open_ = sum(row.status == "NOT FIXED" for row in report.verification)
    unverified = sum(row.status == "NOT VERIFIED" for row in report.verification)
    tally = f"{fixed} fixed, {open_} not fixed" + (f", {unverified} not verified" if unverified else "")
    out += [
        f"{tally}.",
        "",
        "| # | Severity | Finding | Status |",
        "|---|----------|---------|--------|",
    ]
    out += [f"| {row.number} | {_cell(row.severity)} | {_cell(row.finding)} | {_status(row)} |" for row in report.verification]
    return [*out, ""]


def _finding(finding: ReportFinding) -> list[str]:
    out = [f"#### [{finding.severity.value}] — {finding.title}"]
    # the comment marks the finding as written by the tool: words in its text never retract it
    out.append(comment(finding.fingerprint or REVIEWER_MARK))
    return [
        *out,
        "",
        f"**Location:** {finding.location}",
        f"**Issue:** {finding.issue}",
        f"**Student impact:** {finding.impact}",
        f"**Suggested fix:** {finding.fix}",
        "",
    ]


def _bullets(label: str, items: list[str]) -> list[str]:
    if not items:
        return []
    return [f"**{label}:**", "", *(f"- {item}" for item in items), ""]


def _notes(report: ReviewReport) -> list[str]:
    out = ["### Review Notes", ""]
    out += _bullets("What was checked", report.checked)
    out += _bullets("Not checked", report.not_checked)
    out += _bullets("Open polish items carried as notes", report.carried)
    if report.what_works_well:
        out += [f"**What works well:** {report.what_works_well}", ""]
    if report.pattern_to_watch:
        out += [f"**Pattern to watch:** {report.pattern_to_watch}", ""]
    return out


def render_review(report: ReviewReport) -> str:
    """The ``## Review — DATE (Iteration N/M)`` section, ending with one newline."""
    counts = report.counts
    lines = [
        f"## Review — {report.date} ({report.label + ', ' if report.label else ''}Iteration {report.iteration}/{report.max_iterations})",
        "",
        "### Summary",
        f"- Critical: {counts.critical}",
        f"- Improvement: {counts.improvement}",
        f"- Polish: {counts.polish}",
        "",
        f"### Verdict: {report.verdict}",
        "",
        report.verdict_reason,
        "",
    ]
    lines += _verification(report)
    lines += ["### Findings", ""]
    if report.findings:
        for finding in report.findings:
            lines += _finding(finding)
    else:
        lines += ["No findings.", ""]
    lines += _notes(report)
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines) + "\n"
