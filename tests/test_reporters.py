"""Reporters: one exact golden test per output format, plus the shape and escaping of each.

The golden inputs are a planning doc (one finding per severity), a built
lesson and a notebook (code findings with frames), checked with ``--no-exec``
from ``tests/fixtures`` so paths are relative.  To regenerate the golden
files after an intended change: ``CURRICULUM_REGENERATE_GOLDEN=1 pytest tests/test_reporters.py``.
"""

from __future__ import annotations

import json
import os
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest

from curriculum_cli.cli import run
from curriculum_cli.findings import Finding, Severity
from curriculum_cli.report.github import escape_data, escape_property, render_github
from curriculum_cli.report.json import STABLE_FIELDS, render_json
from curriculum_cli.report.json_lines import render_json_lines
from curriculum_cli.report.junit import render_junit
from curriculum_cli.report.render import read_sources
from curriculum_cli.report.sarif import artifact_uri, render_sarif
from curriculum_cli.report.text import render_text
from curriculum_cli.rules.registry import all_rules

FIXTURES = Path(__file__).parent / "fixtures"
GOLDEN = FIXTURES / "report"
INPUTS = ["plan/golden.md", "report/lesson.md", "report/practice.ipynb"]
REGENERATE = bool(os.environ.get("CURRICULUM_REGENERATE_GOLDEN"))

Capture = pytest.CaptureFixture[str]


def _check(capsys: Capture, monkeypatch: pytest.MonkeyPatch, fmt: str) -> str:
    monkeypatch.chdir(FIXTURES)  # paths in the output are relative to the working directory
    assert run(["check", "--no-exec", "--format", fmt, *INPUTS]) == 1
    out, err = capsys.readouterr()
    assert err == ""
    return out


def _golden(name: str, out: str) -> None:
    path = GOLDEN / name
    if REGENERATE:
        path.write_text(out, encoding="utf-8")
    assert out == path.read_text(encoding="utf-8"), f"{name} changed; if intended: CURRICULUM_REGENERATE_GOLDEN=1 pytest {__file__}"


def test_golden_text(capsys: Capture, monkeypatch: pytest.MonkeyPatch) -> None:
    _golden("golden.txt", _check(capsys, monkeypatch, "text"))


def test_golden_json(capsys: Capture, monkeypatch: pytest.MonkeyPatch) -> None:
    _golden("golden.json", _check(capsys, monkeypatch, "json"))


def test_golden_json_lines(capsys: Capture, monkeypatch: pytest.MonkeyPatch) -> None:
    _golden("golden.jsonl", _check(capsys, monkeypatch, "json-lines"))


def test_golden_github(capsys: Capture, monkeypatch: pytest.MonkeyPatch) -> None:
    _golden("golden.github.txt", _check(capsys, monkeypatch, "github"))


def test_golden_junit(capsys: Capture, monkeypatch: pytest.MonkeyPatch) -> None:
    _golden("golden.junit.xml", _check(capsys, monkeypatch, "junit"))


def test_golden_sarif(capsys: Capture, monkeypatch: pytest.MonkeyPatch) -> None:
    # Exact, except the rule catalogue and the tool version: those change with every rule
    # edit and release, so they are checked against the registry here instead of a file.
    log = json.loads(_check(capsys, monkeypatch, "sarif"))
    driver = log["runs"][0]["tool"]["driver"]
    rules = all_rules()
    assert [r["id"] for r in driver["rules"]] == [r.code for r in rules]
    levels = {"CRITICAL": "error", "IMPROVEMENT": "warning", "POLISH": "note"}
    for descriptor, rule in zip(driver["rules"], rules):
        assert descriptor["name"] == rule.name
        assert descriptor["shortDescription"]["text"] == rule.summary
        assert descriptor["fullDescription"]["text"] == rule.doc
        assert descriptor["defaultConfiguration"]["level"] == levels[rule.severity.value]
        assert descriptor["help"]["text"].startswith(rule.doc)
    for result in log["runs"][0]["results"]:
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
        result["ruleIndex"] = "(checked above)"  # shifts whenever a rule is added
    driver["rules"], driver["version"] = "(every rule, checked above)", "(version)"
    _golden("golden.sarif.json", json.dumps(log, indent=2) + "\n")


def test_golden_inputs_cover_every_severity_and_a_frame() -> None:
    data = json.loads((GOLDEN / "golden.json").read_text(encoding="utf-8"))
    assert {f["severity"] for f in data["findings"]} == {"CRITICAL", "IMPROVEMENT", "POLISH"}
    text = (GOLDEN / "golden.txt").read_text(encoding="utf-8")
    assert "18 | print(x + z)" in text  # the notebook frame shows the cell's source line, not JSON
    assert "8 |     total += totl" in text  # a tab is shown as spaces


# ------------------------------------------------------------------ SARIF by structure

#: The part of the SARIF 2.1.0 schema GitHub code scanning relies on (no network in tests).
SARIF_SUBSET = {
    "type": "object",
    "required": ["version", "runs"],
    "properties": {
        "version": {"const": "2.1.0"},
        "$schema": {"type": "string"},
        "runs": {
            "type": "array", "minItems": 1,
            "items": {
                "type": "object",
                "required": ["tool", "results"],
                "properties": {
                    "tool": {
                        "type": "object", "required": ["driver"],
                        "properties": {"driver": {
                            "type": "object", "required": ["name", "rules"],
                            "properties": {
                                "name": {"type": "string"}, "version": {"type": "string"},
                                "rules": {"type": "array", "items": {
                                    "type": "object",
                                    "required": ["id", "name", "shortDescription", "fullDescription", "defaultConfiguration", "help"],
                                    "properties": {
                                        "id": {"type": "string"},
                                        "shortDescription": {"$ref": "#/$defs/message"},
                                        "fullDescription": {"$ref": "#/$defs/message"},
                                        "help": {"$ref": "#/$defs/message"},
                                        "defaultConfiguration": {
                                            "type": "object", "required": ["level"],
                                            "properties": {"level": {"$ref": "#/$defs/level"}},
                                        },
                                    },
                                }},
                            },
                        }},
                    },
                    "columnKind": {"enum": ["utf16CodeUnits", "unicodeCodePoints"]},
                    "results": {"type": "array", "items": {
                        "type": "object",
                        "required": ["ruleId", "level", "message", "locations", "partialFingerprints"],
                        "properties": {
                            "ruleId": {"type": "string"},
                            "ruleIndex": {"type": "integer", "minimum": 0},
                            "level": {"$ref": "#/$defs/level"},
                            "message": {"$ref": "#/$defs/message"},
                            "partialFingerprints": {"type": "object", "additionalProperties": {"type": "string"}},
                            "locations": {"type": "array", "minItems": 1, "items": {
                                "type": "object", "required": ["physicalLocation"],
                                "properties": {"physicalLocation": {
                                    "type": "object", "required": ["artifactLocation", "region"],
                                    "properties": {
                                        "artifactLocation": {
                                            "type": "object", "required": ["uri"],
                                            "properties": {"uri": {"type": "string", "pattern": r"^[^\\\s]+$"}},
                                        },
                                        "region": {
                                            "type": "object", "required": ["startLine"],
                                            "properties": {
                                                "startLine": {"type": "integer", "minimum": 1},
                                                "startColumn": {"type": "integer", "minimum": 1},
                                            },
                                        },
                                    },
                                }},
                            }},
                        },
                    }},
                },
            },
        },
    },
    "$defs": {
        "level": {"enum": ["none", "note", "warning", "error"]},
        "message": {"type": "object", "required": ["text"], "properties": {"text": {"type": "string"}}},
    },
}


def test_sarif_validates_against_the_schema_subset() -> None:
    findings = [*FINDINGS, Finding(path="dir with space/x.md", code="C102", severity=Severity.CRITICAL, message="m")]
    log = json.loads(render_sarif(findings, all_rules(), "1.2.3"))
    jsonschema.validate(log, SARIF_SUBSET)
    uris = [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in log["runs"][0]["results"]]
    assert uris == ["a.md", "a.md", "dir%20with%20space/x.md"]


def test_sarif_fingerprints_ignore_lines_and_count_duplicates() -> None:
    moved = FINDINGS[0].model_copy(update={"line": 30})
    first = json.loads(render_sarif([FINDINGS[0]], all_rules(), "1"))["runs"][0]["results"][0]
    again = json.loads(render_sarif([moved, moved], all_rules(), "1"))["runs"][0]["results"]
    key = "curriculumFingerprint/v1"
    assert again[0]["partialFingerprints"][key] == first["partialFingerprints"][key]
    assert again[1]["partialFingerprints"][key].endswith(":2")


def test_sarif_uri_is_relative_with_forward_slashes() -> None:
    assert artifact_uri("lessons\\series-1\\a.md") == "lessons/series-1/a.md"
    assert artifact_uri("./a b.md") == "a%20b.md"
    assert artifact_uri("/abs/a.md") == "file:///abs/a.md"


def test_sarif_reports_tool_errors_as_an_unsuccessful_invocation() -> None:
    invocation = json.loads(render_sarif([], all_rules(), "1", ["x.md: no such file"]))["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False
    assert invocation["toolExecutionNotifications"][0]["message"]["text"] == "x.md: no such file"


# ------------------------------------------------------------------ github

ANNOTATION = re.compile(r"^::(error|warning|notice) file=[^,:\r\n]+(,line=\d+(,col=\d+)?)?,title=[A-Z]\d{3}::[^\r\n]*$")


def test_github_one_annotation_per_finding_with_level_by_severity() -> None:
    lines = render_github(FINDINGS).splitlines()
    assert len(lines) == len(FINDINGS) and all(ANNOTATION.match(line) for line in lines)
    assert [line.split(" ", 1)[0] for line in lines] == ["::error", "::notice"]
    warning = Finding(path="a.md", code="P203", severity=Severity.IMPROVEMENT, message="m")
    assert render_github([warning]).startswith("::warning file=a.md,title=P203::m")


def test_github_escapes_data_and_properties() -> None:
    finding = Finding(path="a,b:c%.md", line=2, column=3, code="P201", severity=Severity.CRITICAL, message="50%\r\nx: y, z")
    line = render_github([finding])
    # a finding's message is one printable line (control characters escaped by Finding itself)
    assert line == "::error file=a%2Cb%3Ac%25.md,line=2,col=3,title=P201::50%25\\r\\nx: y, z\n"
    assert ANNOTATION.match(line.rstrip("\n"))
    assert escape_data("a%b\n") == "a%25b%0A" and escape_property("a:b,c") == "a%3Ab%2Cc"


# ------------------------------------------------------------------ junit


def test_junit_is_valid_xml_with_a_case_per_checked_file() -> None:
    hostile = Finding(path="a.md", line=1, code="C301", severity=Severity.CRITICAL, message="<&>\x1b[31m\x00", detail="tb\x07")
    xml = render_junit([hostile, FINDINGS[1]], {"a.md": "built", "clean.md": "plan"}, ["x.md: no such file"])
    root = ET.fromstring(xml.encode("utf-8"))  # raises on invalid XML
    suite = root.find("testsuite")
    assert suite is not None
    cases = {case.get("name"): case for case in suite.findall("testcase")}
    assert set(cases) == {"a.md", "clean.md", "curriculum"}
    assert [f.get("type") for f in cases["a.md"].findall("failure")] == ["C301", "P403"]
    assert cases["clean.md"].findall("failure") == []
    assert cases["curriculum"].find("error") is not None
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("3", "1", "1")
    message = cases["a.md"].findall("failure")[0].get("message") or ""
    assert "<&>" in message and "\\x1b" in message and "\x1b" not in message


# ------------------------------------------------------------------ json-lines, json, text units

FINDINGS = [
    Finding(path="a.md", line=3, code="P201", severity=Severity.CRITICAL, message="m1", fix="f1", subject="s"),
    Finding(path="a.md", line=None, column=4, code="P403", severity=Severity.POLISH, message="m2"),
]


def test_json_lines_one_object_per_finding() -> None:
    lines = render_json_lines(FINDINGS).splitlines()
    assert [json.loads(line)["code"] for line in lines] == ["P201", "P403"]
    assert all(list(json.loads(line))[: len(STABLE_FIELDS)] == list(STABLE_FIELDS) for line in lines)
    assert render_json_lines([]) == ""


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
    assert render_text([], files=2, baselined=3) == "No findings in 2 files (3 baselined).\n"


def test_text_show_fixes() -> None:
    lines = render_text(FINDINGS[:1], show_fixes=True).splitlines()
    assert lines[1] == "  fix: f1"


def test_text_colour_only_when_asked() -> None:
    assert "\x1b[" not in render_text(FINDINGS)
    assert "\x1b[" in render_text(FINDINGS, colour=True)


def test_text_frame_puts_the_caret_at_the_column() -> None:
    finding = Finding(path="x.md", line=2, column=7, code="C304", severity=Severity.CRITICAL, message="m")
    lines = render_text([finding], sources={"x.md": ["a = 1", "print(a)  # 2"]}).splitlines()
    assert lines[1:4] == ["  |", "2 | print(a)  # 2", "  |       ^"]
    assert lines[4] == ""  # a blank line after each frame


def test_text_frame_without_column_underlines_the_code_and_escapes_control_characters() -> None:
    finding = Finding(path="x.md", line=1, code="C102", severity=Severity.CRITICAL, message="m")
    lines = render_text([finding], sources={"x.md": ["\tx = '\x1b[2J'"]}).splitlines()
    assert lines[2] == "1 |     x = '\\x1b[2J'"
    assert lines[3] == "  |     " + "^" * len("x = '\\x1b[2J'")


def test_text_no_frame_when_the_line_is_not_available() -> None:
    finding = Finding(path="x.md", line=9, code="C102", severity=Severity.CRITICAL, message="m")
    assert len(render_text([finding], sources={"x.md": ["only one line"]}).splitlines()) == 2
    assert len(render_text([finding], sources={"x.md": [None] * 9}).splitlines()) == 2


def test_read_sources_maps_notebook_lines_to_cell_source(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("n.ipynb").write_text('{\n "source": [\n  "x = 1\\n",\n  "print(\\"hi\\")"\n ]\n}\n', encoding="utf-8")
    lines = read_sources(["n.ipynb", "missing.md"])
    assert "missing.md" not in lines
    assert list(lines["n.ipynb"][:4]) == [None, None, "x = 1", 'print("hi")']


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
    assert json.loads(render_json([], baselined=2))["summary"]["baselined"] == 2
