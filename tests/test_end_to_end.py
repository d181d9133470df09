"""The issue's end-to-end scenario, through the CLI with real sandboxed execution.

``tests/fixtures/e2e`` is a two-lesson curriculum whose built lesson and
notebook carry the classic defects reviewers found by hand.  Each must be
reported on its line, and the correct claims, the ``# ?`` placeholder and the
names defined in earlier blocks must produce nothing.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from curriculum_cli.cli import run

E2E = Path(__file__).parent / "fixtures" / "e2e"
CONTENT = "series-2/module-2-1/content/autograd.md"
NOTEBOOK = "series-2/module-2-1/notebooks/autograd.ipynb"

#: (artifact, line, code) of every code finding the fixture must produce.
EXPECTED = {
    (CONTENT, 17, "C103"),  # standalone.py uses `w` from block 1
    (CONTENT, 18, "C103"),  # ... and `torch`
    (CONTENT, 22, "C202"),  # import torch.nn.functional: the NOT list names it
    (CONTENT, 27, "C203"),  # retain_graph=True, never explained
    (CONTENT, 28, "C304"),  # print(x.grad)  # tensor(6.) prints tensor(3.)
    (CONTENT, 34, "C301"),  # matmul of mismatched shapes
    (NOTEBOOK, 22, "C304"),  # wrong claim in cell 2
    (NOTEBOOK, 42, "C102"),  # `model` defined nowhere
}
#: Findings that need execution (absent with --no-exec).
RUNTIME = {(CONTENT, 28, "C304"), (CONTENT, 34, "C301"), (NOTEBOOK, 22, "C304")}


def _findings(capsys: pytest.CaptureFixture[str], *options: str) -> tuple[int, set[tuple[str, int, str]]]:
    code = run(["check", str(E2E), "--select", "C,W", "--format", "json", *options])
    data = json.loads(capsys.readouterr().out)
    found = set()
    for finding in data["findings"]:
        path = Path(finding["path"]).resolve().relative_to(E2E.resolve()).as_posix()
        found.add((path, finding["line"], finding["code"]))
    return code, found


def test_every_classic_defect_is_reported_on_its_line(capsys: pytest.CaptureFixture[str]) -> None:
    code, found = _findings(capsys)
    assert found == EXPECTED
    assert code == 1


def test_static_findings_without_execution(capsys: pytest.CaptureFixture[str]) -> None:
    code, found = _findings(capsys, "--no-exec")
    assert found == EXPECTED - RUNTIME
    assert code == 1


def test_the_linter_process_never_imports_torch() -> None:
    script = (
        "import sys\n"
        "from curriculum_cli.api import check\n"
        f"report = check([{str(E2E)!r}])\n"
        "assert any(f.code == 'C301' for f in report.findings), report.findings\n"
        "assert 'torch' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", script], check=True, timeout=300)


def test_missing_packages_assumed_present_are_not_lesson_defects(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import shutil

    root = tmp_path / "course"
    shutil.copytree(E2E, root)
    content = root / CONTENT
    lines = content.read_text().count("\n")
    content.write_text(content.read_text() + "\n```python\nimport torhc\n```\n\n```python\nimport matplotlib.pyplot as plt\n```\n")
    # matplotlib is in the default exec.assumed_packages; a typo is not.
    code = run(["check", str(root), "--select", "C301,C305", "--format", "json"])
    data = json.loads(capsys.readouterr().out)
    found = {(f["line"], f["code"]) for f in data["findings"] if f["path"].endswith("autograd.md")}
    assert (lines + 3, "C301") in found  # import torhc: the student hits it too
    matplotlib_missing = (lines + 7, "C305") in found
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        assert matplotlib_missing
    else:
        assert not matplotlib_missing
    assert code == 1


def test_lessons_and_notebooks_outside_a_curriculum_get_the_code_rules(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import shutil

    lesson = tmp_path / "lesson.md"
    notebook = tmp_path / "practice.ipynb"
    shutil.copy(E2E / CONTENT, lesson)
    shutil.copy(E2E / NOTEBOOK, notebook)
    code = run(["check", str(lesson), str(notebook), "--format", "json"])
    data = json.loads(capsys.readouterr().out)
    found = {(Path(f["path"]).name, f["line"], f["code"]) for f in data["findings"]}
    # No records to check APIs against: C2xx and X rules are skipped, the rest runs.
    expected = {("lesson.md" if a == CONTENT else "practice.ipynb", line, c) for a, line, c in EXPECTED}
    assert found == {item for item in expected if not item[2].startswith("C2")}
    assert code == 1
