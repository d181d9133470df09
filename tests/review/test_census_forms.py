"""Reviews written in every form a real course uses are read, and pass every R rule.

The fixtures under ``fixtures/review/census`` are reviews in the project's own
words using each form counted on a real 102-lesson course: review headings
with ``—``/``--``, without an iteration, ``FINAL``, a labelled rework that
restarts the numbering; every fix-verification heading, bold label and table
header; lists, bold paragraphs and single sentences; every status word;
finding headings with and without brackets or with ``Finding #N``.  They are
the near misses of R101-R107: each form once gave a false finding.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from curriculum_cli.api import check
from curriculum_cli.config import Config
from curriculum_cli.load.curriculum import load_plan
from curriculum_cli.model.plan import Review

CENSUS = sorted((Path(__file__).parent.parent / "fixtures" / "review" / "census").glob("*.md"))


def _reviews() -> list[Review]:
    return [review for path in CENSUS for review in load_plan(path, str(path)).plan.reviews]


@pytest.mark.parametrize("path", CENSUS, ids=[p.stem for p in CENSUS])
def test_census_forms_give_no_review_findings(path: Path) -> None:
    report = check([path], Config(select=["R"]))
    assert report.errors == []
    assert [(f.code, f.line, f.message) for f in report.findings] == []


def test_every_fix_verification_form_is_read() -> None:
    reviews = _reviews()
    aliases = {r.fix_alias for r in reviews if r.fix_alias}
    assert aliases >= {
        "iteration n fix verification", "iteration n resolution check", "verification of iteration n fixes",
        "iteration n fixes verified", "iteration n findings verification", "iteration n findings resolution check",
        "iteration n fix status", "iteration n fixes verification", "iteration n resolution status",
        "iteration n findings verification of fixes", "verification of iteration n fix",
        "what improved since iteration n",
    }
    assert {r.fix_form for r in reviews if r.fix_form} == {"table", "list", "paragraphs"}
    # a review after iteration 1 of its cycle always verifies something, by rows or a sentence
    for review in reviews:
        if review.iteration and review.iteration > 1:
            assert review.fix_rows or review.fix_text, review.title


def test_every_status_word_is_read() -> None:
    rows = [row for review in _reviews() for row in review.fix_rows]
    assert all(row.status for row in rows), [row.status_raw for row in rows if not row.status]
    assert {row.status for row in rows} == {
        "FIXED", "NOT FIXED", "PARTIALLY FIXED", "ACCEPTED", "NON-ISSUE", "RETRACTED",
    }
    assert {row.status_word for row in rows} >= {
        "fixed", "resolved", "not fixed", "not addressed", "partially", "accepted", "non-issue", "retracted", "✅",
    }


def test_headings_verdicts_and_findings_are_read() -> None:
    reviews = _reviews()
    assert any(r.iteration is None for r in reviews)
    assert {r.label for r in reviews if r.label} == {"Post-Depth-Rework", "After Restructure"}
    assert any("FINAL" in r.title for r in reviews)
    assert {r.verdict_raw for r in reviews} >= {
        "NEEDS REVISION", "PASS", "MAJOR REVISION", "PASS (with polish notes)", "NEEDS REVISION → REVISED",
        "PASS with notes", "PASS with polish notes",
    }
    forms = {f.heading_form for r in reviews for f in r.findings}
    assert forms == {"[SEVERITY] — title", "SEVERITY — title", "Finding #N [SEVERITY] — title"}
    retracted = [f for r in reviews for f in r.findings if f.retracted]
    assert {"RETRACTED" in f.severity_raw for f in retracted} == {True, False}
    assert all(f.severity for r in reviews for f in r.findings)


def test_fix_logs_and_improvement_summaries_are_not_reviews() -> None:
    for path in CENSUS:
        text = path.read_text(encoding="utf-8")
        reviews = load_plan(path, str(path)).plan.reviews
        assert len(reviews) == text.count("\n## Review ")


def test_parse_names_the_review_forms_it_matched() -> None:
    from typer.testing import CliRunner

    from curriculum_cli.cli import app

    path = next(p for p in CENSUS if "dtype" in p.name)
    result = CliRunner().invoke(app, ["parse", str(path)])
    assert result.exit_code == 0, result.output
    assert "fix verification as 'iteration n findings resolution check': list, 3 row(s)" in result.output
    assert "PARTIALLY FIXED ('partially')" in result.output
    assert "label 'Post-Depth-Rework'" in result.output
    assert "'Finding #N [SEVERITY] — title'" in result.output



def test_census_reviews_in_a_clean_curriculum_give_no_findings_from_any_rule(tmp_path: Path) -> None:
    """Every rule, not only R: the census reviews appended to the clean census curriculum."""
    import shutil

    from curriculum_cli.config import ExecConfig

    no_exec = Config(exec=ExecConfig(enabled=False))
    root = tmp_path / "course"
    shutil.copytree(Path(__file__).parent.parent / "fixtures" / "census-docs", root)
    assert check([root], no_exec).findings == []
    docs = sorted(root.rglob("lessons/*.md"))
    for doc, source in zip(docs, CENSUS * len(docs), strict=False):
        text = source.read_text(encoding="utf-8")
        reviews = text[text.index("\n## Review"):]
        doc.write_text(doc.read_text(encoding="utf-8").rstrip("\n") + "\n\n---\n" + reviews, encoding="utf-8")
    report = check([root], no_exec)
    assert report.errors == []
    assert [(f.path, f.line, f.code, f.message) for f in report.findings] == []
    assert sum(len(load_plan(doc, str(doc)).plan.reviews) for doc in docs) >= 30
