"""Shared helpers: the fixture curricula and their ``<!-- expect: CODE -->`` markers."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from curriculum_cli import api
from curriculum_cli.config import Config, ExecConfig

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "curriculum"
CLEAN = FIXTURES / "clean"
DEFECTS = FIXTURES / "defects"
#: The clean curriculum written in every planning-side census form.
CENSUS = Path(__file__).resolve().parent.parent / "fixtures" / "census-docs"
_EXPECT = re.compile(r"<!-- expect: ([A-Z0-9, ]+) -->")


def static_config(**values: object) -> Config:
    values.setdefault("select", ["X"])
    return Config(exec=ExecConfig(enabled=False), **values)  # type: ignore[arg-type]


def expected_markers(root: Path) -> set[tuple[str, int | None, str]]:
    """(relative path, line, code) for every marker; notebook findings have no line."""
    out: set[tuple[str, int | None, str]] = set()
    for path in sorted(root.rglob("*")):
        if path.suffix not in (".md", ".ipynb"):
            continue
        for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for match in _EXPECT.finditer(text):
                for code in match.group(1).replace(" ", "").split(","):
                    line = None if path.suffix == ".ipynb" else number
                    out.add((path.relative_to(root).as_posix(), line, code))
    return out


def findings(root: Path, **config: object) -> set[tuple[str, int | None, str]]:
    report = api.check([root], static_config(**config))
    assert not report.errors, report.errors
    return {(Path(f.path).resolve().relative_to(root.resolve()).as_posix(), f.line, f.code) for f in report.findings}


@pytest.fixture
def tmp_curriculum(tmp_path: Path) -> Path:
    """A writable copy of the clean fixture curriculum."""
    target = tmp_path / "course"
    shutil.copytree(CLEAN, target)
    return target


def edit_once(root: Path, relative: str, old: str, new: str) -> int:
    """Replace ``old`` once in a fixture file; return the (1-based) line of the edit."""
    path = root / relative
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")
    return text[: text.index(old)].count("\n") + 1


@pytest.fixture
def census(tmp_path: Path) -> Path:
    """A writable copy of the census-docs curriculum."""
    target = tmp_path / "census"
    shutil.copytree(CENSUS, target)
    return target
