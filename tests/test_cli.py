"""The command line, run in-process: exit codes, options, output formats, commands."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from curriculum_cli.cli import app, run
from curriculum_cli.rules.registry import all_rules

FIXTURES = Path(__file__).parent / "fixtures" / "plan"
CLEAN = FIXTURES / "clean.md"
DONE_WHEN = FIXTURES / "done-when.md"  # P201 (critical) and P203..P402 (improvement)
POLISH_ONLY = FIXTURES / "P403-unchecked-item.md"
IMPROVEMENT_ONLY = FIXTURES / "P203-too-few-misconceptions.md"

Capture = pytest.CaptureFixture[str]
FINDING = re.compile(r"^(?P<path>[^:\n]+):(?P<line>\d+):(?P<col>\d+): (?P<code>[A-Z]\d{3}) \[(?P<severity>[A-Z]+)\] (?P<message>.+)$")


def check(capsys: Capture, *args: str) -> tuple[int, str, str]:
    code = run(["check", "--no-exec", *args])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def codes(out: str) -> list[str]:
    return [m["code"] for m in map(FINDING.match, out.splitlines()) if m]


# ------------------------------------------------------------------ exit codes


def test_exit_0_when_clean(capsys: Capture) -> None:
    code, out, err = check(capsys, str(CLEAN))
    assert (code, codes(out), err) == (0, [], "")


def test_exit_1_on_findings_at_the_default_threshold(capsys: Capture) -> None:
    code, out, _ = check(capsys, str(IMPROVEMENT_ONLY))
    assert code == 1 and codes(out) == ["P203"]


def test_polish_only_findings_exit_0_by_default(capsys: Capture) -> None:
    code, out, _ = check(capsys, str(POLISH_ONLY))
    assert code == 0 and codes(out) == ["P403"]


def test_fail_on_polish(capsys: Capture) -> None:
    assert check(capsys, "--fail-on", "polish", str(POLISH_ONLY))[0] == 1


def test_fail_on_critical_ignores_improvements(capsys: Capture) -> None:
    code, out, _ = check(capsys, "--fail-on", "critical", str(IMPROVEMENT_ONLY))
    assert code == 0 and codes(out) == ["P203"]


def test_fail_on_critical_still_fails_on_critical(capsys: Capture) -> None:
    assert check(capsys, "--fail-on", "critical", str(DONE_WHEN))[0] == 1


@pytest.mark.parametrize(
    "argv",
    [
        ["check", "--format", "xml", str(CLEAN)],
        ["check", "--no-such-option", str(CLEAN)],
        ["check", "--fail-on", "fatal", str(CLEAN)],
        ["no-such-command"],
    ],
    ids=["bad-format", "unknown-option", "bad-fail-on", "unknown-command"],
)
def test_exit_2_on_usage_errors(argv: list[str], capsys: Capture) -> None:
    assert run(argv) == 2
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    assert err.strip()


def test_exit_2_on_missing_file(capsys: Capture, tmp_path: Path) -> None:
    code, _, err = check(capsys, str(tmp_path / "missing.md"))
    assert code == 2
    assert err == f"curriculum: error: {tmp_path / 'missing.md'}: no such file or directory\n"


def test_exit_2_on_binary_file(capsys: Capture, tmp_path: Path) -> None:
    binary = tmp_path / "image.md"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    code, _, err = check(capsys, str(binary))
    assert code == 2 and len(err.splitlines()) == 1 and "binary" in err


def test_errors_win_over_findings(capsys: Capture, tmp_path: Path) -> None:
    code, out, err = check(capsys, str(IMPROVEMENT_ONLY), str(tmp_path / "missing.md"))
    assert code == 2 and codes(out) == ["P203"] and "missing.md" in err


@pytest.mark.parametrize(
    ("argv", "code"),
    [
        (["check", "--no-exec", str(CLEAN)], 0),
        (["check", "--no-exec", str(IMPROVEMENT_ONLY)], 1),
        (["check", "--format", "xml", str(CLEAN)], 2),
        (["rule", "P999"], 2),
    ],
)
def test_console_entry_point_agrees_with_run(argv: list[str], code: int) -> None:
    # The installed ``curriculum`` command runs the app in standalone mode.
    result = CliRunner().invoke(app, argv)
    assert result.exit_code == code
    assert "Traceback" not in result.output


# ------------------------------------------------------------------ selection


@pytest.mark.parametrize(
    ("flags", "want"),
    [
        ([], ["P201", "P203", "P205", "P301", "P303", "P401", "P401", "P401", "P402"]),
        (["--select", "P201"], ["P201"]),
        (["--select", "P2"], ["P201", "P203", "P205"]),
        (["--select", "P201,P3"], ["P201", "P301", "P303"]),
        (["--select", "p201", "--select", "P303"], ["P201", "P303"]),
        (["--ignore", "P4"], ["P201", "P203", "P205", "P301", "P303"]),
        (["--ignore", "P401,P402,P2"], ["P301", "P303"]),
        (["--select", "P2,P3", "--ignore", "P203"], ["P201", "P205", "P301", "P303"]),
    ],
)
def test_select_and_ignore(flags: list[str], want: list[str], capsys: Capture) -> None:
    code, out, _ = check(capsys, *flags, str(DONE_WHEN))
    assert codes(out) == want
    assert code == (1 if want else 0)


# ------------------------------------------------------------------ formats


def test_text_format(capsys: Capture) -> None:
    _, out, _ = check(capsys, str(DONE_WHEN))
    lines = out.splitlines()
    matches = [FINDING.match(line) for line in lines[:-1]]
    assert all(matches)
    assert {Path(m["path"]).resolve() for m in matches if m} == {DONE_WHEN.resolve()}
    assert [(int(m["line"]), m["col"], m["code"], m["severity"]) for m in matches if m][:2] == [
        (42, "1", "P201", "CRITICAL"), (49, "1", "P203", "IMPROVEMENT"),
    ]
    assert lines[-1] == "Found 9 findings in 1 file (1 critical, 8 improvement, 0 polish)."


def test_no_ansi_colour_when_not_a_tty(capsys: Capture) -> None:
    _, out, _ = check(capsys, str(DONE_WHEN))
    assert "\x1b[" not in out


def test_ansi_colour_on_a_tty(capsys: Capture, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    _, out, _ = check(capsys, str(DONE_WHEN))
    assert "\x1b[31m[CRITICAL]" in out


def test_json_format_shape(capsys: Capture) -> None:
    code, out, _ = check(capsys, "--format", "json", str(DONE_WHEN))
    data = json.loads(out)
    assert code == 1
    assert list(data) == ["findings", "summary"]
    assert len(data["findings"]) == 9
    for finding in data["findings"]:
        assert list(finding)[:7] == ["path", "line", "column", "code", "severity", "message", "fix"]
        assert finding["severity"] in ("CRITICAL", "IMPROVEMENT", "POLISH")
        assert isinstance(finding["line"], int)
    assert [(f["line"], f["code"]) for f in data["findings"]][0] == (42, "P201")
    summary = data["summary"]
    assert {k: summary[k] for k in ("total", "critical", "improvement", "polish")} == {
        "total": 9, "critical": 1, "improvement": 8, "polish": 0,
    }


def test_json_format_when_clean(capsys: Capture) -> None:
    code, out, _ = check(capsys, "-f", "json", str(CLEAN))
    assert code == 0
    assert json.loads(out)["findings"] == []


# ------------------------------------------------------------------ rules, rule, parse


def test_rules_lists_every_rule(capsys: Capture) -> None:
    assert run(["rules"]) == 0
    out = capsys.readouterr().out
    listed = [line.split()[0] for line in out.splitlines()]
    assert listed == [r.code for r in all_rules()]
    assert {f"P{n}" for n in (100, 101, 102, 103, 104, 105, 201, 202, 203, 204, 205, 301, 302, 303, 304, 305, 306, 401, 402, 403)} <= set(listed)


def test_rules_json(capsys: Capture) -> None:
    assert run(["rules", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [r["code"] for r in data] == [r.code for r in all_rules()]
    assert all(r["doc"] and r["severity"] in ("CRITICAL", "IMPROVEMENT", "POLISH") for r in data)


@pytest.mark.parametrize("name", ["P201", "p201", "prerequisite-status-mismatch"])
def test_rule_explains_a_rule(name: str, capsys: Capture) -> None:
    assert run(["rule", name]) == 0
    out = capsys.readouterr().out
    assert out.startswith("P201 prerequisite-status-mismatch [CRITICAL]")
    assert "Student impact:" in out


def test_rule_unknown_code_exits_2(capsys: Capture) -> None:
    assert run(["rule", "P999"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.startswith("curriculum: error: unknown rule") and len(err.splitlines()) == 1


def test_parse_text(capsys: Capture) -> None:
    assert run(["parse", str(CLEAN)]) == 0
    out = capsys.readouterr().out
    assert "lesson 'slicing' module 3.2 lesson 2 type 'BUILD'" in out.splitlines()[0]
    parts = {m[2]: int(m[1]) for m in re.finditer(r"^\s+(\d+)\s+(\w+)", out, re.MULTILINE)}
    assert parts["prerequisites"] == 37 and parts["checklists"] == 119
    assert "required parts not found" not in out
    assert "counts: concepts 3, prerequisites 3, misconceptions 3, examples 4, modalities 4" in out


def test_parse_json(capsys: Capture) -> None:
    assert run(["parse", "--format", "json", str(CLEAN)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["header"]["slug"] == "slicing"
    assert [p["line"] for p in data["prerequisites"]] == [41, 42, 43]
    assert data["problems"] == []


def test_parse_missing_file_exits_2(capsys: Capture, tmp_path: Path) -> None:
    assert run(["parse", str(tmp_path / "nope.md")]) == 2
    assert capsys.readouterr().err.startswith("curriculum: error: ")


# ------------------------------------------------------------------ formats, --output, --exit-zero


@pytest.mark.parametrize("fmt", ["text", "json", "json-lines", "sarif", "github", "junit"])
def test_output_file_gets_what_stdout_would(fmt: str, capsys: Capture, tmp_path: Path) -> None:
    code, out, err = check(capsys, "--format", fmt, str(DONE_WHEN))
    target = tmp_path / f"report.{fmt}"
    assert run(["check", "--no-exec", "--format", fmt, "--output", str(target), str(DONE_WHEN)]) == code == 1
    written = capsys.readouterr()
    assert (written.out, written.err) == ("", "")
    assert target.read_text(encoding="utf-8") == out
    assert [p.name for p in tmp_path.iterdir()] == [target.name]  # no temporary file left behind


def test_output_into_a_missing_folder_exits_2(capsys: Capture, tmp_path: Path) -> None:
    code, _, err = check(capsys, "--output", str(tmp_path / "no" / "such" / "r.txt"), str(DONE_WHEN))
    assert code == 2 and err.startswith("curriculum: error: ")


def test_github_format_one_annotation_per_finding(capsys: Capture) -> None:
    _, out, _ = check(capsys, "--format", "github", str(DONE_WHEN))
    lines = out.splitlines()
    assert len(lines) == 9
    assert all(re.match(r"::(error|warning|notice) file=[^,]+,line=\d+,title=P\d{3}::\S", line) for line in lines)


def test_exit_zero_reports_findings_but_exits_0(capsys: Capture) -> None:
    code, out, _ = check(capsys, "--exit-zero", str(DONE_WHEN))
    assert code == 0 and len(codes(out)) == 9


def test_exit_zero_keeps_exit_2_for_tool_errors(capsys: Capture, tmp_path: Path) -> None:
    assert check(capsys, "--exit-zero", str(tmp_path / "missing.md"))[0] == 2


# ------------------------------------------------------------------ unknown codes are usage errors


@pytest.mark.parametrize(
    ("flags", "bad"),
    [(["--select", "ZZ9"], "ZZ9"), (["--ignore", "P2,P999"], "P999"), (["--select", "X5", "--select", "q"], "Q")],
)
def test_unknown_code_on_the_command_line_exits_2(flags: list[str], bad: str, capsys: Capture) -> None:
    code, out, err = check(capsys, *flags, str(DONE_WHEN))
    assert (code, out) == (2, "")
    match = re.fullmatch(r"curriculum: error: --(select|ignore): unknown rule code or prefix '(\w+)' \(closest: (\w+)\)\n", err)
    assert match and match[2].upper() == bad
    assert any(rule.code.startswith(match[3]) for rule in all_rules())


@pytest.mark.parametrize("flags", [["--select", "C"], ["--select", "p2"], ["--ignore", "W"], ["--select", "X501"]])
def test_known_prefixes_stay_valid(flags: list[str], capsys: Capture) -> None:
    assert check(capsys, *flags, str(CLEAN))[0] == 0


@pytest.mark.parametrize(
    "yaml",
    ["select: [ZZ9]\n", "ignore: [P2, P77]\n", "severity:\n  P2: polish\n", "per-file-ignores:\n  '*.md': [Q1]\n"],
    ids=["select", "ignore", "severity-prefix", "per-file-ignores"],
)
def test_unknown_code_in_the_config_file_exits_2(yaml: str, capsys: Capture, tmp_path: Path) -> None:
    config = tmp_path / "curriculum.yaml"
    config.write_text(yaml, encoding="utf-8")
    code, out, err = check(capsys, "--config", str(config), str(CLEAN))
    assert (code, out) == (2, "")
    assert re.match(r"curriculum: error: curriculum\.yaml(:\d+)?: key '[\w.]+': unknown rule code", err)
    assert "closest: " in err


# ------------------------------------------------------------------ per-file-ignores


@pytest.mark.parametrize(
    ("globs", "want"),
    [
        ({"done-when.md": ["P4"]}, ["P201", "P203", "P205", "P301", "P303"]),
        ({"**/plan/done-*.md": ["P2", "P303"]}, ["P301", "P401", "P401", "P401", "P402"]),
        ({"other.md": ["P4"], "plan/*.ipynb": ["P"]}, ["P201", "P203", "P205", "P301", "P303", "P401", "P401", "P401", "P402"]),
    ],
    ids=["file-name", "glob-with-dash-and-prefixes", "near-miss"],
)
def test_per_file_ignores(globs: dict[str, list[str]], want: list[str], capsys: Capture, tmp_path: Path) -> None:
    config = tmp_path / "curriculum.yaml"
    lines = "".join(f"  '{glob}': [{', '.join(codes)}]\n" for glob, codes in globs.items())
    config.write_text("per-file-ignores:\n" + lines, encoding="utf-8")
    _, out, err = check(capsys, "--config", str(config), str(DONE_WHEN))
    assert err == "" and codes(out) == want


# ------------------------------------------------------------------ baseline


def test_baseline_holds_todays_findings_and_reports_new_ones(capsys: Capture, tmp_path: Path) -> None:
    lesson = tmp_path / "lesson.md"
    lesson.write_text(DONE_WHEN.read_text(encoding="utf-8"), encoding="utf-8")
    baseline = tmp_path / "baseline.json"
    code, out, _ = check(capsys, "--write-baseline", str(baseline), str(lesson))
    assert (code, codes(out)) == (0, [])
    assert out.strip() == "No findings in 1 file (9 baselined)."
    assert check(capsys, "--baseline", str(baseline), str(lesson))[0] == 0
    # Lines shift and a new defect appears: only the new one is reported.
    text = lesson.read_text(encoding="utf-8").replace("- [x]", "- [ ]", 1)
    lesson.write_text("\n\n\n" + text, encoding="utf-8")
    code, out, _ = check(capsys, "--baseline", str(baseline), "--fail-on", "polish", str(lesson))
    assert (code, codes(out)) == (1, ["P403"])
    assert out.splitlines()[-1].endswith("; 9 baselined).")


def test_baseline_paths_do_not_depend_on_the_working_directory(
    capsys: Capture, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    baseline = tmp_path / "baseline.json"
    check(capsys, "--write-baseline", str(baseline), str(DONE_WHEN))
    data = json.loads(baseline.read_text(encoding="utf-8"))
    assert {entry["code"] for entry in data["findings"]} == {"P201", "P203", "P205", "P301", "P303", "P401", "P402"}
    assert sum(entry["count"] for entry in data["findings"]) == 9
    assert all("line" not in entry for entry in data["findings"])
    monkeypatch.chdir(FIXTURES)
    code, out, _ = check(capsys, "--baseline", str(baseline), "done-when.md")
    assert (code, codes(out)) == (0, [])


def test_baseline_applies_to_every_format(capsys: Capture, tmp_path: Path) -> None:
    baseline = tmp_path / "baseline.json"
    check(capsys, "--write-baseline", str(baseline), str(DONE_WHEN))
    _, out, _ = check(capsys, "--baseline", str(baseline), "--format", "json", str(DONE_WHEN))
    data = json.loads(out)
    assert data["findings"] == [] and data["summary"]["baselined"] == 9


@pytest.mark.parametrize(
    "content",
    ["not json", "[]", '{"format": "curriculum-baseline", "version": 9, "findings": []}',
     '{"format": "curriculum-baseline", "version": 1, "findings": [{"code": "P201"}]}', None],
    ids=["not-json", "not-an-object", "version", "entry", "missing"],
)
def test_malformed_baseline_exits_2(content: str | None, capsys: Capture, tmp_path: Path) -> None:
    baseline = tmp_path / "baseline.json"
    if content is not None:
        baseline.write_text(content, encoding="utf-8")
    code, out, err = check(capsys, "--baseline", str(baseline), str(DONE_WHEN))
    assert (code, out) == (2, "")
    assert err.startswith("curriculum: error: ") and "baseline" in err and len(err.splitlines()) == 1


def test_write_baseline_refused_when_the_run_had_errors(capsys: Capture, tmp_path: Path) -> None:
    baseline = tmp_path / "baseline.json"
    code, _, err = check(capsys, "--write-baseline", str(baseline), str(DONE_WHEN), str(tmp_path / "missing.md"))
    assert code == 2 and not baseline.exists() and "baseline not written" in err


# ------------------------------------------------------------------ --version, config


def test_version(capsys: Capture) -> None:
    assert run(["--version"]) == 0
    out = capsys.readouterr().out
    assert re.fullmatch(r"curriculum \d+\.\d+\S*\n", out)


def test_config_prints_the_resolved_configuration(capsys: Capture, tmp_path: Path) -> None:
    (tmp_path / "curriculum.yaml").write_text("ignore: [c103]\nexec:\n  timeout: 5\n", encoding="utf-8")
    assert run(["config", str(tmp_path), "--format", "json", "--select", "P2"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["ignore"] == ["C103"] and data["select"] == ["P2"]
    assert data["exec"]["timeout"] == 5 and data["exec"]["enabled"] is True  # defaults filled in
    assert run(["config", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"# configuration: {tmp_path / 'curriculum.yaml'}\n")
    assert "timeout: 5" in out and "per_file_ignores: {}" in out


def test_config_with_a_bad_file_exits_2(capsys: Capture, tmp_path: Path) -> None:
    (tmp_path / "curriculum.yaml").write_text("select: [ZZ9]\n", encoding="utf-8")
    assert run(["config", str(tmp_path)]) == 2
    assert "ZZ9" in capsys.readouterr().err


@pytest.mark.parametrize(("glob", "want"), [("series-1/**/list-*.md", []), ("series-2/**", ["P403"])])
def test_per_file_ignores_are_relative_to_the_curriculum_root(
    glob: str, want: list[str], capsys: Capture, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "course"
    assert run(["init", "curriculum", str(root)]) == 0
    plan = root / "series-1" / "module-1-1" / "lessons" / "list-indexing.md"
    plan.write_text(plan.read_text(encoding="utf-8").replace("- [x]", "- [ ]", 1), encoding="utf-8")
    config = root / "curriculum.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("per_file_ignores: {}", f"per_file_ignores: {{'{glob}': [P4]}}"))
    monkeypatch.chdir(tmp_path)  # the glob is not relative to the working directory
    capsys.readouterr()
    _, out, err = check(capsys, "course")
    assert err == "" and codes(out) == want
