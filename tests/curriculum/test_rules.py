"""Cross-document rules on the fixture curricula: codes and lines, from markers in the fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest

from curriculum_cli import api
from curriculum_cli.model.record import claim_stems, concept_score, covered_by, material_stems
from curriculum_cli.rules.registry import all_rules

from .conftest import CLEAN, DEFECTS, expected_markers, findings, static_config

X_CODES = sorted(r.code for r in all_rules() if r.code.startswith("X"))


def test_defects_reported_on_their_lines() -> None:
    assert findings(DEFECTS) == expected_markers(DEFECTS)


def test_clean_fixture_has_no_findings() -> None:
    assert findings(CLEAN) == set()


@pytest.mark.parametrize("code", X_CODES)
def test_each_rule_finds_its_defect(code: str) -> None:
    wanted = {item for item in expected_markers(DEFECTS) if item[2] == code}
    assert wanted, f"the defects fixture has no marker for {code}"
    assert {item for item in findings(DEFECTS) if item[2] == code} == wanted


@pytest.mark.parametrize("code", X_CODES)
def test_rules_document_themselves(code: str) -> None:
    rule = next(r for r in all_rules() if r.code == code)
    assert rule.doc and rule.impact and rule.fix


def test_findings_carry_subjects() -> None:
    report = api.check([DEFECTS], static_config())
    assert all(f.subject for f in report.findings)


def test_did_you_mean_names_the_closest_row() -> None:
    report = api.check([DEFECTS], static_config(select=["X101"]))
    message = next(f.message for f in report.findings if "Mean square loss" in f.message)
    assert "Mean squared error (MSE)" in message


def test_external_sources_are_skipped(tmp_curriculum: Path) -> None:
    doc = tmp_curriculum / "series-1/module-1-1/lessons/beta.md"
    doc.write_text(doc.read_text().replace("| shape of a tensor | INTRODUCED | alpha (1.1.1) |", "| Arrays | DEVELOPED | Course prerequisite |"))
    assert findings(tmp_curriculum) == set()


def test_standalone_planning_doc_gets_no_cross_document_rules(tmp_path: Path) -> None:
    doc = tmp_path / "beta.md"
    doc.write_text((DEFECTS / "series-1/module-1-1/lessons/beta.md").read_text())
    report = api.check([doc], static_config())
    assert report.findings == []


@pytest.mark.parametrize(
    ("claim", "row"),
    [
        ("`Tensor creation`", "Tensor creation"),
        ("shape of a tensor", "Tensor shape"),
        ("Broadcasting rules", "Broadcasting rule"),
        ("MSE", "Mean squared error (MSE)"),
        ("Automatic differentiation (mechanism)", "Automatic differentiation"),
        ("Chain rule", "Chain rule for composed functions"),
        # a plural on one side only ("tables" / "Table")
        ("Table joins", "Joining two tables by a key"),
    ],
)
def test_concept_names_match_tolerantly(claim: str, row: str) -> None:
    assert concept_score(claim, row) >= 85


@pytest.mark.parametrize(
    ("claim", "row"),
    [("Mean square loss", "Mean squared error"), ("Tensor shape", "Tensor dtype"), ("Table joins", "Joining two rows by a key")],
)
def test_different_concepts_do_not_match(claim: str, row: str) -> None:
    assert concept_score(claim, row) < 85


@pytest.mark.parametrize(
    ("phase1", "prereq", "expected"),
    [
        # The cell says what the student has now, then what this lesson raises it to.
        ("INTRODUCED -> DEVELOPED", "INTRODUCED → APPLIED", set()),
        ("MISSING -> INTRODUCED", "INTRODUCED", set()),
        # Near miss: the starting depth itself is above the record.
        ("DEVELOPED -> APPLIED", "INTRODUCED", {14}),
        ("INTRODUCED", "DEVELOPED → APPLIED", {26}),
    ],
)
def test_depth_raise_claims_its_starting_depth(tmp_curriculum: Path, phase1: str, prereq: str, expected: set[int]) -> None:
    doc = tmp_curriculum / "series-1/module-1-1/lessons/beta.md"
    text = doc.read_text().replace(
        "| shape of a tensor | INTRODUCED | alpha (1.1.1) |", f"| shape of a tensor | {phase1} | alpha (1.1.1) |"
    ).replace("| Tensor shape | INTRODUCED | INTRODUCED | alpha (1.1) |", f"| Tensor shape | INTRODUCED | {prereq} | alpha (1.1) |")
    doc.write_text(text)
    found = findings(tmp_curriculum, select=["X102"])
    assert {line for _, line, _ in found} == expected


@pytest.mark.parametrize(
    ("claim", "reported"),
    [
        # A paraphrase clearly closest to one row of the cited lesson's record names that row.
        ("Creating tensors from scratch", False),
        # Near misses: a concept the record lacks entirely, and a paraphrase two rows fit equally.
        ("Gradient clipping", True),
        ("Tensor attributes", True),
    ],
)
def test_clear_paraphrase_names_its_row(tmp_curriculum: Path, claim: str, reported: bool) -> None:
    doc = tmp_curriculum / "series-1/module-1-1/lessons/beta.md"
    doc.write_text(doc.read_text().replace("| shape of a tensor | INTRODUCED | alpha (1.1.1) |", f"| {claim} | INTRODUCED | alpha (1.1.1) |"))
    assert bool(findings(tmp_curriculum, select=["X101"])) is reported


@pytest.mark.parametrize(
    ("claim", "depth", "reported"),
    [
        # A loose paraphrase that also fits a DEVELOPED row of the cited lesson is held to that row.
        ("Text into integer ids", "DEVELOPED", False),
        # Near misses: deeper than every row it could mean, and an exact name checked strictly.
        ("Text into integer ids", "APPLIED", True),
        ("Integer ids in a tensor", "DEVELOPED", True),
    ],
)
def test_paraphrase_depth_is_judged_against_the_deepest_plausible_row(
    tmp_curriculum: Path, claim: str, depth: str, reported: bool
) -> None:
    record = tmp_curriculum / "series-1/module-1-1/record.md"
    record.write_text(record.read_text().replace(
        "| Tensor shape | INTRODUCED | alpha | `.shape` |\n",
        "| Tensor shape | INTRODUCED | alpha | `.shape` |\n"
        "| Splitting text on spaces | DEVELOPED | alpha | `str.split()` |\n"
        "| Integer ids in a tensor | INTRODUCED | alpha | `torch.tensor(ids)` |\n",
    ))
    doc = tmp_curriculum / "series-1/module-1-1/lessons/beta.md"
    doc.write_text(doc.read_text().replace("| shape of a tensor | INTRODUCED | alpha (1.1.1) |", f"| {claim} | {depth} | alpha (1.1.1) |"))
    assert not findings(tmp_curriculum, select=["X101"])
    assert bool(findings(tmp_curriculum, select=["X102"])) is reported


@pytest.mark.parametrize(
    ("claim", "stems"),
    [
        ("`df.groupby(\"region\")` totals", {"groupb", "total"}),
        ("Kneading basics", {"knead"}),
        ("Proofing vs baking distinction", {"proof", "baking"}),
        ("np.linalg.norm(v, ord=2)", {"norm"}),
    ],
)
def test_claim_stems_keep_only_content_words(claim: str, stems: set[str]) -> None:
    assert claim_stems(claim) == stems


@pytest.mark.parametrize(
    ("claim", "covered"),
    [
        ("Proof time and oven heat", True),  # every word is in the material
        ("Proofing vs baking distinction", True),  # "proof" begins "proofing", framing word ignored
        ("Rye flour hydration levels", True),  # four words, one ("rye") missing
        ("Rye sourdough", False),  # two words, one missing
        ("Scoring", False),  # one plain word found only in code (`scoring()`)
        ("scoring()", True),  # the same word as an API
    ],
)
def test_claim_covered_by_lesson_material(claim: str, covered: bool) -> None:
    material = material_stems([
        "Proofing dough | the oven heat decides the proof time", "flour and hydration levels; `scoring()`",
        "Baking a loaf",
    ])
    assert covered_by(claim, material) is covered
