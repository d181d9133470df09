"""Review section (FORMAT.md section 5) -> :class:`~curriculum_cli.model.plan.Review`.

Reads the iteration format leniently, as humans and the tool write it (the
variants are data in :mod:`curriculum_cli.model.review_aliases`):

* ``## Review — 2026-02-09 (Iteration 2/3)`` (``—``, ``--`` or ``-``; no
  iteration; ``Iteration 3/3 FINAL``; a label such as ``Post-Depth-Rework,
  Iteration 1/3`` that starts a new cycle);
* ``### Summary`` with ``- Critical: 2`` lines (or bold labels);
* ``### Verdict: NEEDS REVISION`` (or ``**Verdict:** PASS with polish notes``)
  and the sentence after it;
* the fix verification of the previous iteration under any of its headings
  (``Iteration 1 Fix Verification``, ``Iteration 1 Resolution Check``...) or
  bold labels (``**Iteration 1 fixes verified:**``), as a table
  (``# | Severity | Finding | Status`` and 20-odd other headers), a list, bold
  paragraphs (``**[POLISH] Hint too generous -- RESOLVED.** Now ...``) or one
  sentence ("All 4 findings from iteration 1 were fixed.");
* findings headed ``[SEVERITY] — title``, ``SEVERITY — title`` or ``Finding #N
  [SEVERITY] — title`` (``###`` or ``####``) with ``**Location:**``,
  ``**Issue:**``, ``**Student impact:**``, ``**Suggested fix:**``; a field may
  wrap onto following lines; an HTML comment ``<!-- curriculum: ... -->``
  under the heading marks a finding ``curriculum review`` wrote;
* ``### Review Notes``.

A finding is RETRACTED when its severity says so (``[POLISH (RETRACTED)]``)
or, for a finding a person wrote, when ``RETRACTED`` (upper case) appears in
its title or Issue.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from curriculum_cli.model import plan as m
from curriculum_cli.model import review_aliases as aliases
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
_PARENS = re.compile(r"\(([^()]*)\)")
_SEP = r"(?:—|–|--|-|:)"
_FINDING = re.compile(
    r"^(?P<prefix>(?:finding\s*#?\s*\d+\s*[:.]?|\d+[.)])\s*)?"
    r"(?:\[(?P<severity>[^\]]+)\]\s*" + _SEP + r"?"
    r"|(?P<bare>CRITICAL|IMPROVEMENT|POLISH)(?P<paren>\s*\([^)]*\))?\s*" + _SEP + r")"
    r"\s*(?P<title>.*?)\s*$",
    re.IGNORECASE,
)
_SEVERITY = re.compile(r"\b(CRITICAL|IMPROVEMENT|POLISH)\b", re.IGNORECASE)
_COUNT = re.compile(r"\b(critical|improvements?|polish)\b\W*?(\d+|none|zero|no)\b", re.IGNORECASE)
_VERDICTS = ("MAJOR REVISION", "NEEDS REVISION", "PASS")
_COMMENT = re.compile(r"<!--\s*curriculum:\s*(?P<value>.*?)\s*-->", re.DOTALL)
_FIELD = re.compile(r"^\s*(?:[-*+]\s+)?\*\*(?P<label>[^*]+?)(?::\*\*|\*\*\s*:)\s*(?P<value>.*)$")
_RETRACTED = re.compile(r"\bRETRACTED\b")
#: A leading severity in a fix row: ``[POLISH]``, ``POLISH:``, ``#2 [IMPROVEMENT (RETRACTED)]``.
_ROW_SEVERITY = re.compile(
    r"^\s*(?:#?\d+[.):]?\s+)?(?:\[(?P<bracket>[^\]]*)\]|(?P<bare>CRITICAL|IMPROVEMENT|POLISH)\b(?:\s*\((?P<paren>[^)]*)\))?)"
    r"\s*" + _SEP + r"?\s*",
)
_SPLIT = re.compile(r"\s+(?:—|–|--)\s+|:\s+|\s+-\s+")
_BOLD_LEAD = re.compile(r"^\s*\*\*(?P<bold>.+?)\*\*\s*(?P<rest>.*)$", re.DOTALL)
#: A sentence about all the findings at once.
#: A sentence about every row ("All 3 findings were fixed", "none of the issues remain"): the
#: quantifier is a few words from the noun, and a status word ("NON-ISSUE") is not the noun.
_CLAIM_LIKE = re.compile(
    r"\b(?:all|every|both|each|none)\b(?:\W+[\w-]+){0,3}?\W+(?<!non-)(?<!an )(?:findings?|issues?|items?)\b",
    re.IGNORECASE,
)
#: Reviewer-written marker: ``<!-- curriculum: reviewer -->``.
REVIEWER_MARK = "reviewer"

#: Field label words -> model attribute (kept here for the rules that import it).
FINDING_FIELDS = aliases.FINDING_FIELDS


def parse_verdict(text: str) -> str | None:
    """The canonical verdict named in ``text`` (``PASS with polish notes`` -> ``PASS``)."""
    upper = " ".join(strip_markup(text).upper().split())
    return next((verdict for verdict in _VERDICTS if verdict in upper), None)


def parse_severity(text: str) -> str | None:
    match = _SEVERITY.search(text)
    return match.group(1).upper() if match else None


def fix_status(text: str) -> str | None:
    """The canonical status of a status cell (``**NOT FIXED** — why`` -> ``NOT FIXED``)."""
    found = aliases.status_of(text)
    return found[0] if found else None


def finding_heading(title: str) -> re.Match[str] | None:
    """Match a finding heading (``[SEVERITY] — title`` and its variants); ``None`` for others."""
    text = title.strip()
    match = _FINDING.match(text)
    if not match:
        return None
    if match["bare"]:
        # a bare severity only in capitals ("IMPROVEMENT — x", not "Improvement Summary")
        if not match["bare"].isupper():
            return None
        return match
    if parse_severity(match["severity"]):
        return match
    return None


def _heading_form(match: re.Match[str]) -> str:
    prefix = "Finding #N " if match["prefix"] and "finding" in match["prefix"].lower() else ""
    return prefix + ("SEVERITY — title" if match["bare"] else "[SEVERITY] — title")


def _lines(text: str, first_line: int) -> list[tuple[int, str]]:
    return [(first_line + offset, raw) for offset, raw in enumerate(text.split("\n"))]


def title_parts(title: str) -> tuple[int | None, int | None, str | None]:
    """Iteration, maximum and the label of a review heading (``Post-Depth-Rework``)."""
    iteration = _ITERATION.search(title)
    labels = []
    for inner in _PARENS.findall(title):
        for part in re.split(r"[,;]", inner):
            rest = _ITERATION.sub("", part)
            rest = re.sub(r"\b(?:FINAL|final|Final)\b", "", rest)
            rest = rest.strip(" -—–:")
            if rest:
                labels.append(rest)
    return (
        int(iteration.group(1)) if iteration else None,
        int(iteration.group(2)) if iteration else None,
        ", ".join(labels) or None,
    )


class _ReviewBuilder:
    def __init__(self, section: Section) -> None:
        title = strip_markup(section.title)
        date = _DATE.search(title)
        iteration, maximum, label = title_parts(title)
        self.section = section
        self.review = m.Review(
            title=title,
            line=section.line,
            end_line=section.end_line,
            date=date.group() if date else None,
            iteration=iteration,
            max_iterations=maximum,
            label=label,
        )

    def build(self) -> m.Review:
        self._part(self.section, "body")
        for sub in list(self.section.walk())[1:]:
            self._subsection(sub)
        return self.review

    # ----------------------------------------------------------------- parts
    def _subsection(self, sub: Section) -> None:
        match = finding_heading(sub.title) or finding_heading(strip_markup(sub.title))
        if match:
            self._finding(sub, match)
            return
        name = " ".join(words(sub.title))
        fix_alias = aliases.fix_verification_alias(sub.title)
        if name.startswith("summary"):
            self._summary(sub)
        elif name.startswith("verdict"):
            self.review.verdict_raw = _after_colon(sub.title)
            self.review.verdict = parse_verdict(self.review.verdict_raw)
            self.review.verdict_line = sub.line
            self._part(sub, "verdict")
        elif fix_alias is not None and self._takes_fix_part(sub.title):
            self._start_fix(fix_alias, sub.title, sub.line)
            self._part(sub, "fix")
        elif aliases.findings_alias(sub.title):
            self.review.findings_line = sub.line
            self._part(sub, "body")
        elif "notes" in name:
            self.review.notes_line = sub.line
            self.review.notes = _plain(sub)
            self._part(sub, "body")
        else:
            self._part(sub, "body")

    def _takes_fix_part(self, title: str) -> bool:
        """The first fix-verification part, unless a later one is about the previous iteration
        and the first was not (``Iteration 1 Fixes`` then ``Iteration 2 Fixes`` in review 3)."""
        review = self.review
        if review.fix_alias is None:
            return True
        ref = _ITERATION_REF.search(title)
        wanted = review.iteration - 1 if review.iteration else None
        if ref is None or wanted is None or int(ref.group(1)) != wanted or review.fix_iteration == wanted:
            return False
        review.fix_rows, review.fix_text, review.fix_form = [], [], None
        return True

    def _start_fix(self, alias: str, title: str, line: int) -> None:
        review = self.review
        review.fix_alias = alias
        review.fix_title = strip_markup(title)
        review.fix_line = line
        ref = _ITERATION_REF.search(title)
        review.fix_iteration = int(ref.group(1)) if ref else None

    def _part(self, section: Section, kind: str) -> None:
        """Read the own blocks of ``section``: fields, fix tables, rows, free text."""
        review = self.review
        base = kind
        for block in section.blocks:
            if isinstance(block, Table):
                if self._is_fix_table(block) and not review.fix_rows and (kind == "fix" or review.fix_alias is None):
                    if review.fix_line is None:
                        review.fix_line = block.line
                    self._fix_rows(block)
                continue
            if isinstance(block, Paragraph):
                label = _FIELD.match(block.text.split("\n", 1)[0])
                if label:
                    alias = aliases.fix_verification_alias(label["label"])
                    if alias is not None and review.fix_alias is None:
                        self._start_fix(alias, label["label"], block.line)
                        kind = "fix"
                    elif alias is None and kind == "fix" and base != "fix":
                        kind = base
            if kind == "fix" and self._fix_block_rows(block):
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

    # ----------------------------------------------------------------- fix verification
    @staticmethod
    def _is_fix_table(table: Table) -> bool:
        return _column(table, aliases.STATUS_COLUMNS) is not None and (
            _column(table, aliases.FINDING_COLUMNS) is not None or _column(table, aliases.SEVERITY_COLUMNS) is not None
        )

    def _fix_rows(self, table: Table) -> None:
        number = next((i for i, cell in enumerate(table.header) if cell.strip() == "#"), None)
        if number is None:
            number = _column(table, aliases.NUMBER_COLUMNS)
        severity = _column(table, aliases.SEVERITY_COLUMNS)
        finding = _column(table, aliases.FINDING_COLUMNS)
        status_columns = _columns(table, aliases.STATUS_COLUMNS)
        self.review.fix_form = "table"
        for row in table.rows:
            title = row.get(finding)
            sev = row.get(severity) if severity is not None else ""
            if not sev:
                lead = _ROW_SEVERITY.match(strip_markup(title))
                if lead:
                    sev = lead.group(0).strip(" —–-:")
            stat, found = row.get(status_columns[0]), None
            for column in status_columns:
                found = aliases.status_of(row.get(column))
                if found:
                    stat = row.get(column)
                    break
            retracted = "retracted" in sev.lower() or (found is not None and found[0] == "RETRACTED")
            self.review.fix_rows.append(
                m.FixRow(
                    line=row.line,
                    number=strip_markup(row.get(number)),
                    severity=strip_markup(sev),
                    finding=title,
                    status_raw=stat,
                    status="RETRACTED" if retracted else (found[0] if found else None),
                    status_word=found[1] if found else None,
                    retracted=retracted,
                )
            )

    def _fix_block_rows(self, block: object) -> bool:
        """Rows written as list items or bold paragraphs; ``True`` when ``block`` held rows."""
        if isinstance(block, ListBlock):
            rows = [_text_row(item.line, item.text, item.number) for item in block.items]
            if not any(rows):
                return False
            for item, row in zip(block.items, rows, strict=True):
                if row is not None:
                    self.review.fix_rows.append(row)
                else:
                    self._field_sentence(item.line, item.text, "fix")
            self.review.fix_form = self.review.fix_form or "list"
            return True
        if isinstance(block, Paragraph) and _BOLD_LEAD.match(block.text):
            row = _text_row(block.line, block.text, None)
            if row is None or _FIELD.match(block.text.split("\n", 1)[0]) and not _ROW_SEVERITY.match(strip_markup(block.text)):
                return False
            self.review.fix_rows.append(row)
            self.review.fix_form = self.review.fix_form or "paragraphs"
            return True
        return False

    def _summary(self, sub: Section) -> None:
        summary = m.ReviewSummary(line=sub.line)
        for block in sub.all_blocks():
            texts = [(row.line, " ".join(row.cells)) for row in block.rows] if isinstance(block, Table) else _texts(block)
            for _line, text in texts:
                summary.mentions_retracted |= "retract" in text.lower()
                for match in _COUNT.finditer(strip_markup(text)):
                    key = match.group(1).lower().rstrip("s")
                    value = match.group(2)
                    if getattr(summary, key) is None:
                        setattr(summary, key, int(value) if value.isdigit() else 0)
        self.review.summary = summary
        self._part(sub, "body")

    # ----------------------------------------------------------------- findings
    def _finding(self, sub: Section, match: re.Match[str]) -> None:
        severity_raw = (match["severity"] or f"{match['bare']}{match['paren'] or ''}").strip()
        finding = m.ReviewFinding(
            line=sub.line,
            severity_raw=severity_raw,
            severity=parse_severity(severity_raw),
            title=match["title"],
            heading_form=_heading_form(match),
        )
        current: str | None = None
        for block in sub.blocks:
            if isinstance(block, HtmlBlock):
                found = _COMMENT.search(block.text)
                if found and found["value"].startswith(("ignore", "raises", "skip")):
                    found = None  # a suppression or block marker, not the tool's mark
                if found and not finding.generated:
                    finding.generated = True
                    value = " ".join(found["value"].split())
                    if value != REVIEWER_MARK:
                        finding.fingerprint = value
                continue
            for line, text in _texts(block):
                field = _FIELD.match(text)
                name = aliases.FINDING_FIELDS.get(" ".join(words(field["label"]))) if field else None
                if field and name:
                    current = name
                    if getattr(finding, name) is None:
                        setattr(finding, name, field["value"].strip())
                        finding.field_lines[name] = line
                    continue
                if current and text.strip():  # a field wrapped onto the next line or block
                    value = getattr(finding, current) or ""
                    setattr(finding, current, f"{value} {text.strip()}".strip())
        in_severity = "RETRACTED" in severity_raw.upper()
        # words in the text retract only a finding a person wrote
        in_text = not finding.generated and bool(
            _RETRACTED.search(finding.title) or _RETRACTED.search(finding.issue or "")
        )
        finding.retracted = in_severity or in_text
        self.review.findings.append(finding)


def _text_row(line: int, text: str, number: int | None) -> m.FixRow | None:
    """A fix row written as text: ``**[POLISH] Hint -- RESOLVED.** Now ...``,
    ``[IMPROVEMENT] Title: **FIXED** — how``, ``Title — NOT ADDRESSED``; ``None``
    when the text names no status."""
    first = text.strip().split("\n", 1)[0]
    if _CLAIM_LIKE.search(strip_markup(first)):
        return None  # "All 4 findings were fixed." is a sentence about every row, not a row
    bold = _BOLD_LEAD.match(first)
    plain = strip_markup(first)
    severity = ""
    lead = _ROW_SEVERITY.match(strip_markup(bold["bold"]) if bold else plain)
    if lead and lead["bracket"]:
        severity = lead["bracket"].strip()
    elif lead and lead["bare"]:
        severity = lead["bare"] + (f" ({lead['paren']})" if lead["paren"] else "")
    title, status = "", None
    if bold:
        head = strip_markup(bold["bold"])[lead.end() if lead else 0:]
        status = aliases.status_at_end(head)
        if status:
            title = _drop_status_end(head, status[1])
        else:
            rest = strip_markup(bold["rest"]).lstrip(" —–-:")
            found = aliases.status_of(rest)
            starts = found is not None and rest.lower().lstrip("*_ ").startswith(found[1])
            status = found if starts else None
            title = head.strip(" —–-:")
            if status is None:
                # ``**FIXED:** title -- how``
                found = aliases.status_of(head)
                if found and head.lower().startswith(found[1]):
                    status, title = found, strip_markup(bold["rest"]).strip()
    else:
        body = plain[lead.end() if lead else 0:]
        parts = _SPLIT.split(body, maxsplit=1)
        head, tail = (parts + [""])[:2]
        status = aliases.status_at_end(head)
        if status:
            title = _drop_status_end(head, status[1])
        else:
            found = aliases.status_of(tail)
            if found and tail.lower().lstrip().startswith(found[1]):
                status, title = found, head
            else:
                found = aliases.status_of(head)
                if found and head.lower().startswith(found[1]) and tail:
                    status, title = found, _SPLIT.split(tail, maxsplit=1)[0]
    if status is None:
        return None
    retracted = status[0] == "RETRACTED" or "retracted" in severity.lower()
    return m.FixRow(
        line=line,
        number=str(number) if number is not None else "",
        severity=severity,
        finding=title.strip(" —–-:.") or plain,
        status_raw=plain,
        status="RETRACTED" if retracted else status[0],
        status_word=status[1],
        retracted=retracted,
    )


def _drop_status_end(text: str, word: str) -> str:
    stripped = text.rstrip(".!:;) ").rstrip()
    return stripped[: len(stripped) - len(word)].rstrip(" —–-:(").strip()


def _column(table: Table, names: tuple[str, ...]) -> int | None:
    found = _columns(table, names)
    return found[0] if found else None


def _columns(table: Table, names: tuple[str, ...]) -> list[int]:
    """Header cells whose form starts with one of ``names``, in the order of ``names``."""
    out: list[int] = []
    for name in names:
        for index, cell in enumerate(table.header):
            key = aliases.form(cell) if cell.strip() != "#" else "#"
            if (key == name or key.startswith(name + " ")) and index not in out:
                out.append(index)
    return out


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


def starts_cycle(reviews: list[m.Review], index: int) -> bool:
    """The review at ``index`` starts a review cycle: the first one, or a labelled
    ``Iteration 1`` (``Post-Depth-Rework, Iteration 1/3``) after a rework."""
    review = reviews[index]
    return index == 0 or (review.iteration == 1 and bool(review.label))


def current_cycle(reviews: list[m.Review]) -> list[m.Review]:
    """The reviews of the last cycle, in order."""
    start = max((i for i in range(len(reviews)) if starts_cycle(reviews, i)), default=0)
    return reviews[start:]


def describe_review(review: m.Review) -> str:
    """What ``curriculum parse`` prints for one review: its parts and the forms they matched."""
    iteration = f"iteration {review.iteration}/{review.max_iterations}" if review.iteration else "no iteration number"
    label = f", label {review.label!r} (starts a new cycle when Iteration 1)" if review.label else ""
    lines = [f"  {review.line:>5}  review {review.date or '?'}: {iteration}{label}; verdict {review.verdict_raw!r}"]
    if review.summary is not None:
        s = review.summary
        lines.append(f"         summary critical {s.critical}, improvement {s.improvement}, polish {s.polish}")
    if review.fix_alias or review.fix_rows:
        statuses = ", ".join(
            f"{row.status or '?'}" + (f" ({row.status_word!r})" if row.status_word and row.status_word != (row.status or "").lower() else "")
            for row in review.fix_rows
        )
        lines.append(
            f"         fix verification as {review.fix_alias!r}: {review.fix_form or 'sentences'}, "
            f"{len(review.fix_rows)} row(s){': ' + statuses if statuses else ''}"
        )
    forms = sorted({f.heading_form for f in review.findings})
    retracted = sum(f.retracted for f in review.findings)
    lines.append(
        f"         findings {len(review.findings)}" + (f" ({retracted} retracted)" if retracted else "")
        + (f", headings {', '.join(repr(form) for form in forms)}" if forms else "")
    )
    return "\n".join(lines)


def build_review(section: Section, problem: ProblemSink) -> m.Review:
    """Read one ``## Review — DATE (Iteration N/M)`` section. Never raises."""
    del problem  # review defects are reported by the R-rules, from the model
    return _ReviewBuilder(section).build()
