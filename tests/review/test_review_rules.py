"""R-rules on reviews already written: each fixture states the (code, line) pairs it must produce.

The first line of a fixture is ``<!-- expect: R103:6, R104:11 -->``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from curriculum_cli.api import check
from curriculum_cli.config import Config

FIXTURES = Path(__file__).parent.parent / "fixtures" / "review" / "rules"
CASES = sorted(FIXTURES.glob("*.md"))


def expected(path: Path) -> list[tuple[str, int]]:
    header = path.read_text(encoding="utf-8").splitlines()[0]
    match = re.match(r"<!--\s*expect:(.*)-->", header)
    assert match, f"{path.name}: first line must be <!-- expect: CODE:LINE, ... -->"
    pairs = [item.strip().split(":") for item in match.group(1).split(",") if item.strip()]
    return sorted((code, int(line)) for code, line in pairs)


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_review_rules(path: Path) -> None:
    report = check([path], Config(select=["R"]))
    assert report.errors == []
    assert sorted((f.code, f.line) for f in report.findings) == expected(path)


def test_reference_like_doc_reports_only_the_all_addressed_contradiction() -> None:
    report = check([FIXTURES / "reference_like.md"], Config(select=["R"]))
    [finding] = report.findings
    assert finding.code == "R106"
    assert "row 4" in finding.message


def test_review_rules_have_docs_impact_and_fix() -> None:
    from curriculum_cli.rules import review

    rules = [v for v in vars(review).values() if getattr(v, "code", "").startswith("R")]
    assert len(rules) == 7
    for rule in rules:
        assert rule.doc and rule.impact and rule.fix and rule.kind == "plan"
