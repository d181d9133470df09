"""The reviewer's notes file (``curriculum review --notes FILE``).

A YAML file (read with ruamel.yaml) holding what only a human can judge::

    # Findings of the reviewer's own judgment; they count in the summary and
    # the verdict like the tool's findings.
    findings:
      - severity: improvement          # critical | improvement | polish
        title: The hook never states the problem it solves
        location: Section 2 (Hook)
        issue: The hook shows the formula before any motivation.
        impact: The student does not know why the formula matters.
        fix: Open with the failing NumPy loop, then show the formula.

    # Findings of the previous iteration that are fixed, by title (or by row
    # number in the previous iteration's findings, 1-based).  Only needed for
    # findings the tool cannot re-check (findings written by a human).
    fixed:
      - Check 1 hint too generous
      - 3

    # Free text for the Review Notes.
    what_works_well: |
      The hook callbacks to numbers the student computed by hand.
    pattern_to_watch: APIs shown in code before they are taught.

Every key is optional; a finding needs all six keys.  Unknown keys, a
missing key, an unknown severity or unreadable YAML raise
:class:`~curriculum_cli.errors.ConfigError` naming ``file:line``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from curriculum_cli.errors import ConfigError, InputError
from curriculum_cli.findings import Severity
from curriculum_cli.load.files import read_text
from curriculum_cli.review.model import FindingText

FINDING_KEYS = ("severity", "title", "location", "issue", "impact", "fix")
TOP_KEYS = ("findings", "fixed", "what_works_well", "pattern_to_watch")


class NoteFinding(FindingText):
    """A finding of the reviewer's judgment."""

    #: ``file:line`` where it was written.
    origin: str = ""


class FixedMark(BaseModel):
    model_config = ConfigDict(frozen=True)

    value: str
    origin: str = ""


class ReviewerNotes(BaseModel):
    findings: list[NoteFinding] = Field(default_factory=list)
    fixed: list[FixedMark] = Field(default_factory=list)
    what_works_well: str | None = None
    pattern_to_watch: str | None = None


def _line(node: Any, key: Any = None) -> int | None:
    """1-based line of ``node`` (or of ``node[key]``) from ruamel's position info."""
    try:
        if key is not None and isinstance(node, CommentedMap):
            return int(node.lc.key(key)[0]) + 1
        if key is not None and isinstance(node, CommentedSeq):
            return int(node.lc.item(key)[0]) + 1
        return int(node.lc.line) + 1
    except (AttributeError, KeyError, IndexError, TypeError):
        return None


def _where(path: str, line: int | None) -> str:
    return f"{path}:{line}" if line else path


def _text(value: Any, where: str, key: str) -> str:
    if value is None or isinstance(value, (dict, list)):
        raise ConfigError(f"{where}: '{key}' must be text")
    text = " ".join(str(value).split())
    if not text:
        raise ConfigError(f"{where}: '{key}' is empty")
    return text


def _finding(item: Any, path: str, line: int | None) -> NoteFinding:
    where = _where(path, line)
    if not isinstance(item, dict):
        raise ConfigError(f"{where}: a finding must be a mapping with keys {', '.join(FINDING_KEYS)}")
    unknown = [k for k in item if k not in FINDING_KEYS]
    if unknown:
        raise ConfigError(f"{_where(path, _line(item, unknown[0]))}: unknown key '{unknown[0]}' in a finding")
    missing = [k for k in FINDING_KEYS if k not in item]
    if missing:
        raise ConfigError(f"{where}: finding is missing {', '.join(repr(k) for k in missing)}")
    values = {k: _text(item[k], _where(path, _line(item, k)), k) for k in FINDING_KEYS}
    try:
        severity = Severity.parse(values.pop("severity"))
    except ValueError as error:
        raise ConfigError(f"{_where(path, _line(item, 'severity'))}: {error}") from None
    return NoteFinding(severity=severity, origin=where, **values)


def parse_notes(text: str, path: str = "<notes>") -> ReviewerNotes:
    """Read the notes YAML ``text``; ConfigError with ``path:line`` when it cannot be used."""
    try:
        data = YAML(typ="rt").load(text)
    except MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        if mark is not None and error.context_mark is not None and mark.line >= len(text.splitlines()):
            mark = error.context_mark  # an error at the end of the file: point at what was left open
        line = mark.line + 1 if mark is not None else None
        raise ConfigError(f"{_where(path, line)}: invalid YAML: {error.problem or error}") from None
    except YAMLError as error:
        raise ConfigError(f"{path}: invalid YAML: {error}") from None
    if data is None:
        return ReviewerNotes()
    if not isinstance(data, dict):
        raise ConfigError(f"{_where(path, 1)}: the notes file must be a mapping with keys {', '.join(TOP_KEYS)}")
    unknown = [k for k in data if k not in TOP_KEYS]
    if unknown:
        raise ConfigError(f"{_where(path, _line(data, unknown[0]))}: unknown key '{unknown[0]}'")
    notes = ReviewerNotes()
    findings = data.get("findings") or []
    if not isinstance(findings, list):
        raise ConfigError(f"{_where(path, _line(data, 'findings'))}: 'findings' must be a list")
    notes.findings = [_finding(item, path, _line(findings, index)) for index, item in enumerate(findings)]
    fixed = data.get("fixed") or []
    if not isinstance(fixed, list):
        raise ConfigError(f"{_where(path, _line(data, 'fixed'))}: 'fixed' must be a list of titles or numbers")
    for index, item in enumerate(fixed):
        where = _where(path, _line(fixed, index))
        notes.fixed.append(FixedMark(value=_text(item, where, "fixed"), origin=where))
    for key in ("what_works_well", "pattern_to_watch"):
        if data.get(key) is not None:
            setattr(notes, key, _text(data[key], _where(path, _line(data, key)), key))
    return notes


def load_notes(path: Path) -> ReviewerNotes:
    """Read a notes file (ConfigError when it cannot be read or used)."""
    try:
        text = read_text(path)
    except InputError as error:
        raise ConfigError(str(error)) from None
    return parse_notes(text, str(path))
