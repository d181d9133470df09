"""Text reporter: one line per finding, then a summary line."""

from __future__ import annotations

from collections.abc import Sequence

from curriculum_cli.findings import Finding, Severity, count_by_severity

_COLOURS = {Severity.CRITICAL: "\x1b[31m", Severity.IMPROVEMENT: "\x1b[33m", Severity.POLISH: "\x1b[36m"}
_BOLD, _DIM, _RESET = "\x1b[1m", "\x1b[2m", "\x1b[0m"


def format_finding(finding: Finding, colour: bool = False) -> str:
    where = f"{finding.path}:{finding.line or 1}:{finding.column or 1}"
    severity = f"[{finding.severity.value}]"
    if colour:
        where = f"{_BOLD}{where}{_RESET}"
        severity = f"{_COLOURS[finding.severity]}{severity}{_RESET}"
        code = f"{_BOLD}{finding.code}{_RESET}"
    else:
        code = finding.code
    return f"{where}: {code} {severity} {finding.message}"


def summary_line(findings: Sequence[Finding], files: int | None = None) -> str:
    counts = count_by_severity(findings)
    total = len(findings)
    parts = ", ".join(f"{counts[s]} {s.value.lower()}" for s in Severity)
    checked = f" in {files} file{'s' if files != 1 else ''}" if files is not None else ""
    if not total:
        return f"No findings{checked}."
    return f"Found {total} finding{'s' if total != 1 else ''}{checked} ({parts})."


def render_text(
    findings: Sequence[Finding], *, files: int | None = None, colour: bool = False, show_fixes: bool = False
) -> str:
    """Render findings as ``path:line:col: CODE [SEVERITY] message`` lines plus a summary."""
    lines: list[str] = []
    for finding in findings:
        lines.append(format_finding(finding, colour))
        if show_fixes and finding.fix:
            fix = f"  fix: {finding.fix}"
            lines.append(f"{_DIM}{fix}{_RESET}" if colour else fix)
    lines.append(summary_line(findings, files))
    return "\n".join(lines) + "\n"
