"""Malformed input never crashes the tool: it gives findings, or a one-line
error on stderr with exit code 2 — never a traceback."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from curriculum_cli import api
from curriculum_cli.cli import run
from curriculum_cli.config import Config, ExecConfig
from curriculum_cli.model.build_plan import build_plan
from curriculum_cli.model.curriculum import PlanDocument
from curriculum_cli.parse.markdown import parse_markdown
from curriculum_cli.rules.engine import run_rules, selected
from curriculum_cli.rules.registry import all_rules

CLEAN = (Path(__file__).parent / "fixtures" / "plan" / "clean.md").read_text(encoding="utf-8")
TITLE = "# Lesson: grids (Module 3.2, Lesson 2)\n\n"
CONFIG = Config(exec=ExecConfig(enabled=False))

Make = Callable[[Path], Path]


def file(data: bytes, name: str = "doc.md") -> Make:
    def make(folder: Path) -> Path:
        path = folder / name
        path.write_bytes(data)
        return path

    return make


def empty_folder(folder: Path) -> Path:
    target = folder / "notes"
    target.mkdir()
    (target / "readme.md").write_text("# Notes\n\nnot a planning document\n", encoding="utf-8")
    return target


def missing(folder: Path) -> Path:
    return folder / "does-not-exist.md"


def fifo(folder: Path) -> Path:
    path = folder / "pipe.md"
    os.mkfifo(path)
    return path


def dev_zero(folder: Path) -> Path:
    path = folder / "zero.md"
    path.symlink_to("/dev/zero")
    return path


NESTED = "".join("  " * depth + "- item\n" for depth in range(300))
#: 5 MB of prose in paragraphs of long lines (markdown-it spends ~25 us per
#: line, so 5 MB of short lines would take seconds: more than this suite's budget).
SENTENCE = "Ordinary planning prose, long enough to fill a line of the document. "
BIG = TITLE + "## Phase 1\n\n" + ((SENTENCE * 15 + "\n") * 10 + "\n") * 520

#: name -> (how to make the input, codes that must be reported or None for a tool error)
CASES: dict[str, tuple[Make, set[str] | None]] = {
    "empty": (file(b""), {"P100", "P101"}),
    "whitespace-only": (file(b"  \n\n\t \n"), {"P100", "P101"}),
    "no-headings": (file(b"Some prose.\n\n- a list\n"), {"P100", "P101"}),
    "heading-only": (file(TITLE.encode()), {"P101"}),
    "headings-only": (file((TITLE + "## Phase 1\n### Prerequisites\n## Phase 2\n").encode()), {"P101"}),
    "ragged-table": (
        file((TITLE + "### Misconceptions\n| Misconception | Negative Example |\n|---|---|\n| a | b | c |\n| d |\n").encode()),
        {"P101", "P103", "P203", "P204"},
    ),
    "header-only-table": (file((TITLE + "| Concept | Depth | Source |\n|---|---|---|\n").encode()), {"P101"}),
    "unclosed-fence": (file((TITLE + "```python\nx = 1\n## Phase 2\n").encode()), {"P101"}),
    "deeply-nested-lists": (file((TITLE + NESTED).encode()), {"P101"}),
    "crlf-clean": (file(CLEAN.replace("\n", "\r\n").encode()), set()),
    "bom-clean": (file(b"\xef\xbb\xbf" + CLEAN.encode()), set()),
    "five-megabytes": (file(BIG.encode()), {"P101"}),
    "binary-nul": (file(b"# Lesson\x00\x01\x02 binary"), None),
    "invalid-utf8": (file(TITLE.encode() + b"caf\xe9\n"), None),
    "folder-without-planning-docs": (empty_folder, None),
    "missing-path": (missing, None),
    "fifo": (fifo, None),
    "symlink-to-dev-zero": (dev_zero, None),
}


def test_big_case_is_five_megabytes() -> None:
    assert len(BIG.encode()) >= 5 * 1024 * 1024


@pytest.mark.parametrize("name", CASES)
def test_cli(name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    make, codes = CASES[name]
    target = make(tmp_path)
    code = run(["check", "--no-exec", "--select", "P", str(target)])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    if codes is None:
        assert code == 2
        assert len(err.splitlines()) == 1
        assert err.startswith("curriculum: error: ") and str(target.name) in err
    else:
        assert err == ""
        assert code == (1 if codes else 0)
        assert set(re.findall(r": (P\d{3}) \[", out)) == codes


@pytest.mark.parametrize("name", CASES)
def test_api(name: str, tmp_path: Path) -> None:
    make, codes = CASES[name]
    report = api.check([make(tmp_path)], CONFIG.model_copy(update={"select": ["P"]}))
    if codes is None:
        assert len(report.errors) == 1 and "\n" not in report.errors[0]
        assert report.findings == []
    else:
        assert report.errors == []
        assert {f.code for f in report.findings} == codes


def test_crlf_and_bom_keep_line_numbers(tmp_path: Path) -> None:
    source = TITLE + "### Misconceptions\n| Misconception | Negative Example |\n|---|---|\n| a | b | c |\n"
    plain = file(source.encode(), "plain.md")(tmp_path)
    dos = file(b"\xef\xbb\xbf" + source.replace("\n", "\r\n").encode(), "dos.md")(tmp_path)
    lines = [
        sorted((f.line, f.code) for f in api.check([p], CONFIG).findings)
        for p in (plain, dos)
    ]
    assert lines[0] == lines[1]
    assert (6, "P103") in lines[0]


@pytest.mark.parametrize("name", ["binary-nul", "invalid-utf8", "missing-path"])
def test_parse_command_errors_cleanly(name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = CASES[name][0](tmp_path)
    assert run(["parse", str(target)]) == 2
    out, err = capsys.readouterr()
    assert out == "" and len(err.splitlines()) == 1 and "Traceback" not in err


CURRICULUM = Path(__file__).parent / "fixtures" / "curriculum" / "clean"


@pytest.mark.parametrize(
    "relative",
    [
        "series-1/module-1-1/lessons/gamma.md",
        "series-1/module-1-1/content/gamma.md",
        "series-1/module-1-1/notebooks/gamma.ipynb",
    ],
)
def test_unreadable_input_is_exit_2_for_every_kind(relative: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "course"
    shutil.copytree(CURRICULUM, root)
    (root / relative).write_bytes(b"\x00\x01 binary")
    assert run(["check", "--no-exec", str(root)]) == 2
    out, err = capsys.readouterr()
    assert "C100" not in out and "Traceback" not in out + err
    assert [line for line in err.splitlines() if "binary" in line] == [f"curriculum: error: {root / relative}: binary file (contains NUL bytes), expected UTF-8 text"]


def test_invalid_utf8_error_names_the_line(tmp_path: Path) -> None:
    report = api.check([CASES["invalid-utf8"][0](tmp_path)], CONFIG)
    assert ":3: not valid UTF-8" in report.errors[0]


# ------------------------------------------------------------------ any text

PLAN_RULES = selected(all_rules(), Config(), "plan")

#: Fragments that stress the format: headings, tables, pipes, fences, fields, checklists.
FRAGMENTS = st.sampled_from(
    [
        "# Lesson: x (Module 1.1, Lesson 1)", "## Phase 2: Analyze", "### Prerequisites", "### Misconceptions",
        "### Examples Planned", "### Modalities", "### Cognitive Load", "### Scope Boundaries", "## Checklists",
        "## Review — 2026-02-09 (Iteration 1/3)", "#### [CRITICAL] — x", "| Concept | Required Depth | Actual Depth | Status |",
        "| Misconception | Negative Example |", "| Example | Type |", "| Modality | Why |", "|---|---|", "| a | b | c |",
        "| \\| | `|` |", "```", "~~~python", "- [x] At least 3 misconceptions (7 identified)", "- [ ] ",
        "- **New concepts in this lesson:** 9", "  1. x", "**Type:** STRETCH", "**This lesson is NOT about:**",
        "- x (lesson 3: y)", "**Gap resolution:** No gaps", "INTRODUCED -> DEVELOPED", "> quote", "<div>", "",
    ]
)
MARKDOWNISH = st.lists(st.one_of(FRAGMENTS, st.text(max_size=20)), max_size=40).map("\n".join)


def _lint(text: str) -> None:
    doc = parse_markdown(text, "fuzz.md")
    plan = build_plan(doc)
    run_rules(PLAN_RULES, PlanDocument(path="fuzz.md", doc=doc, plan=plan), "fuzz.md", Config())


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text())
def test_any_text_never_raises(text: str) -> None:
    _lint(text)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(MARKDOWNISH)
def test_any_markdownish_text_never_raises(text: str) -> None:
    _lint(text)


# ------------------------------------------------------------------ crashes the fuzzer found (benchmarks/fuzz.py)

NOTEBOOK_CELL = '{"cell_type": "%s", "id": "c%d", "metadata": {}, %s}'


def _notebook(*cells: str) -> bytes:
    body = ", ".join(cells)
    return ('{"cells": [%s], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}' % body).encode()


@pytest.mark.parametrize(
    "data",
    [
        _notebook(NOTEBOOK_CELL % ("markdown", 1, '"source": ["a", 5]'), NOTEBOOK_CELL % ("code", 2, '"outputs": [], "source": "x = 1"')),
        _notebook(NOTEBOOK_CELL % ("code", 1, '"outputs": [], "execution_count": null')),  # no source at all
        _notebook('[1, 2]'),
    ],
    ids=["markdown-source-holds-a-number", "code-cell-without-source", "cell-is-a-list"],
)
def test_malformed_notebook_in_a_curriculum_is_c100(data: bytes, tmp_path: Path) -> None:
    root = tmp_path / "course"
    shutil.copytree(CURRICULUM, root)
    (root / "series-1/module-1-1/notebooks/gamma.ipynb").write_bytes(data)
    report = api.check([root], CONFIG, cache=False)
    assert report.errors == []
    assert [(f.code, Path(f.path).name) for f in report.findings if f.code == "C100"] == [("C100", "gamma.ipynb")]


@pytest.mark.parametrize(
    "code",
    ["x = " + "(" * 150 + "1" + ")" * 150, "x = " + "+".join(["1"] * 5000), "x = " + "[" * 1000 + "]" * 1000],
    ids=["nested-parentheses", "long-sum", "too-deep-for-the-parser"],
)
def test_absurdly_deep_code_is_a_finding_not_a_crash(code: str, tmp_path: Path) -> None:
    lesson = tmp_path / "lesson.md"
    lesson.write_text(f"# Deep\n\n```python\n{code}\nprint(x)\n```\n", encoding="utf-8")
    report = api.check([lesson], CONFIG, cache=False)
    assert report.errors == []


@pytest.mark.parametrize("separator", ["\u2028", "\x0c", "\x1c", "\x85"])
def test_line_separators_other_than_newline_do_not_shift_lines(separator: str, tmp_path: Path) -> None:
    lesson = tmp_path / "lesson.md"
    text = f"# Title\n\nProse{separator}with{separator}separators.\n\n```python\nx = (\n```\n"
    lesson.write_text(text, encoding="utf-8")
    report = api.check([lesson], CONFIG, cache=False)
    assert [(f.code, f.line) for f in report.findings if f.code == "C101"] == [("C101", 6)]
    assert all(f.line is None or f.line <= text.count("\n") for f in report.findings)
