"""The rule unit: a stable code, a default severity, a docstring, a function.

A rule never prints and never reads files: it receives a model and yields
:class:`~curriculum_cli.findings.Issue` values.  The engine
(:mod:`curriculum_cli.rules.engine`) turns them into findings.

Kinds of rule, by what they receive:

``plan``
    a :class:`~curriculum_cli.model.plan.PlanDocument` (one planning doc,
    parsed and modelled); called once per planning document.
``lesson``
    a lesson unit with its plan, its built artifacts, the curriculum around it
    and the configuration; called once per lesson.
``curriculum``
    the whole loaded curriculum; called once per run.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from curriculum_cli.findings import Issue, Severity

RuleKind = Literal["plan", "lesson", "curriculum"]
CheckFunction = Callable[[Any], Iterable[Issue]]


@dataclass(frozen=True)
class Rule:
    """One check. ``doc`` (the function's docstring) is its user documentation."""

    code: str
    name: str
    severity: Severity
    kind: RuleKind
    check: CheckFunction = field(repr=False, compare=False)
    #: Default "student impact" text for review reports.
    impact: str = ""
    #: Default suggested fix when an issue does not carry its own.
    fix: str = ""

    @property
    def doc(self) -> str:
        return inspect.cleandoc(self.check.__doc__ or "").strip()

    @property
    def summary(self) -> str:
        """The docstring's first paragraph, on one line."""
        return " ".join(self.doc.split("\n\n", 1)[0].split()) if self.doc else self.name

    def __call__(self, target: Any) -> Iterable[Issue]:
        return self.check(target)


def rule(
    code: str,
    name: str,
    severity: Severity,
    kind: RuleKind = "plan",
    *,
    impact: str = "",
    fix: str = "",
) -> Callable[[CheckFunction], Rule]:
    """Decorator turning a generator function into a :class:`Rule` value.

    Nothing is registered: the registry lists rule modules explicitly and
    collects the :class:`Rule` values they define.
    """

    def wrap(function: CheckFunction) -> Rule:
        return Rule(
            code=code,
            name=name,
            severity=severity,
            kind=kind,
            check=function,
            impact=impact,
            fix=fix,
        )

    return wrap
