"""Check report + previous review + reviewer notes -> :class:`ReviewReport` (pure)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from curriculum_cli.config import Config
from curriculum_cli.errors import ConfigError, CurriculumError
from curriculum_cli.findings import Finding, Severity
from curriculum_cli.model.build_review import current_cycle
from curriculum_cli.model.plan import LessonPlan, Review, ReviewFinding
from curriculum_cli.parse.markdown import words
from curriculum_cli.review.fingerprint import (
    artifact_key,
    fingerprint,
    fingerprint_code,
)
from curriculum_cli.review.model import (
    ReportFinding,
    ReviewCounts,
    ReviewReport,
    Verification,
    cell_text,
    clean,
)
from curriculum_cli.review.notes import ReviewerNotes
from curriculum_cli.review.verdict import Counts, verdict_for, verdict_reason
from curriculum_cli.rules.code import EXECUTION_CODES

#: Codes of the rules about existing reviews: they are about the review
#: document, not the student, so they never count in a new review.
_REVIEW_CODE = re.compile(r"^R\d")
#: The prefix a carried, unverified finding's Issue gets (dropped before adding it again).
_CARRIED = re.compile(r"^Not verified in this review: .*?\. Carried open from iteration [^:]*:\s*")

GENERIC_IMPACT: dict[Severity, str] = {
    Severity.CRITICAL: "The student hits this defect directly: the lesson cannot be followed as written until it is fixed.",
    Severity.IMPROVEMENT: "The student can follow the lesson, but this weakens understanding or forces guesswork.",
    Severity.POLISH: "Minor: the student is unlikely to be blocked, but the lesson reads less cleanly.",
}
GENERIC_FIX = "Correct the problem described in Issue (`curriculum rules {code}` explains the rule)."


class ReviewLimitError(CurriculumError):
    """The document already holds the maximum number of review iterations."""


def is_review_code(code: str) -> bool:
    return bool(_REVIEW_CODE.match(code))


def tool_finding(finding: Finding, base: Path | None) -> ReportFinding:
    """A check finding as a review finding, with its fingerprint."""
    artifact = artifact_key(finding.path, base)
    where = f"{artifact}, line {finding.line}" if finding.line else artifact
    issue = finding.message
    if finding.detail and finding.detail.strip():
        last = [line for line in finding.detail.strip().splitlines() if line.strip()][-1].strip()
        if last.split(":", 1)[-1].strip() not in issue:  # say nothing twice
            issue = f"{issue} ({last})"
    return ReportFinding(
        severity=finding.severity,
        title=clean(finding.message.strip().splitlines()[0] if finding.message.strip() else finding.code),
        location=clean(f"{where} (rule {finding.code})"),
        issue=clean(issue),
        impact=clean(finding.impact or GENERIC_IMPACT[finding.severity]),
        fix=clean(finding.fix or GENERIC_FIX.format(code=finding.code)),
        code=finding.code,
        fingerprint=fingerprint(finding, base),
    )


def _title_key(title: str) -> str:
    return " ".join(words(title))


def _sorted(findings: Iterable[ReportFinding]) -> list[ReportFinding]:
    return sorted(findings, key=lambda f: (-f.severity.rank, f.source != "tool"))


def counts_of(findings: Iterable[ReportFinding]) -> Counts:
    tally = Counter(f.severity for f in findings)
    return Counts(tally[Severity.CRITICAL], tally[Severity.IMPROVEMENT], tally[Severity.POLISH])


class _Verifier:
    """Row by row verification of the previous iteration's findings."""

    def __init__(
        self, previous: Review, current: list[ReportFinding], notes: ReviewerNotes, checked: set[str],
        exec_off: str | None = None,
    ) -> None:
        self.previous = previous
        self.checked = checked
        self.exec_off = exec_off
        #: Open findings of the previous iteration this run could not check.
        self.unverified: list[ReportFinding] = []
        self.by_print = {f.fingerprint: f for f in current if f.fingerprint}
        self.by_title: dict[str, ReportFinding] = {}
        for finding in current:
            self.by_title.setdefault(_title_key(finding.title), finding)
        self.marks = list(notes.fixed)
        self.used: set[int] = set()

    def rows(self) -> list[Verification]:
        rows = [self._row(index + 1, finding) for index, finding in enumerate(self.previous.findings)]
        for index, mark in enumerate(self.marks):
            if index not in self.used:
                raise ConfigError(
                    f"{mark.origin}: 'fixed' entry {mark.value!r} matches no finding of iteration "
                    f"{self.previous.iteration or '?'}"
                )
        return rows

    def _marked(self, number: int, title: str) -> bool:
        hit = False
        for index, mark in enumerate(self.marks):
            value = mark.value.strip().lstrip("#")
            if (value.isdigit() and int(value) == number) or _title_key(mark.value) == _title_key(title):
                self.used.add(index)
                hit = True
        return hit

    def _row(self, number: int, old: ReviewFinding) -> Verification:
        severity = old.severity or cell_text(old.severity_raw) or "?"
        title = cell_text(old.title) or "(untitled)"
        marked = self._marked(number, old.title)
        if old.retracted:
            return Verification(
                number=number, severity=f"{severity} (RETRACTED)", finding=title, status="RETRACTED",
                note="retracted in the previous iteration; no fix needed",
            )
        if old.fingerprint:
            code = fingerprint_code(old.fingerprint)
            current = self.by_print.get(old.fingerprint)
            if current is not None:
                return self._row_open(number, severity, title, cell_text(f"still reported at {current.location}"))
            if code not in self.checked:
                return self._row_unverified(number, severity, title, old, code)
            return Verification(
                number=number, severity=severity, finding=title, status="FIXED",
                note=f"no longer reported by rule {code}",
            )
        current = self.by_title.get(_title_key(old.title))
        if current is not None:
            return self._row_open(number, severity, title, cell_text(f"still reported at {current.location}"))
        if marked:
            return Verification(
                number=number, severity=severity, finding=title, status="FIXED",
                note="marked fixed by the reviewer (notes file)",
            )
        return self._row_open(
            number, severity, title,
            "a reviewer's finding the tool cannot re-check; list it under 'fixed:' in the notes file once fixed",
        )

    def _why_unchecked(self, code: str) -> str:
        if code in EXECUTION_CODES and self.exec_off:
            return f"rule {code} needs code execution, which {self.exec_off}"
        return f"rule {code} did not run in this review"

    def _row_unverified(self, number: int, severity: str, title: str, old: ReviewFinding, code: str) -> Verification:
        """A previous finding of a rule that did not run: still open, carried to Findings."""
        why = self._why_unchecked(code)
        previous = self.previous.iteration or "?"
        issue = _CARRIED.sub("", clean(old.issue or "")) or title
        self.unverified.append(
            ReportFinding(
                severity=Severity.parse(old.severity or "polish"),
                title=clean(old.title) or "(untitled)",
                location=clean(old.location or "?"),
                issue=clean(f"Not verified in this review: {why}. Carried open from iteration {previous}: {issue}"),
                impact=clean(old.impact or GENERIC_IMPACT[Severity.parse(old.severity or "polish")]),
                fix=clean(old.fix or GENERIC_FIX.format(code=code)),
                code=code,
                fingerprint=old.fingerprint,
            )
        )
        return Verification(
            number=number, severity=severity, finding=title, status="NOT VERIFIED",
            note=cell_text(f"{why}; carried open to this review's findings"),
        )

    @staticmethod
    def _row_open(number: int, severity: str, title: str, note: str) -> Verification:
        return Verification(number=number, severity=severity, finding=title, status="NOT FIXED", note=note)


def exec_off_reason(config: Config, no_exec: bool) -> str | None:
    """Why code was not executed in this run, or ``None`` when it was."""
    if no_exec:
        return "was turned off on the command line (--no-exec)"
    if not config.exec.enabled:
        return "is turned off in the configuration (exec.enabled: false)"
    return None


def checked_codes(config: Config, no_exec: bool = False) -> set[str]:
    """Codes of the rules that check something in a run with ``config``.

    With execution off, the execution rules (C301-C307) run but check nothing.
    """
    from curriculum_cli.rules.registry import all_rules

    codes = {r.code for r in all_rules() if config.enabled(r.code)}
    return codes - EXECUTION_CODES if exec_off_reason(config, no_exec) else codes


def _notes(check_stats: dict[str, int], check_notes: list[str], errors: list[str], checked: set[str],
           skipped_review: int, exec_off: str | None) -> tuple[list[str], list[str]]:
    families = Counter(re.sub(r"\d.*$", "", code) or code for code in checked)
    family_text = ", ".join(f"{count} {family}" for family, count in sorted(families.items()))
    done = [f"Ran {len(checked)} rules ({family_text or 'none'})."]
    if check_stats:
        done.append("Inputs: " + ", ".join(f"{key}: {value}" for key, value in sorted(check_stats.items())) + ".")
    if skipped_review:
        done.append(
            f"{skipped_review} finding(s) about the consistency of earlier reviews (R-codes) are not counted "
            "here; `curriculum check` lists them."
        )
    missing = [clean(note) for note in check_notes if note.strip()]
    if exec_off:
        missing.append(
            f"Code blocks were not executed: execution {exec_off}, so rules "
            f"{', '.join(sorted(EXECUTION_CODES))} checked nothing; their earlier findings are NOT VERIFIED."
        )
    missing += [clean(f"Tool error: {error}") for error in errors]
    return done, missing


def build_report(
    plan: LessonPlan,
    findings: list[Finding],
    config: Config,
    *,
    date: str,
    notes: ReviewerNotes | None = None,
    checked: set[str] | None = None,
    base: Path | None = None,
    stats: dict[str, int] | None = None,
    check_notes: list[str] | None = None,
    errors: list[str] | None = None,
    no_exec: bool = False,
    rework: str | None = None,
) -> ReviewReport:
    """Make the next review iteration of ``plan`` from the check ``findings``.

    ``checked`` is the set of rule codes that ran: a previous tool finding of a
    rule that did not run (or, with execution off, of an execution rule) is
    NOT VERIFIED and carried open into this iteration's findings, so it counts
    in the summary and the verdict.  ``no_exec`` says execution was turned off
    on the command line (the notes say so).  ``rework`` (a label such as
    ``Post-Depth-Rework``) starts a new review cycle at iteration 1, verifying
    nothing of the cycle before.  Raises :class:`ReviewLimitError` when the
    current cycle already has ``config.max_iterations`` reviews, and
    ConfigError when a ``fixed:`` entry matches nothing.
    """
    notes = notes or ReviewerNotes()
    limit = config.max_iterations
    cycle = [] if rework else current_cycle(plan.reviews)
    previous = cycle[-1] if cycle else None
    iteration = (previous.iteration or len(cycle)) + 1 if previous else 1
    if iteration > limit:
        raise ReviewLimitError(
            f"{plan.path}: its review cycle already holds {iteration - 1} iteration(s), the maximum is {limit}; "
            "no further iteration can be appended (after a rework, start a new cycle with --rework LABEL)"
        )
    exec_off = exec_off_reason(config, no_exec)
    counted = [f for f in findings if not is_review_code(f.code)]
    current = [tool_finding(f, base) for f in counted]
    current += [
        ReportFinding(
            severity=n.severity, title=clean(n.title), location=clean(n.location), issue=clean(n.issue),
            impact=clean(n.impact), fix=clean(n.fix), source="reviewer",
        )
        for n in notes.findings
    ]
    if checked is None:
        checked = checked_codes(config, no_exec)
    elif exec_off:
        checked = checked - EXECUTION_CODES
    if previous is None and notes.fixed:
        raise ConfigError(f"{notes.fixed[0].origin}: 'fixed' given but there is no previous review iteration")
    verification: list[Verification] = []
    if previous is not None:
        verifier = _Verifier(previous, current, notes, checked, exec_off)
        verification = verifier.rows()
        current += verifier.unverified
    current = _sorted(current)
    counts = counts_of(current)
    done, missing = _notes(stats or {}, check_notes or [], errors or [], checked, len(findings) - len(counted), exec_off)
    last = iteration >= limit
    carried = [f.title for f in current if f.severity is Severity.POLISH] if last and not counts.critical and not counts.improvement else []
    return ReviewReport(
        plan=plan.path,
        date=date,
        iteration=iteration,
        max_iterations=limit,
        label=rework,
        counts=ReviewCounts(critical=counts.critical, improvement=counts.improvement, polish=counts.polish),
        verdict=verdict_for(counts),
        verdict_reason=verdict_reason(counts, iteration, limit),
        previous_iteration=(previous.iteration or iteration - 1) if previous else None,
        verification=verification,
        findings=current,
        checked=done,
        not_checked=missing,
        what_works_well=notes.what_works_well,
        pattern_to_watch=notes.pattern_to_watch,
        carried=carried,
    )
