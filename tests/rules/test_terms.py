"""X501 reads what the student sees: not JSX/HTML comments, emphasis capitals or units."""

from __future__ import annotations

from curriculum_cli.load.prose import strip_code
from curriculum_cli.rules.curriculum import term_candidates


def test_emphasis_capitals_and_units_are_not_terms() -> None:
    _, acronyms = term_candidates("Do NOT reuse a freed graph (MSE on 16 MB batches)")
    assert acronyms == ["MSE"]


def test_jsx_and_html_comments_are_not_prose() -> None:
    tsx = "<p>Shown text</p>\n{/* the MSE, explained later */}\n<p>More</p>\n"
    stripped = strip_code(tsx, tsx=True)
    assert "MSE" not in stripped and "Shown text" in stripped
    assert stripped.count("\n") == tsx.count("\n")
    assert "MSE" not in strip_code("Text <!-- MSE later --> here\n")
