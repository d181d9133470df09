"""Text reporter: one line per finding (with a frame of the code it is about), then a summary line.

A finding on a line of lesson code is followed by a short frame, like ruff's::

    lessons/x/content/autograd.md:41:7: C304 [CRITICAL] claimed output ...
       |
    41 | print(x.grad)  # tensor(6.)
       |       ^

The caller passes the source lines (``sources``: path -> lines, ``None`` for a
line that has no frame); this module reads nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from curriculum_cli.findings import Finding, Severity, count_by_severity

_COLOURS = {Severity.CRITICAL: "\x1b[31m", Severity.IMPROVEMENT: "\x1b[33m", Severity.POLISH: "\x1b[36m"}
_BOLD, _DIM, _BLUE, _RESET = "\x1b[1m", "\x1b[2m", "\x1b[34m", "\x1b[0m"
_TAB = "    "

#: Source lines of a file, 0-based; ``None`` where a line has no printable frame.
Sources = Mapping[str, Sequence[str | None]]


def format_finding(finding: Finding, colour: bool = False) -> str:
    where = f"{visible(finding.path)}:{finding.line or 1}:{finding.column or 1}"
    severity = f"[{finding.severity.value}]"
    if colour:
        where = f"{_BOLD}{where}{_RESET}"
        severity = f"{_COLOURS[finding.severity]}{severity}{_RESET}"
        code = f"{_BOLD}{finding.code}{_RESET}"
    else:
        code = finding.code
    return f"{where}: {code} {severity} {visible(finding.message)}"


def visible(text: str) -> str:
    """``text`` safe for a terminal: tabs as spaces, control characters as ``\\x1b``-style escapes."""
    out = []
    for char in text:
        if char == "\t":
            out.append(_TAB)
        elif char.isprintable():
            out.append(char)
        else:
            out.append(char.encode("unicode_escape").decode("ascii"))
    return "".join(out)


def frame(finding: Finding, source: str, colour: bool = False) -> list[str]:
    """The offending line with a caret at the finding's column (or under the whole line)."""
    line = source.rstrip("\r\n")
    number = str(finding.line)
    pad = " " * len(number)
    shown = visible(line)
    if finding.column and finding.column >= 1:
        start = len(visible(line[: finding.column - 1]))
        marker = " " * start + "^"
    else:
        body = shown.lstrip(" ")
        marker = " " * (len(shown) - len(body)) + "^" * max(1, len(body.rstrip()))
    if colour:
        gutter = f"{_BLUE}{pad} |{_RESET}"
        return [gutter, f"{_BLUE}{number} |{_RESET} {shown}", f"{gutter} {_COLOURS[finding.severity]}{marker}{_RESET}"]
    return [f"{pad} |", f"{number} | {shown}".rstrip(), f"{pad} | {marker}"]


def _source_line(finding: Finding, sources: Sources | None) -> str | None:
    if sources is None or finding.line is None or finding.line < 1:
        return None
    lines = sources.get(finding.path)
    if lines is None or finding.line > len(lines):
        return None
    return lines[finding.line - 1]


def summary_line(findings: Sequence[Finding], files: int | None = None, baselined: int = 0) -> str:
    counts = count_by_severity(findings)
    total = len(findings)
    parts = ", ".join(f"{counts[s]} {s.value.lower()}" for s in Severity)
    checked = f" in {files} file{'s' if files != 1 else ''}" if files is not None else ""
    if not total:
        return f"No findings{checked}" + (f" ({baselined} baselined)." if baselined else ".")
    tail = f"; {baselined} baselined" if baselined else ""
    return f"Found {total} finding{'s' if total != 1 else ''}{checked} ({parts}{tail})."


def render_text(
    findings: Sequence[Finding],
    *,
    files: int | None = None,
    colour: bool = False,
    show_fixes: bool = False,
    sources: Sources | None = None,
    baselined: int = 0,
) -> str:
    """Render findings as ``path:line:col: CODE [SEVERITY] message`` lines plus a summary.

    A finding whose line is in ``sources`` gets a frame of that line and a
    blank line after it.
    """
    lines: list[str] = []
    for finding in findings:
        lines.append(format_finding(finding, colour))
        source = _source_line(finding, sources)
        if source is not None:
            lines.extend(frame(finding, source, colour))
        if show_fixes and finding.fix:
            fix = f"  fix: {visible(finding.fix)}"
            lines.append(f"{_DIM}{fix}{_RESET}" if colour else fix)
        if source is not None:
            lines.append("")
    lines.append(summary_line(findings, files, baselined))
    return "\n".join(lines) + "\n"
