"""Depth cells and lesson types are read leniently (FORMAT.md section 2)."""

from __future__ import annotations

import pytest

from curriculum_cli.model.depth import Depth, LessonType, parse_depth, parse_type

M, I, D, A = Depth.MENTIONED, Depth.INTRODUCED, Depth.DEVELOPED, Depth.APPLIED


def test_scale_is_ordered() -> None:
    assert M < I < D < A


@pytest.mark.parametrize(
    ("text", "depth", "raised_from"),
    [
        ("MENTIONED", M, None),
        ("INTRODUCED", I, None),
        ("DEVELOPED", D, None),
        ("APPLIED", A, None),
        # case
        ("developed", D, None),
        ("Applied", A, None),
        # qualifiers and markup
        ("DEVELOPED (from 1.3)", D, None),
        ("DEVELOPED (assumed)", D, None),
        ("**INTRODUCED**", I, None),
        ("  `mentioned`  ", M, None),
        # raises
        ("INTRODUCED -> DEVELOPED", D, I),
        ("INTRODUCED → DEVELOPED", D, I),
        ("mentioned->applied", A, M),
        ("INTRODUCED -> DEVELOPED (this lesson)", D, I),
        # non-depth words
        ("MISSING", None, None),
        ("--", None, None),
        ("—", None, None),
        ("N/A", None, None),
        ("", None, None),
        ("SOLID", None, None),
    ],
)
def test_parse_depth(text: str, depth: Depth | None, raised_from: Depth | None) -> None:
    value = parse_depth(text)
    assert (value.depth, value.raised_from) == (depth, raised_from)
    assert value.ok is (depth is not None)
    assert value.raw == text.strip()


def test_raise_to_a_non_depth_word_keeps_the_first_depth() -> None:
    # "DEVELOPED -> ?" cannot be read as a raise; the depth written is kept.
    assert parse_depth("DEVELOPED -> ?").depth == D


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("STRETCH", LessonType.STRETCH),
        ("build", LessonType.BUILD),
        ("Consolidate", LessonType.CONSOLIDATE),
        ("PROJECT", LessonType.PROJECT),
        ("BUILD (tensors, familiar territory)", LessonType.BUILD),
        ("**STRETCH**", LessonType.STRETCH),
        ("EASY", None),
        ("", None),
    ],
)
def test_parse_type(text: str, kind: LessonType | None) -> None:
    assert parse_type(text) is kind


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("DEVELOPED (assumed)", "assumed"),
        ("assumed (ops background)", "assumed"),
        ("Assumed", "assumed"),
        ("DEVELOPED (from 1.3)", None),
        ("DEVELOPED (see the background box)", None),
    ],
)
def test_assumed_levels_are_marked(text: str, kind: str | None) -> None:
    assert parse_depth(text).kind == kind
