"""``curriculum init``: scaffolding that the checker accepts, and that never overwrites."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from curriculum_cli.cli import run

LESSONS = Path(__file__).resolve().parent.parent / "lessons"
MODULE = "series-1/module-1-2"

Capture = pytest.CaptureFixture[str]


def check_json(capsys: Capture, *args: str) -> tuple[int, dict[str, object], str]:
    code = run(["check", "--no-exec", "--format", "json", *args])
    out, err = capsys.readouterr()
    return code, json.loads(out) if out else {}, err


# ------------------------------------------------------------------ init curriculum


def test_fresh_curriculum_checks_clean(capsys: Capture, tmp_path: Path) -> None:
    root = tmp_path / "course"
    assert run(["init", "curriculum", str(root)]) == 0
    out, err = capsys.readouterr()
    assert err == "" and out.count("wrote ") == 6
    names = sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())
    assert names == [
        "course.md", "curriculum.yaml", "series-1/module-1-1/lessons/list-indexing.md",
        "series-1/module-1-1/plan.md", "series-1/module-1-1/record.md", "series-1/plan.md",
    ]
    code, data, err = check_json(capsys, str(root))
    assert (code, data["findings"], err) == (0, [], "")
    assert data["summary"]["checked"]["lessons"] == 1  # type: ignore[index]


def test_init_curriculum_refuses_an_existing_curriculum(capsys: Capture, tmp_path: Path) -> None:
    (tmp_path / "course.md").write_text("# mine\n", encoding="utf-8")
    assert run(["init", "curriculum", str(tmp_path)]) == 2
    out, err = capsys.readouterr()
    assert out == "" and "course.md" in err and "already exists" in err
    assert (tmp_path / "course.md").read_text(encoding="utf-8") == "# mine\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["course.md"]


def test_init_curriculum_refuses_to_overwrite_any_file(capsys: Capture, tmp_path: Path) -> None:
    plan = tmp_path / "series-1" / "plan.md"
    plan.parent.mkdir()
    plan.write_text("keep\n", encoding="utf-8")
    assert run(["init", "curriculum", str(tmp_path)]) == 2
    assert plan.read_text(encoding="utf-8") == "keep\n"
    assert not (tmp_path / "course.md").exists()  # nothing written at all
    capsys.readouterr()


# ------------------------------------------------------------------ init lesson


@pytest.fixture
def course(tmp_path: Path) -> Path:
    """The bundled curriculum without the planning doc of its last lesson."""
    root = tmp_path / "lessons"
    shutil.copytree(LESSONS, root)
    (root / MODULE / "lessons" / "gradient-descent.md").unlink()
    return root


def test_init_lesson_fills_header_and_phase_1_from_plan_and_records(capsys: Capture, course: Path) -> None:
    assert run(["init", "lesson", "gradient-descent", "--module", "1.2", "--root", str(course)]) == 0
    path = course / MODULE / "lessons" / "gradient-descent.md"
    assert capsys.readouterr().out == f"wrote {path}\n"
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# Lesson: gradient-descent (Module 1.2, Lesson 3)\n\n**Type:** CONSOLIDATE\n")
    assert "**Previous lesson:** autograd-basics (STRETCH)\n**Next lesson:** none\n" in text
    rows = re.findall(r"^\| ([^|]+?) \| (\w+) \| ([\w-]+ \(\d\.\d\)) \|", text, re.MULTILINE)
    concepts = {name: (depth, source) for name, depth, source in rows}
    # Deepest recorded depth wins: DEVELOPED in autograd-basics; the record has no later row before this lesson.
    assert concepts["Computing gradients with backward"] == ("DEVELOPED", "autograd-basics (1.2)")
    assert concepts["Creating tensors from Python lists"] == ("DEVELOPED", "tensor-basics (1.1)")
    assert "Learning rate" not in concepts  # taught by this lesson, not before it
    for part in ("### Prerequisites Table", "### Misconceptions Table", "### Examples Planned", "### Modalities Planned",
                 "### Cognitive Load Assessment", "### Scope Boundaries", "### Lesson Outline", "## Checklists"):
        assert part in text


def test_skeleton_findings_are_the_authors_to_do_list(capsys: Capture, course: Path) -> None:
    run(["init", "lesson", "gradient-descent", "--module", "1.2", "--root", str(course)])
    capsys.readouterr()
    _, data, err = check_json(capsys, str(course / MODULE / "lessons" / "gradient-descent.md"))
    found = {f["code"] for f in data["findings"]}  # type: ignore[attr-defined]
    assert err == ""
    # No structural or tracing findings: every part is there and every Phase 1 row traces to its record.
    assert found == {"P203", "P205", "P301", "P306", "P403"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["autograd-basics", "--module", "1.2"], "already has a planning document"),
        (["no-such-lesson", "--module", "1.2"], "not in the Lesson Sequence"),
        (["gradient-descent", "--module", "7.1"], "module 7.1 has no module plan"),
    ],
)
def test_init_lesson_refusals(args: list[str], message: str, capsys: Capture, course: Path) -> None:
    before = {p: p.read_bytes() for p in course.rglob("*") if p.is_file()}
    assert run(["init", "lesson", *args, "--root", str(course)]) == 2
    out, err = capsys.readouterr()
    assert out == "" and message in err and err.startswith("curriculum: error: ")
    assert {p: p.read_bytes() for p in course.rglob("*") if p.is_file()} == before


def test_init_lesson_never_overwrites(capsys: Capture, course: Path) -> None:
    target = course / MODULE / "lessons" / "gradient-descent.md"
    assert run(["init", "lesson", "gradient-descent", "--module", "1.2", "--root", str(course)]) == 0
    target.write_text(target.read_text(encoding="utf-8") + "my notes\n", encoding="utf-8")
    assert run(["init", "lesson", "gradient-descent", "--module", "1.2", "--root", str(course)]) == 2
    assert target.read_text(encoding="utf-8").endswith("my notes\n")
    capsys.readouterr()


def test_init_lesson_outside_a_curriculum_exits_2(capsys: Capture, tmp_path: Path) -> None:
    assert run(["init", "lesson", "x", "--module", "1.1", "--root", str(tmp_path)]) == 2
    assert "no curriculum root" in capsys.readouterr().err
