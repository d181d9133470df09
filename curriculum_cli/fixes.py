"""``check --fix`` and ``--diff``: apply (or show) the edits findings carry.

A finding may carry :class:`~curriculum_cli.findings.Edit` values (W101
spaced dashes, P401 wrong checklist counts, C304 wrong claimed outputs).
Each edit replaces the last occurrence of its ``old`` text on its line; in
a notebook the text is matched inside the line's JSON string, in a TSX file
inside a template literal with its escapes.  An edit whose text is no longer
there is skipped, and its finding stays reported.

Every file is rewritten once, atomically, keeping its line endings and BOM,
and only if it still holds the bytes that were read (a concurrent edit is
never overwritten).
"""

from __future__ import annotations

import difflib
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from curriculum_cli.errors import CurriculumError, StaleFileError
from curriculum_cli.findings import Edit, Finding
from curriculum_cli.load.files import TextFile, read_file, write_like


@dataclass
class FixPlan:
    """What the edits of a report do: new text per file, and which findings they fix."""

    #: Path -> (the file as read, its text after the edits).
    files: dict[str, tuple[TextFile, str]] = field(default_factory=dict)
    fixed: list[Finding] = field(default_factory=list)
    #: Findings with edits that could not be applied (text no longer on its line, unreadable file).
    skipped: list[Finding] = field(default_factory=list)

    def diff(self) -> str:
        """A unified diff of every changed file (``a/PATH`` -> ``b/PATH``)."""
        out: list[str] = []
        for path, (source, text) in sorted(self.files.items()):
            out.extend(
                difflib.unified_diff(
                    source.text.splitlines(keepends=True),
                    text.splitlines(keepends=True),
                    f"a/{path}",
                    f"b/{path}",
                )
            )
        return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in out)

    def write(self) -> list[str]:
        """Write every changed file atomically; returns the paths refused because they changed meanwhile."""
        refused: list[str] = []
        for path, (source, text) in sorted(self.files.items()):
            try:
                write_like(path, text, source)
            except StaleFileError:
                refused.append(path)
        return refused


def _variants(text: str, path: str) -> list[str]:
    """How ``text`` may be written on a line of ``path``: encoded for its container first, then as is."""
    out = []
    if path.endswith(".ipynb"):
        out += [json.dumps(text, ensure_ascii=False)[1:-1], json.dumps(text)[1:-1]]
    elif path.endswith(".tsx"):
        out.append(text.replace("\\", "\\\\").replace("`", "\\`").replace("${", "\\${"))
    return [*dict.fromkeys([*out, text])]


def _apply(lines: list[str], edit: Edit) -> bool:
    index = edit.line - 1
    if not 0 <= index < len(lines):
        return False
    line = lines[index]
    for old, new in zip(_variants(edit.old, edit.path), _variants(edit.new, edit.path)):
        position = line.rfind(old)
        if position >= 0:
            lines[index] = line[:position] + new + line[position + len(old) :]
            return True
    return False


def plan_fixes(findings: Iterable[Finding]) -> FixPlan:
    """Apply every finding's edits to the files in memory (nothing is written)."""
    plan = FixPlan()
    by_path: dict[str, list[Finding]] = defaultdict(list)
    for finding in findings:
        for path in dict.fromkeys(edit.path for edit in finding.edits):
            by_path[path].append(finding)
    for path, items in sorted(by_path.items()):
        try:
            source = read_file(path)
        except (CurriculumError, OSError):
            plan.skipped.extend(items)
            continue
        lines = source.text.split("\n")
        for finding in items:
            edits = [edit for edit in finding.edits if edit.path == path]
            trial = list(lines)
            if all(_apply(trial, edit) for edit in edits):
                lines = trial
                if finding not in plan.fixed:
                    plan.fixed.append(finding)
            else:
                plan.skipped.append(finding)
        text = "\n".join(lines)
        if text != source.text:
            plan.files[path] = (source, text)
    plan.fixed = [f for f in plan.fixed if f not in plan.skipped]
    return plan
