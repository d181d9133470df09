"""GitHub Actions reporter: one workflow command per finding, shown as an annotation on the pull request.

``::error file=PATH,line=L,col=C,title=CODE::message``; ``::warning`` for
IMPROVEMENT, ``::notice`` for POLISH.  Escaping follows the Actions toolkit:
``%``, ``\\r`` and ``\\n`` everywhere, and ``:`` and ``,`` inside properties.
"""

from __future__ import annotations

from collections.abc import Sequence

from curriculum_cli.findings import Finding, Severity

COMMANDS = {Severity.CRITICAL: "error", Severity.IMPROVEMENT: "warning", Severity.POLISH: "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(finding: Finding) -> str:
    properties = [f"file={escape_property(finding.path)}"]
    if finding.line is not None:
        properties.append(f"line={finding.line}")
        if finding.column is not None:
            properties.append(f"col={finding.column}")
    properties.append(f"title={escape_property(finding.code)}")
    message = finding.message + (f"\nfix: {finding.fix}" if finding.fix else "")
    return f"::{COMMANDS[finding.severity]} {','.join(properties)}::{escape_data(message)}"


def render_github(findings: Sequence[Finding]) -> str:
    """One annotation line per finding; nothing else (the job log stays readable)."""
    return "".join(annotation(finding) + "\n" for finding in findings)
