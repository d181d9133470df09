"""Shared test settings. Keep this minimal: subfolders add their own conftest."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

TESTS = Path(__file__).parent
PLAN_FIXTURES = TESTS / "fixtures" / "plan"

#: Every test is independent of earlier runs; tests/test_cache.py turns the cache on explicitly.
os.environ["CURRICULUM_NO_CACHE"] = "1"


@pytest.fixture
def plan_fixtures() -> Path:
    """Folder of planning-document fixtures (``NAME.md`` beside ``NAME.expected``)."""
    return PLAN_FIXTURES
