"""Shared test settings. Keep this minimal: subfolders add their own conftest."""

from __future__ import annotations

from pathlib import Path

import pytest

TESTS = Path(__file__).parent
PLAN_FIXTURES = TESTS / "fixtures" / "plan"


@pytest.fixture
def plan_fixtures() -> Path:
    """Folder of planning-document fixtures (``NAME.md`` beside ``NAME.expected``)."""
    return PLAN_FIXTURES
