"""Verdict rules of the iteration format (FORMAT.md section 5).

Any CRITICAL gives ``MAJOR REVISION``; else any IMPROVEMENT gives ``NEEDS
REVISION``; else ``PASS``.  At the last iteration a polish-only result passes
and its open items are carried as notes.  Before the last iteration a
reviewer may still ask for the polish items (``NEEDS REVISION``), so both
verdicts are consistent there.
"""

from __future__ import annotations

from dataclasses import dataclass

MAJOR_REVISION = "MAJOR REVISION"
NEEDS_REVISION = "NEEDS REVISION"
PASS = "PASS"


@dataclass(frozen=True, slots=True)
class Counts:
    critical: int = 0
    improvement: int = 0
    polish: int = 0

    @property
    def total(self) -> int:
        return self.critical + self.improvement + self.polish


def verdict_for(counts: Counts) -> str:
    """The verdict the counts call for."""
    if counts.critical:
        return MAJOR_REVISION
    if counts.improvement:
        return NEEDS_REVISION
    return PASS


def allowed_verdicts(counts: Counts, iteration: int | None, max_iterations: int | None) -> set[str]:
    """Every verdict consistent with ``counts`` at this iteration."""
    verdict = verdict_for(counts)
    last = iteration is not None and max_iterations is not None and iteration >= max_iterations
    if verdict == PASS and counts.polish and not last:
        return {PASS, NEEDS_REVISION}
    return {verdict}


def verdict_reason(counts: Counts, iteration: int, max_iterations: int) -> str:
    """One sentence saying why the verdict is what it is."""
    if counts.critical:
        return (
            f"{_plural(counts.critical, 'critical finding')} must be fixed before this lesson is usable."
        )
    if counts.improvement:
        return (
            f"No critical findings; {_plural(counts.improvement, 'improvement finding')} should be "
            "addressed before this lesson is finalized."
        )
    if counts.polish and iteration >= max_iterations:
        return (
            f"No critical or improvement findings; at the last iteration ({iteration}/{max_iterations}) "
            f"a polish-only result passes, with {_plural(counts.polish, 'open polish item')} "
            "carried as notes."
        )
    if counts.polish:
        return (
            f"No critical or improvement findings; {_plural(counts.polish, 'polish item')} "
            "can be fixed at the author's discretion."
        )
    return "No findings: every check that ran passed."


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"
