"""How real reviews write each of their parts, as data: a new variant is one line.

Headings and labels are compared by their words (lower case, punctuation
dropped) with every number replaced by ``n``: ``### Iteration 1 Fixes
Verified`` is ``iteration n fixes verified``.  Each table maps such a form to
the part it names; the matched form is kept in the model so ``curriculum
parse`` can say which one it took.
"""

from __future__ import annotations

import re

from curriculum_cli.parse.markdown import strip_markup, words

#: Headings (or bold labels) of the part that verifies the previous iteration's fixes.
FIX_VERIFICATION: tuple[str, ...] = (
    "iteration n fix verification",
    "iteration n fixes verification",
    "iteration n fixes verified",
    "iteration n fix status",
    "iteration n fixes status",
    "iteration n resolution check",
    "iteration n resolution status",
    "iteration n findings verification",
    "iteration n findings verification of fixes",
    "iteration n findings resolution check",
    "iteration n findings resolution",
    "iteration n findings status",
    "verification of iteration n fixes",
    "verification of iteration n fix",
    "verification of iteration n findings",
    "fix verification",
    "fixes verified",
    "previous findings",
    "previous iteration findings",
    "resolution of iteration n findings",
    "what improved since iteration n",
    "what was fixed",
    "iteration n fixes",
    "fixes from iteration n",
    "status of iteration n findings",
    "iteration n follow up",
)

#: Headings of the part listing this iteration's findings.
FINDINGS: tuple[str, ...] = ("findings", "new findings", "new findings this iteration", "remaining findings")

#: Headings that are part of a review but verify nothing (read as free text).
OTHER_PARTS: tuple[str, ...] = ("regressions check", "regression check", "review notes", "notes")

#: Status words of a fix-verification row -> canonical status.  Longest first
#: wins, so ``NOT FIXED`` is never read as ``FIXED``.
STATUS_WORDS: dict[str, str] = {
    "fixed": "FIXED",
    "resolved": "FIXED",
    "addressed": "FIXED",
    "verified": "FIXED",
    "done": "FIXED",
    "corrected": "FIXED",
    "yes": "FIXED",
    "✅": "FIXED",
    "✓": "FIXED",
    "✔": "FIXED",
    "not fixed": "NOT FIXED",
    "not resolved": "NOT FIXED",
    "not addressed": "NOT FIXED",
    "unfixed": "NOT FIXED",
    "unresolved": "NOT FIXED",
    "unaddressed": "NOT FIXED",
    "still open": "NOT FIXED",
    "open": "NOT FIXED",
    "no": "NOT FIXED",
    "still present": "NOT FIXED",
    "still there": "NOT FIXED",
    "remains": "NOT FIXED",
    "unchanged": "NOT FIXED",
    "carried": "NOT FIXED",
    "carried forward": "NOT FIXED",
    "pending": "NOT FIXED",
    "not yet fixed": "NOT FIXED",
    "mostly fixed": "PARTIALLY FIXED",
    "largely fixed": "PARTIALLY FIXED",
    "❌": "NOT FIXED",
    "✗": "NOT FIXED",
    "partially": "PARTIALLY FIXED",
    "partially fixed": "PARTIALLY FIXED",
    "partially resolved": "PARTIALLY FIXED",
    "partially addressed": "PARTIALLY FIXED",
    "partial": "PARTIALLY FIXED",
    "improved": "PARTIALLY FIXED",
    "⚠️": "PARTIALLY FIXED",
    "⚠": "PARTIALLY FIXED",
    "accepted": "ACCEPTED",
    "acknowledged": "ACCEPTED",
    "deferred": "ACCEPTED",
    "won't fix": "ACCEPTED",
    "wontfix": "ACCEPTED",
    "by design": "ACCEPTED",
    "non-issue": "NON-ISSUE",
    "non issue": "NON-ISSUE",
    "not an issue": "NON-ISSUE",
    "no longer applicable": "NON-ISSUE",
    "n/a": "NON-ISSUE",
    "withdrawn": "NON-ISSUE",
    "invalid": "NON-ISSUE",
    "not verified": "NOT VERIFIED",
    "unverified": "NOT VERIFIED",
    "retracted": "RETRACTED",
}

#: Status words read only where a cell or phrase starts with them.
WEAK_STATUS_WORDS = frozenset({
    "yes", "no", "open", "done", "verified", "improved", "partial", "invalid", "addressed", "corrected", "acknowledged",
    "n/a", "remains", "unchanged", "carried", "pending", "still there",
})

#: Canonical statuses that leave the finding open (an "all addressed" claim is false).
OPEN_STATUSES = frozenset({"NOT FIXED", "PARTIALLY FIXED", "NOT VERIFIED"})
#: Canonical statuses of findings that were not defects (they need no fix).
CLOSED_AS_NOT_A_DEFECT = frozenset({"NON-ISSUE", "RETRACTED"})

#: Header cells of the fix-verification table: the finding column and the
#: status column, in order of preference (the first header cell starting with
#: one of these words is taken).
FINDING_COLUMNS: tuple[str, ...] = ("finding", "iteration n finding", "issue", "title")
STATUS_COLUMNS: tuple[str, ...] = ("status", "fix status", "resolution", "verification", "verified", "result", "assessment")
SEVERITY_COLUMNS: tuple[str, ...] = ("severity", "sev")
NUMBER_COLUMNS: tuple[str, ...] = ("#", "no", "number", "n")

#: Bold field labels of a finding -> model attribute.
FINDING_FIELDS: dict[str, str] = {
    "location": "location",
    "where": "location",
    "issue": "issue",
    "problem": "issue",
    "student impact": "impact",
    "impact": "impact",
    "suggested fix": "fix",
    "fix": "fix",
    "recommendation": "fix",
}

SEVERITIES = ("CRITICAL", "IMPROVEMENT", "POLISH")

_NUMBER = re.compile(r"^\d+$")
_STATUS_PATTERN = re.compile(
    r"(?<![\w-])("
    + "|".join(re.escape(word) for word in sorted(STATUS_WORDS, key=len, reverse=True))
    + r")(?![\w-])",
    re.IGNORECASE,
)


def form(text: str) -> str:
    """Words of a heading or label, numbers replaced by ``n``: the key the tables use."""
    return " ".join("n" if _NUMBER.match(word) else word for word in words(strip_markup(text)))


def fix_verification_alias(title: str) -> str | None:
    """The :data:`FIX_VERIFICATION` form ``title`` is written in, or ``None``."""
    key = form(title)
    if key in FIX_VERIFICATION:
        return key
    # unlisted wordings that still say "iteration N ... fix/resolution ... verif/check/status"
    has_fix = any(word in key for word in ("fix", "resolution", "resolved"))
    has_check = any(word in key for word in ("verif", "check", "status"))
    return key if has_fix and has_check else None


def findings_alias(title: str) -> str | None:
    key = form(title)
    return key if key in FINDINGS else None


def status_of(text: str) -> tuple[str, str] | None:
    """``(canonical status, word matched)`` of a status cell or phrase, or ``None``.

    A status the text starts with (``**NOT FIXED** — still says ...``) wins;
    else the first unambiguous status word anywhere (``The hint was fixed``),
    never a weak word (``no``, ``open``...) inside a sentence.
    """
    plain = strip_markup(text).strip()
    lead = re.sub(r"^[^\w✅✓✔❌✗⚠]+", "", plain)
    match = _STATUS_PATTERN.match(lead)
    if match:
        word = match.group(1).lower()
        return STATUS_WORDS[word], word
    for match in _STATUS_PATTERN.finditer(plain):
        word = match.group(1).lower()
        if word not in WEAK_STATUS_WORDS:
            return STATUS_WORDS[word], word
    return None


def status_at_end(text: str) -> tuple[str, str] | None:
    """The status a phrase ends with (``[POLISH] Hint too generous -- RESOLVED.``)."""
    plain = strip_markup(text).strip().rstrip(".!:;) ").rstrip()
    for word in sorted(STATUS_WORDS, key=len, reverse=True):
        if plain.lower().endswith(word) and (len(plain) == len(word) or not plain[-len(word) - 1].isalnum()):
            return STATUS_WORDS[word], word
    return None
