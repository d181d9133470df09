"""Inline suppressions: ``curriculum: ignore[CODE]`` comments and notebook cell tags.

Forms (``CODES`` is a comma-separated list of rule codes or prefixes):

``<!-- curriculum: ignore[CODES] -->`` / ``{/* curriculum: ignore[CODES] */}``
    on a line of its own: the next block (for ``<!-- -->``, the lines up to
    the next blank line; for ``{/* */}``, the next line, or the whole element
    when that line opens a template literal; a fenced code block is always
    covered whole); at the end of a line of text: that line.
``<!-- curriculum: ignore-file[CODES] -->`` (or ``{/* ... */}``)
    anywhere: the whole file.
``# curriculum: ignore[CODES]``
    in code: that line.
cell tag ``curriculum-ignore-CODE``
    in a notebook: every line of that cell.

A suppression that suppresses nothing is reported (S101), as is an unknown
code in one (S102).  Suppressions are applied after ``per_file_ignores`` and
before a baseline.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from curriculum_cli.config import Config
from curriculum_cli.errors import InputError
from curriculum_cli.findings import Finding, Severity
from curriculum_cli.load.files import read_text

_DIRECTIVE = re.compile(
    r"(?P<open><!--|\{/\*|#)\s*curriculum:\s*ignore(?P<file>-file)?\[(?P<codes>[^\]]*)\]\s*(?:-->|\*/\})?"
)
_TAG = re.compile(r"^curriculum-ignore-(?P<code>[A-Za-z0-9]+)$")
_FENCE = re.compile(r"^\s*(```|~~~)")
#: Codes whose findings only a run with code execution can produce.
_EXEC_ONLY = ("C30",)
_END = 10**9


@dataclass
class Suppression:
    """One directive: where it is written, the codes it names and the lines it covers."""

    path: str
    line: int
    codes: list[str]
    first: int
    last: int
    used: set[str] = field(default_factory=set)

    def covers(self, finding: Finding) -> str | None:
        """The code (or prefix) of this directive that suppresses ``finding``, if any."""
        if self.first > 1 or self.last < _END:
            if finding.line is None or not self.first <= finding.line <= self.last:
                return None
        return next((code for code in self.codes if finding.code.startswith(code)), None)


def _codes(text: str) -> list[str]:
    return [code.strip().upper() for code in text.split(",") if code.strip()]


def _block_end(lines: list[str], start: int, *, element: bool = False) -> int:
    """Index of the last line of the block starting at ``start`` (a fence or template literal stays whole).

    With ``element`` (a JSX comment) a block that is no fence is one line, or
    the lines up to the end of a template literal that line opens.
    """
    fence: str | None = None
    template = False
    index = start
    while index < len(lines):
        line = lines[index]
        opened = _FENCE.match(line)
        if fence is not None:
            if opened and opened.group(1) == fence and line.strip().strip("`~") == "":
                fence = None
                if index > start:
                    return index
        elif opened and not template:
            fence = opened.group(1)
        else:
            if line.replace("\\`", "").count("`") % 2:
                template = not template
            if not line.strip() and not template:
                return index - 1
            if element and not template:
                return index
        index += 1
    return len(lines) - 1


def scan_lines(path: str, lines: list[str], line_of: list[int] | None = None) -> list[Suppression]:
    """Directives in ``lines`` (``line_of[i]`` is the file line of ``lines[i]``; default ``i + 1``)."""
    where = line_of or list(range(1, len(lines) + 1))
    out: list[Suppression] = []
    for index, text in enumerate(lines):
        for match in _DIRECTIVE.finditer(text):
            codes = _codes(match.group("codes"))
            line = where[index]
            if match.group("file"):
                out.append(Suppression(path, line, codes, 1, _END))
            elif match.group("open") == "#" or text.replace(match.group(0), "").strip():
                out.append(Suppression(path, line, codes, line, line))
            else:
                start = next((i for i in range(index + 1, len(lines)) if lines[i].strip()), None)
                if start is None:
                    out.append(Suppression(path, line, codes, line, line))
                    continue
                end = _block_end(lines, start, element=match.group("open") == "{/*")
                out.append(Suppression(path, line, codes, where[start], where[max(end, start)]))
    return out


def _notebook(path: str, text: str) -> list[Suppression]:
    from curriculum_cli.execute.sources import notebook_line_maps

    try:
        cells = json.loads(text).get("cells", [])
        maps = notebook_line_maps(text)
    except (ValueError, AttributeError):
        return []
    out: list[Suppression] = []
    for cell, line_map in zip(cells, maps):
        if not isinstance(cell, dict):
            continue
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else source
        if not isinstance(source, str):
            continue
        lines = source.split("\n")[: len(line_map)] if line_map else []
        out.extend(scan_lines(path, lines, line_map[: len(lines)]))
        metadata = cell.get("metadata")
        tags = metadata.get("tags", []) if isinstance(metadata, dict) else []
        for tag in tags if isinstance(tags, list) else []:
            found = _TAG.match(str(tag))
            if found and line_map:
                out.append(Suppression(path, line_map[0], [found.group("code").upper()], min(line_map), max(line_map)))
    return out


def scan(path: str, text: str) -> list[Suppression]:
    """Every suppression in the file ``path`` with content ``text``."""
    if path.endswith(".ipynb"):
        return _notebook(path, text)
    return scan_lines(path, text.split("\n"))


def _read(path: str, root: Path | None) -> str | None:
    for candidate in (Path(path), *((root / path,) if root else ())):
        try:
            return read_text(candidate)
        except InputError:
            continue
    return None


def _verifiable(code: str, config: Config) -> bool:
    """Could this run have reported ``code``?  Otherwise an unused suppression of it is not reported."""
    if not config.enabled(code) and not any(config.enabled(c) for c in _codes_with(code)):
        return False
    return config.exec.enabled or not code.startswith(_EXEC_ONLY)


def _codes_with(prefix: str) -> list[str]:
    from curriculum_cli.rules.codes import known_codes

    return [code for code in known_codes() if code.startswith(prefix)]


def apply(findings: list[Finding], checked: dict[str, str], config: Config, root: Path | None) -> list[Finding]:
    """``findings`` without the suppressed ones, plus S101/S102 for useless or unknown suppressions."""
    from curriculum_cli.rules.codes import code_problem

    paths = sorted(set(checked) | {finding.path for finding in findings})
    directives: dict[str, list[Suppression]] = {}
    for path in paths:
        text = _read(path, root)
        if text is not None and "curriculum" in text:
            found = scan(path, text)
            if found:
                directives[path] = found
    if not directives:
        return findings
    kept: list[Finding] = []
    for finding in findings:
        hit = None
        for suppression in directives.get(finding.path, []):
            code = suppression.covers(finding)
            if code is not None:
                suppression.used.add(code)
                hit = code
        if hit is None:
            kept.append(finding)
    for path, items in directives.items():
        if path not in checked:
            continue
        for suppression in items:
            for code in suppression.codes:
                problem = code_problem(code)
                if problem:
                    kept.extend(_finding("S102", config, root, path, suppression.line, f"suppression names an {problem}",
                                         "use a real rule code (`curriculum rules` lists them)", code))
                elif code not in suppression.used and _verifiable(code, config):
                    kept.extend(_finding("S101", config, root, path, suppression.line,
                                         f"suppression of {code} suppresses nothing here",
                                         f"remove `{code}` from the suppression", code))
    return kept


def _finding(code: str, config: Config, root: Path | None, path: str, line: int, message: str, fix: str,
             subject: str) -> list[Finding]:
    from curriculum_cli.rules.registry import get_rule

    rule = get_rule(code)
    if rule is None or not config.enabled(code) or config.ignored_in(code, path, root):
        return []
    severity: Any = config.severity.get(code, rule.severity)
    return [
        Finding(path=path, line=line, code=code, severity=Severity(severity), message=message, fix=fix,
                impact=rule.impact or None, subject=subject)
    ]
