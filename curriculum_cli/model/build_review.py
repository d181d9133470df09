"""Review section (FORMAT.md section 5) -> :class:`~curriculum_cli.model.plan.Review`.

Reads the iteration format leniently, as humans and the tool write it:

* ``## Review — 2026-02-09 (Iteration 2/3)`` (``—``, ``--`` or ``-``);
* ``### Summary`` with ``- Critical: 2`` lines (or bold labels);
* ``### Verdict: NEEDS REVISION`` (or ``**Verdict:** PASS with polish notes``)
  and the sentence after it;
* ``### Iteration 1 Fix Verification`` / ``### Iteration 1 Fixes Verified``:
  a table ``# | Severity | Finding | Status`` and free sentences;
* ``#### [SEVERITY] — title`` findings (``###`` also accepted) with
  ``**Location:**``, ``**Issue:**``, ``**Student impact:**``,
  ``**Suggested fix:**``; a field may wrap onto following lines; an HTML
  comment ``<!-- curriculum: ... -->`` under the heading is the fingerprint
  written by ``curriculum review``;
* ``### Review Notes``.

A finding is RETRACTED when its heading says so (``[POLISH (RETRACTED)]``)
or when ``RETRACTED`` (upper case) appears in its Issue text.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from curriculum_cli.model import plan as m
from curriculum_cli.parse.markdown import (
    HtmlBlock,
    ListBlock,
    Paragraph,
    Section,
    Table,
    strip_markup,
    words,
)

ProblemSink = Callable[..., None]

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_ITERATION = re.compile(r"iteration\s+(\d+)\s*(?:/|of)\s*(\d+)", re.IGNORECASE)
_ITERATION_REF = re.compile(r"iteration\s+(\d+)", re.IGNORECASE)
_FINDING = re.compile(r"^\[(?P<severity>[^\]]+)\]\s*(?:—|–|--|-|:)?\s*(?P<title>.*?)\s*$")
_SEVERITY = re.compile(r"\b(CRITICAL|IMPROVEMENT|POLISH)\b", re.IGNORECASE)
_COUNT = re.compile(r"\b(critical|improvements?|polish)\b\W*?(\d+)", re.IGNORECASE)
_VERDICTS = ("MAJOR REVISION", "NEEDS REVISION", "PASS")
_FINGERPRINT = re.compile(r"<!--\s*curriculum:\s*(?P<value>.*?)\s*-->", re.DOTALL)
_FIELD = re.compile(r"^\s*(?:[-*+]\s+)?\*\*(?P<label>[^*]+?)(?::\*\*|\*\*\s*:)\s*(?P<value>.*)$")
_RETRACTED_ISSUE = re.compile(r"\bRETRACTED\b")

#: Field label words -> model attribute.
FINDING_FIELDS: dict[str, str] = {
    "location": "location",
    "issue": "issue",
    "student impact": "impact",
    "impact": "impact",
    "suggested fix": "fix",
    "fix": "fix",
}


def parse_verdict(text: str) -> str | None:
    """The canonical verdict named in ``text`` (``PASS with polish notes`` -> ``PASS``)."""
    upper = " ".join(strip_markup(text).upper().split())
    return next((verdict for verdict in _VERDICTS if verdict in upper), None)


def parse_severity(text: str) -> str | None:
    match = _SEVERITY.search(text)
    return match.group(1).upper() if match else None


def fix_status(text: str) -> str | None:
    """``FIXED`` / ``NOT FIXED`` from a status cell (``**NOT FIXED** — why``)."""
    upper = strip_markup(text).upper()
    if re.search(r"\bNOT\s+VERIFIED\b", upper):
        return "NOT VERIFIED"
    if re.search(r"\bNOT\s+FIXED\b|\bUNFIXED\b|\bPARTIALLY\s+FIXED\b", upper):
        return "NOT FIXED"
    if re.search(r"\bFIXED\b", upper):
        return "FIXED"
    return None


def finding_heading(title: str) -> re.Match[str] | None:
    """Match a finding heading ``[SEVERITY] — title``; ``None`` for other headings."""
    match = _FINDING.match(title.strip())
    if match and parse_severity(match["severity"]):
        return match
    return None


def _lines(text: str, first_line: int) -> list[tuple[int, str]]:
    return [(first_line + offset, raw) for offset, raw in enumerate(text.split("\n"))]


class _ReviewBuilder:
    def __init__(self, section: Section) -> None:
        title = strip_markup(section.title)
        date = _DATE.search(title)
        iteration = _ITERATION.search(title)
        self.section = section
        self.review = m.Review(
            title=title,
            line=section.line,
            end_line=section.end_line,
            date=date.group() if date else None,
            iteration=int(iteration.group(1)) if iteration else None,
            max_iterations=int(iteration.group(2)) if iteration else None,
        )

    def build(self) -> m.Review:
        self._part(self.section, "body")
        for sub in list(self.section.walk())[1:]:
            self._subsection(sub)
        return self.review

    # ----------------------------------------------------------------- parts
    def _subsection(self, sub: Section) -> None:
        match = finding_heading(sub.title)
        if match:
            self._finding(sub, match)
            return
        name = " ".join(words(sub.title))
        if name.startswith("summary"):
            self._summary(sub)
        elif name.startswith("verdict"):
            self.review.verdict_raw = _after_colon(sub.title)
            self.review.verdict = parse_verdict(self.review.verdict_raw)
            self.review.verdict_line = sub.line
            self._part(sub, "verdict")
        elif "fix" in name and ("verif" in name or "iteration" in name):
            self.review.fix_title = strip_markup(sub.title)
            self.review.fix_line = sub.line
            ref = _ITERATION_REF.search(sub.title)
            self.review.fix_iteration = int(ref.group(1)) if ref else None
            self._part(sub, "fix")
        elif name.startswith("findings"):
            self.review.findings_line = sub.line
            self._part(sub, "body")
        elif "notes" in name:
            self.review.notes_line = sub.line
            self.review.notes = _plain(sub)
            self._part(sub, "body")
        else:
            self._part(sub, "body")

    def _part(self, section: Section, kind: str) -> None:
        """Read the own blocks of ``section``: fields, fix tables, free text."""
        review = self.review
        for block in section.blocks:
            if isinstance(block, Table):
                if self._is_fix_table(block) and not review.fix_rows:
                    if review.fix_line is None:
                        review.fix_line = block.line
                    self._fix_rows(block)
                continue
            for line, text in _texts(block):
                self._field_sentence(line, text, kind)

    def _field_sentence(self, line: int, text: str, kind: str) -> None:
        review = self.review
        field = _FIELD.match(text)
        label = " ".join(words(field["label"])) if field else ""
        if field and label == "verdict" and review.verdict_raw is None:
            review.verdict_raw = field["value"].strip()
            review.verdict = parse_verdict(review.verdict_raw)
            review.verdict_line = line
            return
        if kind == "verdict" and review.verdict_reason is None and text.strip():
            review.verdict_reason = text.strip()
        item = m.TextItem(text=text, line=line)
        (review.fix_text if kind == "fix" else review.text).append(item)

    @staticmethod
    def _is_fix_table(table: Table) -> bool:
        return table.column("status") is not None and table.column("finding", "severity") is not None

    def _fix_rows(self, table: Table) -> None:
        number = next((i for i, cell in enumerate(table.header) if cell.strip() == "#"), None)
        if number is None:
            number = table.column("no", "number")
        severity = table.column("severity")
        finding, status = table.column("finding", "title"), table.column("status")
        for row in table.rows:
            sev, stat = row.get(severity), row.get(status)
            self.review.fix_rows.append(
                m.FixRow(
                    line=row.line,
                    number=strip_markup(row.get(number)),
                    severity=strip_markup(sev),
                    finding=row.get(finding),
                    status_raw=stat,
                    status=fix_status(stat),
                    retracted="retracted" in (sev + " " + stat).lower(),
                )
            )

    def _summary(self, sub: Section) -> None:
        summary = m.ReviewSummary(line=sub.line)
        for block in sub.all_blocks():
            for _line, text in _texts(block):
                for match in _COUNT.finditer(strip_markup(text)):
                    key = match.group(1).lower().rstrip("s")
                    if getattr(summary, key) is None:
                        setattr(summary, key, int(match.group(2)))
        self.review.summary = summary
        self._part(sub, "body")

    # ----------------------------------------------------------------- findings
    def _finding(self, sub: Section, match: re.Match[str]) -> None:
        severity_raw = match["severity"].strip()
        finding = m.ReviewFinding(
            line=sub.line,
            severity_raw=severity_raw,
            severity=parse_severity(severity_raw),
            title=match["title"],
        )
        current: str | None = None
        for block in sub.blocks:
            if isinstance(block, HtmlBlock):
                found = _FINGERPRINT.search(block.text)
                if found and finding.fingerprint is None:
                    finding.fingerprint = " ".join(found["value"].split())
                continue
            for line, text in _texts(block):
                field = _FIELD.match(text)
                name = FINDING_FIELDS.get(" ".join(words(field["label"]))) if field else None
                if field and name:
                    current = name
                    if getattr(finding, name) is None:
                        setattr(finding, name, field["value"].strip())
                        finding.field_lines[name] = line
                    continue
                if current and text.strip():  # a field wrapped onto the next line or block
                    value = getattr(finding, current) or ""
                    setattr(finding, current, f"{value} {text.strip()}".strip())
        retracted_words = f"{severity_raw} {finding.title}".upper()
        # the tool's own findings (with a fingerprint) are never retracted by their Issue text
        in_issue = finding.fingerprint is None and bool(_RETRACTED_ISSUE.search(finding.issue or ""))
        finding.retracted = "RETRACTED" in retracted_words or in_issue
        self.review.findings.append(finding)


def _after_colon(title: str) -> str:
    text = strip_markup(title)
    return text.split(":", 1)[1].strip() if ":" in text else ""


def _texts(block: object) -> list[tuple[int, str]]:
    """Source lines of a paragraph, or the text of every list item, with lines."""
    if isinstance(block, Paragraph):
        return _lines(block.text, block.line)
    if isinstance(block, ListBlock):
        return [(item.line, item.text) for top in block.items for item in top.walk()]
    return []


def _plain(section: Section) -> str:
    return section.text().strip()


def build_review(section: Section, problem: ProblemSink) -> m.Review:
    """Read one ``## Review — DATE (Iteration N/M)`` section. Never raises."""
    del problem  # review defects are reported by the R-rules, from the model
    return _ReviewBuilder(section).build()
