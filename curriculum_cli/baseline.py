"""Baselines: record today's findings so that only new ones are reported.

A course with a backlog can gate pull requests at once: ``curriculum check
--write-baseline FILE`` records every current finding, and ``--baseline
FILE`` reports only findings the file does not hold.  A finding is recorded
by what identifies it across edits, not by its line:

* the rule code;
* the file, relative to the folder of the baseline file (``/`` separators,
  ``..`` for files elsewhere), so the baseline works from any working directory;
* the finding's subject (the name, API, claim or row it is about), or its
  message with numbers, quotes and line references normalized, exactly as
  review iterations match findings (:mod:`curriculum_cli.review.fingerprint`).

Each entry has a count: if a file has two identical findings and the
baseline holds one, one is reported.  The file is JSON, sorted, one entry
per line group, so that its diffs are readable in review.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from curriculum_cli.api import Report
from curriculum_cli.errors import CurriculumError, InputError
from curriculum_cli.findings import Finding
from curriculum_cli.load.files import atomic_write, read_text
from curriculum_cli.review.fingerprint import normalize_message, normalize_subject

FORMAT = "curriculum-baseline"
VERSION = 1

Key = tuple[str, str, str]


class BaselineError(CurriculumError):
    """A baseline file that cannot be read or is not a baseline (exit code 2)."""


class Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    code: str = Field(min_length=1)
    path: str = Field(min_length=1)
    subject: str
    count: int = Field(default=1, ge=1)


class BaselineFile(BaseModel):
    """The file: ``{"format": "curriculum-baseline", "version": 1, "findings": [...]}``."""

    model_config = ConfigDict(extra="forbid")

    format: str = FORMAT
    version: int = VERSION
    findings: list[Entry] = Field(default_factory=list)


def finding_key(finding: Finding, base: Path) -> Key:
    """Code, file relative to ``base`` and subject: a finding's identity in a baseline."""
    if finding.subject and finding.subject.strip():
        subject = normalize_subject(finding.subject)
    else:
        subject = "msg:" + normalize_message(finding.message)
    return (finding.code, relative_path(finding.path, base), subject)


def relative_path(path: str, base: Path) -> str:
    """``path`` relative to ``base`` with ``/`` separators (with ``..`` when it lies elsewhere)."""
    try:
        return Path(os.path.relpath(Path(path).resolve(), base.resolve())).as_posix()
    except ValueError:  # another drive on Windows
        return Path(path).resolve().as_posix()


def build_baseline(findings: Iterable[Finding], base: Path) -> BaselineFile:
    counts = Counter(finding_key(finding, base) for finding in findings)
    entries = [Entry(code=c, path=p, subject=s, count=n) for (c, p, s), n in sorted(counts.items())]
    return BaselineFile(findings=entries)


def write_baseline(path: Path, findings: Iterable[Finding]) -> BaselineFile:
    """Record ``findings`` in ``path`` (atomically) and return what was written."""
    baseline = build_baseline(findings, path.resolve().parent)
    lines = [json.dumps(entry.model_dump(), ensure_ascii=False) for entry in baseline.findings]
    body = ",\n    ".join(lines)
    text = f'{{\n  "format": "{FORMAT}",\n  "version": {VERSION},\n  "findings": [' + (
        f"\n    {body}\n  ]\n}}\n" if lines else "]\n}\n"
    )
    atomic_write(path, text)
    return baseline


def read_baseline(path: Path) -> BaselineFile:
    """Read a baseline file; :class:`BaselineError` when it is missing or malformed."""
    try:
        text = read_text(path)
    except InputError as error:
        raise BaselineError(f"baseline {error}") from None
    try:
        data = json.loads(text)
    except ValueError as error:
        raise BaselineError(f"{path}: not a curriculum baseline: invalid JSON ({error})") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise BaselineError(f"{path}: not a curriculum baseline (no \"format\": \"{FORMAT}\"); write one with --write-baseline")
    if data.get("version") != VERSION:
        raise BaselineError(f"{path}: baseline version {data.get('version')!r} is not supported (expected {VERSION})")
    try:
        return BaselineFile.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise BaselineError(f"{path}: malformed baseline at '{where}': {first['msg']}") from None


def subtract(findings: Iterable[Finding], baseline: BaselineFile, base: Path) -> tuple[list[Finding], int]:
    """The findings the baseline does not hold, and how many it held back."""
    remaining = Counter({(e.code, e.path, e.subject): e.count for e in baseline.findings})
    kept: list[Finding] = []
    held = 0
    for finding in findings:
        key = finding_key(finding, base)
        if remaining[key] > 0:
            remaining[key] -= 1
            held += 1
        else:
            kept.append(finding)
    return kept, held


def apply_baseline(report: Report, *, baseline: Path | None = None, write: Path | None = None) -> None:
    """``--write-baseline`` then ``--baseline``: record the report's findings and/or drop the recorded ones.

    Writing a baseline also applies it, so the run that writes it reports no
    finding (and exits 0) and says how many it recorded.
    """
    if write is not None and report.errors:
        raise BaselineError(f"{write}: baseline not written: the run had errors, so it would miss findings")
    if write is not None:
        recorded, source = write_baseline(write, report.findings), write
    elif baseline is not None:
        recorded, source = read_baseline(baseline), baseline
    else:
        return
    report.findings, report.baselined = subtract(report.findings, recorded, source.resolve().parent)
