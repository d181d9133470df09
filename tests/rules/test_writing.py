"""W101: spaced em dashes and ``--`` dashes in what the student sees."""

from __future__ import annotations

import pytest

from curriculum_cli.rules.writing import find_dashes


@pytest.mark.parametrize(
    "text",
    ["Gradients — the slopes — are stored", "word -- word", "word--word", "ends with a dash —"],
)
def test_dashes(text: str) -> None:
    assert find_dashes(text)


@pytest.mark.parametrize(
    "text",
    [
        "numbers—lots of them",
        "pass `--verbose` to see more",
        "pip install --upgrade torch",
        "<!-- a comment -->",
        "---",
        "|---|---|",
        "| — | x |",
        "x = a - b",
        '"--verbose"',
        "#----------",
        "i-- and --i",
        "see `a -- b` here",
    ],
)
def test_not_dashes(text: str) -> None:
    assert find_dashes(text) == []


def test_fix_is_unspaced() -> None:
    (dash,) = find_dashes("the slope — steep")
    assert dash.fixed == "the slope—steep"
