"""Rules about inline suppressions (``curriculum: ignore[CODE]``).

Their findings are produced where suppressions are applied
(:mod:`curriculum_cli.suppress`), after every other rule has run: whether a
suppression is used is only known then.  The rule values here carry the
code, severity and documentation.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from curriculum_cli.findings import Issue, Severity
from curriculum_cli.rules.base import rule


@rule(
    "S101", "unused-suppression", Severity.POLISH, "curriculum",
    impact="None for the student; a stale suppression would hide the next real defect on that line.",
    fix="Remove the code from the suppression (or the whole comment).",
)
def unused_suppression(_: Any) -> Iterator[Issue]:
    """A suppression (``<!-- curriculum: ignore[CODE] -->``, ``# curriculum: ignore[CODE]``,
    a ``curriculum-ignore-CODE`` cell tag) suppresses nothing.

    Not reported for codes this run could not have found: codes switched off
    by ``select``/``ignore``, and execution codes (C30x) under ``--no-exec``.
    """
    return iter(())


@rule(
    "S102", "unknown-suppression-code", Severity.IMPROVEMENT, "curriculum",
    impact="None for the student; the suppression meant for a real finding does not work.",
    fix="Use a real rule code or prefix (`curriculum rules` lists them).",
)
def unknown_suppression_code(_: Any) -> Iterator[Issue]:
    """A suppression names a code that is neither a rule code nor a prefix of one.

    The message names the closest real code (``ignore[C1O2]``: closest ``C102``).
    """
    return iter(())
