"""Shared test settings. Keep this minimal: subfolders add their own conftest."""

from __future__ import annotations

import os
from collections.abc import Callable
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


def _processes_with(marker: str) -> list[int]:
    """Pids of live processes whose command line contains ``marker``."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if marker.encode() in (entry / "cmdline").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


@pytest.fixture
def processes_with() -> Callable[[str], list[int]]:
    """Finds processes by a marker in their command line (left-behind lesson processes)."""
    return _processes_with
