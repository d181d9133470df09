"""Render a :class:`~curriculum_cli.api.Report` in one of the output formats.

Each format is one pure function in its own module; this dispatcher only
gathers what they need (the rule catalogue, the tool version, and for the
text format the source lines of files with code findings, each read once).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from curriculum_cli.api import Report
from curriculum_cli.findings import Finding
from curriculum_cli.report.github import render_github
from curriculum_cli.report.json import render_json
from curriculum_cli.report.json_lines import render_json_lines
from curriculum_cli.report.junit import render_junit
from curriculum_cli.report.sarif import render_sarif
from curriculum_cli.report.text import Sources, render_text

FORMATS = ("text", "json", "json-lines", "sarif", "github", "junit")

#: Largest file read for a frame (larger files get no frame).
_FRAME_LIMIT = 20 * 1024 * 1024
_ARTIFACT_SUFFIXES = (".ipynb", ".tsx", ".mdx")


def render(report: Report, fmt: str, *, colour: bool = False, show_fixes: bool = False) -> str:
    """The report as text in format ``fmt`` (one of :data:`FORMATS`)."""
    if fmt == "json":
        return render_json(report.findings, report.stats, report.errors, report.baselined)
    if fmt == "json-lines":
        return render_json_lines(report.findings)
    if fmt == "github":
        return render_github(report.findings)
    if fmt == "junit":
        return render_junit(report.findings, report.checked, report.errors)
    if fmt == "sarif":
        from curriculum_cli.rules.registry import all_rules
        from curriculum_cli.version import tool_version

        return render_sarif(report.findings, all_rules(), tool_version(), report.errors)
    if fmt != "text":
        raise ValueError(f"unknown format {fmt!r}")
    if report.errors and not report.findings:
        return ""  # the errors on stderr say it all
    return render_text(
        report.findings, files=report.stats.get("files"), colour=colour, show_fixes=show_fixes,
        sources=read_sources(framed(report.findings, report.checked)), baselined=report.baselined,
    )


def framed(findings: Iterable[Finding], checked: dict[str, str]) -> set[str]:
    """Paths whose findings get a code frame: code findings, and findings in built lessons and notebooks."""
    return {
        f.path for f in findings
        if f.line is not None
        and (f.code.startswith("C") or checked.get(f.path) in ("built", "notebook") or f.path.endswith(_ARTIFACT_SUFFIXES))
    }


def read_sources(paths: Iterable[str]) -> Sources:
    """The lines of each file, read once; notebook lines become the cell source line they hold."""
    sources: dict[str, list[str | None]] = {}
    for path in paths:
        try:
            file = Path(path)
            if not file.is_file() or file.stat().st_size > _FRAME_LIMIT:
                continue
            text = file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError, ValueError):
            continue  # no frame; the finding line itself is still printed
        lines: list[str | None] = list(text.split("\n"))
        sources[path] = [_cell_line(line) for line in lines] if path.endswith(".ipynb") else lines
    return sources


def _cell_line(json_line: str | None) -> str | None:
    """The source line a notebook's JSON line holds (``"x = 1\\n",``), or ``None`` when it holds none."""
    text = (json_line or "").strip().removesuffix(",")
    if not (text.startswith('"') and text.endswith('"')):
        return None
    try:
        value = json.loads(text)
    except ValueError:
        return None
    if not isinstance(value, str) or "\n" in value.rstrip("\n"):
        return None
    return value.rstrip("\n")
