"""Stable fingerprints: the identity of a finding across review iterations.

A fingerprint is ``CODE ARTIFACT SUBJECT`` (three space-separated tokens,
with ``%``, spaces, quotes, ``<``, ``>`` and ``&`` percent-escaped so a
token holds no space and the HTML comment cannot end early):

* ``CODE``: the rule code (``C102``);
* ``ARTIFACT``: the file, relative to the curriculum root (or to the planning
  doc's folder outside a curriculum), with ``/`` separators, so it does not
  depend on the working directory;
* ``SUBJECT``: ``Finding.subject`` (the name, API, claim or row the finding is
  about) with whitespace collapsed; when a rule gives no subject, ``msg:``
  and the message with line references, numbers and quotes normalized.

No line number takes part, so a finding keeps its fingerprint when lines
shift or other parts of the file are edited.  The generated review embeds it
as ``<!-- curriculum: C102 content/x.md name:w -->`` under the finding heading.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote

from curriculum_cli.findings import Finding

_LINE_REF = re.compile(r"\b(?:lines?|l\.)\s*~?\d+(?:\s*(?:-|–|to)\s*\d+)?|:\d+(?::\d+)?\b|~\d+", re.IGNORECASE)
_QUOTES = re.compile(r"[\"'`‘’“”«»]")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_NON_WORD = re.compile(r"[^a-z0-9#]+")
_ESCAPES = {char: quote(char, safe="") for char in "%<>&\"'` \t"}
COMMENT = "<!-- curriculum: {} -->"


def normalize_message(message: str) -> str:
    """A message without line refs, numbers and quotes: ``msg`` part of a fingerprint."""
    text = _LINE_REF.sub(" ", message.lower())
    text = _QUOTES.sub("", text)
    text = _NUMBER.sub("#", text)
    return _NON_WORD.sub("-", text).strip("-")


def normalize_subject(subject: str) -> str:
    return " ".join(subject.split())


def artifact_key(path: str, base: Path | None) -> str:
    """``path`` relative to ``base`` (posix), or as given when it lies elsewhere."""
    if base is not None:
        try:
            return Path(path).resolve().relative_to(base.resolve()).as_posix()
        except (ValueError, OSError):
            pass
    return Path(path).as_posix()


def fingerprint(finding: Finding, base: Path | None = None) -> str:
    """The fingerprint of ``finding``; ``base`` is the folder artifact paths are relative to."""
    if finding.subject and finding.subject.strip():
        subject = normalize_subject(finding.subject)
    else:
        subject = "msg:" + normalize_message(finding.message)
    parts = (finding.code, artifact_key(finding.path, base), subject)
    return " ".join(_escape(part) for part in parts)


def _escape(text: str) -> str:
    """Percent-escape only what could break the token or the HTML comment."""
    return "".join(
        _ESCAPES.get(char) or (quote(char, safe="") if char.isspace() or not char.isprintable() else char)
        for char in text
    )


def fingerprint_code(value: str) -> str:
    """The rule code part of a fingerprint."""
    return value.split(" ", 1)[0]


def comment(value: str) -> str:
    return COMMENT.format(value)
