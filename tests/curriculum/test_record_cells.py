"""Concept Index ``Lesson`` cells: one slug, several slugs, slugs with "and" inside."""

from __future__ import annotations

import pytest

from curriculum_cli.model.record import build_record
from curriculum_cli.parse.markdown import parse_markdown

RECORD = """# Module 1.1: Layers -- Record

## Concept Index

| Concept | Depth | Lesson | Notes |
|---------|-------|--------|-------|
| Hidden width | DEVELOPED | {cell} | wider layers |
"""


@pytest.mark.parametrize(
    ("cell", "slugs"),
    [
        ("layers-and-activations", ["layers-and-activations"]),
        ("search-and-replace, loops", ["search-and-replace", "loops"]),
        ("layers-and-activations and loops", ["layers-and-activations", "loops"]),
        ("slicing; joins & splits", ["slicing", "joins", "splits"]),
    ],
)
def test_lesson_cell_names_each_lesson_once(cell: str, slugs: list[str]) -> None:
    record = build_record(parse_markdown(RECORD.format(cell=cell), "record.md"))
    assert [row.slug for row in record.rows if row.concept == "Hidden width"] == slugs
