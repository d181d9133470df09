"""Reporters: one exact golden test per output format, plus the shape of each."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from curriculum_cli.cli import run
from curriculum_cli.findings import Finding, Severity
from curriculum_cli.report.json import STABLE_FIELDS, render_json
from curriculum_cli.report.text import render_text

FIXTURES = Path(__file__).parent / "fixtures" / "plan"
REGENERATE = "cd tests/fixtures/plan && curriculum check --no-exec {flags}golden.md > golden.{ext}"


def _check_golden(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, *flags: str) -> str:
    monkeypatch.chdir(FIXTURES)  # paths in the output are relative to the working directory
    assert run(["check", "--no-exec", *flags, "golden.md"]) == 1
    out, err = capsys.readouterr()
    assert err == ""
    return out


def test_golden_text(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    out = _check_golden(capsys, monkeypatch)
    want = (FIXTURES / "golden.txt").read_text(encoding="utf-8")
    assert out == want, "text output changed; if intended: " + REGENERATE.format(flags="", ext="txt")


def test_golden_json(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    out = _check_golden(capsys, monkeypatch, "--format", "json")
    want = (FIXTURES / "golden.json").read_text(encoding="utf-8")
    assert out == want, "JSON output changed; if intended: " + REGENERATE.format(flags="--format json ", ext="json")


def test_golden_fixture_has_one_finding_per_severity() -> None:
    data = json.loads((FIXTURES / "golden.json").read_text(encoding="utf-8"))
    assert [f["severity"] for f in data["findings"]] == ["CRITICAL", "IMPROVEMENT", "POLISH"]


# ------------------------------------------------------------------ unit shape

FINDINGS = [
    Finding(path="a.md", line=3, code="P201", severity=Severity.CRITICAL, message="m1", fix="f1", subject="s"),
    Finding(path="a.md", line=None, column=4, code="P403", severity=Severity.POLISH, message="m2"),
]


def test_text_one_line_per_finding_then_summary() -> None:
    lines = render_text(FINDINGS, files=1).splitlines()
    assert len(lines) == len(FINDINGS) + 1
    for line in lines[:-1]:
        assert re.fullmatch(r"[^:]+:\d+:\d+: [A-Z]\d{3} \[(CRITICAL|IMPROVEMENT|POLISH)\] .+", line)
    assert lines[0].startswith("a.md:3:1: P201 [CRITICAL] ")
    assert lines[1].startswith("a.md:1:4: P403 [POLISH] ")  # unknown line shows as 1
    assert lines[-1].startswith("Found 2 findings in 1 file")


def test_text_without_findings() -> None:
    assert render_text([], files=2) == "No findings in 2 files.\n"


def test_text_show_fixes() -> None:
    lines = render_text(FINDINGS[:1], show_fixes=True).splitlines()
    assert lines[1] == "  fix: f1"


def test_text_colour_only_when_asked() -> None:
    assert "\x1b[" not in render_text(FINDINGS)
    assert "\x1b[" in render_text(FINDINGS, colour=True)


def test_json_shape() -> None:
    data = json.loads(render_json(FINDINGS, {"files": 1}, ["x.md: no such file"]))
    assert set(data) == {"findings", "summary"}
    for finding in data["findings"]:
        assert list(finding)[: len(STABLE_FIELDS)] == list(STABLE_FIELDS)
    assert data["findings"][0]["subject"] == "s"
    assert "subject" not in data["findings"][1]  # optional fields are omitted when empty
    assert data["summary"] == {
        "total": 2, "critical": 1, "improvement": 0, "polish": 1,
        "checked": {"files": 1}, "errors": ["x.md: no such file"],
    }
