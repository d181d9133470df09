"""Every plan rule against its fixtures: (line, code) pairs must match exactly.

A fixture is ``tests/fixtures/plan/NAME.md`` with its verdict beside it in
``NAME.expected`` (``LINE CODE`` per line).
"""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest

from curriculum_cli import api
from curriculum_cli.config import Config, ExecConfig
from curriculum_cli.load.curriculum import find_root
from curriculum_cli.rules.registry import all_rules

FIXTURES = Path(__file__).parent.parent / "fixtures" / "plan"
CASES = sorted(p for p in FIXTURES.glob("*.md") if p.with_suffix(".expected").exists())
#: The planning-document rules (P1xx-P4xx); other families have their own suites.
PLAN_CODES = sorted(r.code for r in all_rules() if r.kind == "plan" and r.code.startswith("P"))

Pair = tuple[int, str]


def expected(case: Path) -> list[Pair]:
    pairs = []
    for raw in case.with_suffix(".expected").read_text(encoding="utf-8").splitlines():
        if raw.strip() and not raw.startswith("#"):
            line, code = raw.split()
            pairs.append((int(line), code))
    return sorted(pairs)


def findings(case: Path, **config: object) -> list[Pair]:
    report = api.check([case], Config(select=["P"], exec=ExecConfig(enabled=False), **config))
    assert report.errors == []
    return sorted((f.line or 0, f.code) for f in report.findings)


def test_fixtures_are_outside_any_curriculum() -> None:
    # Otherwise api.check would load a curriculum and add cross-document rules.
    assert find_root(FIXTURES) is None


def test_there_are_fixtures() -> None:
    assert len(CASES) >= 2 * len(PLAN_CODES)


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.stem)
def test_fixture(case: Path) -> None:
    assert findings(case) == expected(case)


def test_clean_document_has_no_findings() -> None:
    assert expected(FIXTURES / "clean.md") == []
    assert findings(FIXTURES / "clean.md") == []


def _near_miss(case: Path, code: str) -> bool:
    return case.stem.startswith(f"{code}-ok-")


def _positive_cases(code: str) -> list[Path]:
    return [c for c in CASES if c.stem.startswith(f"{code}-") and not _near_miss(c, code)]


@pytest.mark.parametrize("code", PLAN_CODES)
def test_each_rule_has_a_triggering_fixture(code: str) -> None:
    cases = _positive_cases(code)
    assert cases, f"no fixture tests/fixtures/plan/{code}-*.md"
    for case in cases:
        assert code in {c for _, c in expected(case)}, f"{case.name} does not expect {code}"


@pytest.mark.parametrize("code", PLAN_CODES)
def test_each_rule_has_a_clean_fixture(code: str) -> None:
    # clean.md is the shared negative case; CODE-ok-* fixtures are near misses.
    near_misses = [c for c in CASES if _near_miss(c, code)]
    for case in [FIXTURES / "clean.md", *near_misses]:
        assert code not in {c for _, c in expected(case)}, case.name


@pytest.mark.parametrize("code", PLAN_CODES)
def test_removing_the_rule_removes_its_findings(code: str) -> None:
    for case in _positive_cases(code):
        want = expected(case)
        without = [pair for pair in want if pair[1] != code]
        assert without != want
        assert findings(case, ignore=[code]) == without


def test_done_when_document() -> None:
    """4 new concepts, 2 misconceptions, 1 positive example, 2 modalities, an OK
    prerequisite below its required depth and checked claims the tables contradict."""
    case = FIXTURES / "done-when.md"
    lines = case.read_text(encoding="utf-8").splitlines()

    def at(text: str) -> int:
        hits = [n for n, line in enumerate(lines, 1) if text in line]
        assert len(hits) == 1, text
        return hits[0]

    want = sorted([
        (at("| Tensor shape | DEVELOPED | INTRODUCED |"), "P201"),  # OK but below required
        (at("| Misconception | Why"), "P203"),  # 2 misconceptions
        (at("| Example | Type |"), "P205"),  # 1 positive example
        (at("| Modality | What"), "P301"),  # 2 modalities
        (at("**New concepts in this lesson:** 4"), "P303"),  # load of 4
        (at("(3 identified)"), "P401"),  # the table has 2
        (at("(3 positive + 1 negative)"), "P401"),  # the table has 1 + 1
        (at("(4 planned)"), "P401"),  # the table has 2
        (at("Cognitive load <= 3"), "P402"),  # the list has 4
    ])
    assert want == [
        (42, "P201"), (49, "P203"), (56, "P205"), (69, "P301"), (76, "P303"),
        (125, "P401"), (126, "P401"), (127, "P401"), (128, "P402"),
    ]
    assert findings(case) == want == expected(case)


@pytest.mark.parametrize("case", [c for c in CASES if c.stem != "clean"], ids=lambda p: p.stem)
def test_fixture_is_a_small_edit_of_clean(case: Path) -> None:
    # Keeps each case readable as "clean.md plus this edit" (diff clean.md NAME.md).
    clean = (FIXTURES / "clean.md").read_text(encoding="utf-8").splitlines()
    lines = case.read_text(encoding="utf-8").splitlines()
    changed = [d for d in difflib.ndiff(clean, lines) if d[:1] in "+-"]
    assert 0 < len(changed) <= 24
