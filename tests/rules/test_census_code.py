"""The census-code fixture: every form a real course writes code in, clean when
executed; known defects planted in copies of it are each found, and nothing else.

``tests/fixtures/census-code`` is a one-lesson curriculum with a Markdown page
(continuing blocks, a label-only filename, labelled prints, a fragment,
pseudocode by caption and by filename, a ``.txt`` trace, placeholders, a
float32 claim, ``--`` in a comment, a complete block), a TSX page
(``<CodeBlock>`` template literals with escapes, text attributes, a JSX
comment, ``&mdash;``, a ``text`` block, a pseudocode file) and a Colab-style
notebook (nbformat 4.4 cells without ids, ``!pip install``, a line magic, a
``%%time`` cell, an exercise with a ``<details>`` solution).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from curriculum_cli import api

FIXTURE = Path(__file__).parent.parent / "fixtures" / "census-code"
MODULE = "series-1/module-1-1"
MD = f"{MODULE}/content/list-indexing.md"
TSX = f"{MODULE}/content/ListIndexingLesson.tsx"
NB = f"{MODULE}/notebooks/1-1-1-list-indexing.ipynb"

pytestmark = pytest.mark.skipif(shutil.which("true") is None, reason="needs a POSIX system")


def _check(root: Path, execute: bool = True) -> set[tuple[str, int | None, str]]:
    report = api.check([root], overrides={"exec": {"enabled": execute}})
    assert report.errors == []
    return {(Path(f.path).resolve().relative_to(root.resolve()).as_posix(), f.line, f.code) for f in report.findings}


def _plant(tmp_path: Path, edits: list[tuple[str, str, str]]) -> tuple[Path, dict[str, int]]:
    """A copy of the fixture with each ``(file, old, new)`` edit applied; the line of each ``new``."""
    root = tmp_path / "course"
    shutil.copytree(FIXTURE, root)
    for file, old, new in edits:
        path = root / file
        text = path.read_text(encoding="utf-8")
        assert text.count(old) == 1, old
        path.write_text(text.replace(old, new), encoding="utf-8")
    lines: dict[str, int] = {}
    for file, _, new in edits:
        text = (root / file).read_text(encoding="utf-8")
        lines[new] = text[: text.index(new)].count("\n") + 1
    return root, lines


def test_every_census_form_is_clean_with_execution() -> None:
    try:
        import torch  # noqa: F401
    except ImportError:
        pytest.skip("the fixture's torch blocks need torch")
    assert _check(FIXTURE) == set()


def test_every_census_form_is_clean_without_execution() -> None:
    assert _check(FIXTURE, execute=False) == set()


PLANTED_A = [
    (MD, 'sort_keys=True))  # {"first": 21.5}', 'sort_keys=True))  # {"first": 21.0}'),  # C304
    (MD, "import torch\n\n", "import torch\nimport torch.nn.functional as F\n\n"),  # C201
    (MD, "print(t.shape)  # torch.Size([5])", "(t * 2).sum().backward(retain_graph=True)\nprint(t.shape)  # torch.Size([5])"),  # C203
    (MD, "print(week[0], week[-1])  # 21.5 22.0", "print(temps[0], week[-1])  # 21.5 22.0"),  # C103
    (TSX, "zero&mdash;the", "zero &mdash; the"),  # W101
    (NB, "import numpy as np", "import nummpy as np"),  # C301: a near-typo module
]
PLANTED_B = [
    (MD, "print(temps[0] == first)  # True", "print(temps[0] == first))  # True"),  # C101
    (MD, 'json.dumps({"first": first}', 'json.dumps({"first": frist}'),  # C102: drifted from `first`
    (NB, "print(scores[1])  # 92", "print(scores[9])  # 92"),  # C301: IndexError
    (MD, "# count: 5", "# count: 6"),  # C304 on a claim written with its label
]


def test_planted_defects_are_each_found_and_nothing_else(tmp_path: Path) -> None:
    try:
        import torch  # noqa: F401
    except ImportError:
        pytest.skip("the fixture's torch blocks need torch")
    root, at = _plant(tmp_path / "a", PLANTED_A)
    assert _check(root) == {
        (MD, at[PLANTED_A[0][2]], "C304"),
        (MD, at[PLANTED_A[1][2]] + 1, "C201"),
        (MD, at[PLANTED_A[2][2]], "C203"),
        (MD, at[PLANTED_A[3][2]], "C103"),
        (TSX, at[PLANTED_A[4][2]], "W101"),
        (NB, at[PLANTED_A[5][2]], "C301"),
    }
    root, at = _plant(tmp_path / "b", PLANTED_B)
    assert _check(root) == {
        (MD, at[PLANTED_B[0][2]], "C101"),
        (MD, at[PLANTED_B[1][2]], "C102"),
        (NB, at[PLANTED_B[2][2]], "C301"),
        (MD, at[PLANTED_B[3][2]], "C304"),
    }


def test_a_keyword_the_planning_doc_explains_is_not_c203(tmp_path: Path) -> None:
    planted = (MD, "print(t.shape)  # torch.Size([5])", "(t * 2).sum().backward(retain_graph=True)\nprint(t.shape)  # torch.Size([5])")
    root, _ = _plant(tmp_path / "a", [planted])
    assert {code for _, _, code in _check(root, execute=False)} == {"C203"}
    doc = f"{MODULE}/lessons/list-indexing.md"
    root, _ = _plant(tmp_path / "b", [planted, (doc, "- slicing (a later module)", "- slicing (a later module)\n- keeping the graph with retain_graph (a later module)")])
    assert _check(root, execute=False) == set()
