"""Mutated review sections never make the reader or an R rule raise."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from curriculum_cli.model.build_plan import build_plan
from curriculum_cli.model.curriculum import PlanDocument
from curriculum_cli.parse.markdown import parse_markdown
from curriculum_cli.rules import review as review_rules

SEEDS = [p.read_text(encoding="utf-8") for p in sorted((Path(__file__).parent.parent / "fixtures" / "review").rglob("*.md"))]
FRAGMENTS = ["|", "—", "--", "[", "]", "**", "#", ":", "(", ")", "RETRACTED", "FIXED", "Iteration 1/3", "\n- ", "\n| a |"]
RULES = [value for value in vars(review_rules).values() if getattr(value, "code", "").startswith("R")]


@st.composite
def mutated(draw: st.DrawFn) -> str:
    lines = draw(st.sampled_from(SEEDS)).split("\n")
    for _ in range(draw(st.integers(1, 8))):
        index = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["drop", "copy", "cut", "splice"]))
        if action == "drop" and len(lines) > 1:
            del lines[index]
        elif action == "copy":
            lines.insert(draw(st.integers(0, len(lines))), lines[index])
        elif action == "cut":
            lines[index] = lines[index][: draw(st.integers(0, len(lines[index])))]
        else:
            at = draw(st.integers(0, len(lines[index])))
            lines[index] = lines[index][:at] + draw(st.sampled_from(FRAGMENTS)) + lines[index][at:]
    return "\n".join(lines)


@settings(max_examples=150, deadline=None)
@given(mutated())
def test_mutated_reviews_are_read_and_checked_without_raising(text: str) -> None:
    doc = parse_markdown(text, "x.md")
    target = PlanDocument(path="x.md", doc=doc, plan=build_plan(doc))
    for rule in RULES:
        for issue in rule(target):
            assert issue.line is None or 1 <= issue.line <= len(text.split("\n"))
