"""benchmarks/fuzz.py runs, counts, and reproduces a case alone (a small smoke run; the real run is 10,000 cases)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

FUZZ = Path(__file__).resolve().parent.parent / "benchmarks" / "fuzz.py"


@pytest.fixture(scope="module")
def fuzz():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("curriculum_fuzz", FUZZ)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["curriculum_fuzz"] = module
    spec.loader.exec_module(module)
    return module


def test_cases_are_reproducible(fuzz) -> None:  # type: ignore[no-untyped-def]
    seeds = fuzz.seeds()
    assert {s.kind for s in seeds} >= {"planning-doc", "module-plan", "record", "notebook", "tsx-page", "config"}
    assert fuzz.make_case(7, 3, seeds).data == fuzz.make_case(7, 3, seeds).data


def test_a_short_run_finds_no_crash(fuzz, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    assert fuzz.main(["--cases", "25", "--seed", "5"]) == 0
    out = capsys.readouterr().out
    assert "cases: 25 (seed 5)" in out and "crashes: 0" in out and "lines that do not exist: 0" in out


def test_a_crash_is_counted(fuzz, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    def explode(*_: object, **__: object) -> None:
        raise KeyError("boom")

    monkeypatch.setattr(fuzz.api, "check", explode)
    assert fuzz.main(["--case", "1", "--seed", "5"]) == 1
    assert "crashes: 1 (1 distinct)" in capsys.readouterr().out
