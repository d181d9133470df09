"""Run rules on a target and turn their issues into findings."""

from __future__ import annotations

import traceback
from collections.abc import Iterable
from typing import Any

from curriculum_cli.config import Config
from curriculum_cli.findings import Finding
from curriculum_cli.rules.base import Rule, RuleKind


class RuleCrash(Exception):
    """A rule raised: a bug in the tool, reported as a tool error."""


def selected(rules: Iterable[Rule], config: Config, kind: RuleKind) -> list[Rule]:
    return [r for r in rules if r.kind == kind and config.enabled(r.code)]


def run_rules(rules: Iterable[Rule], target: Any, path: str, config: Config) -> list[Finding]:
    """Apply ``rules`` to ``target``; issues without a path get ``path``."""
    findings: list[Finding] = []
    for rule in rules:
        try:
            for issue in rule(target):
                severity = issue.severity or config.severity.get(rule.code, rule.severity)
                findings.append(
                    Finding(
                        path=issue.path or path,
                        line=issue.line,
                        column=issue.column,
                        code=rule.code,
                        severity=severity,
                        message=issue.message,
                        fix=issue.fix or rule.fix or None,
                        impact=rule.impact or None,
                        subject=issue.subject,
                        detail=issue.detail,
                        edits=issue.edits,
                    )
                )
        except Exception as error:  # noqa: BLE001 - a rule bug must not lose the run
            where = traceback.extract_tb(error.__traceback__)[-1]
            raise RuleCrash(
                f"internal error in rule {rule.code} on {path}: {type(error).__name__}: {error} "
                f"({where.filename}:{where.lineno}); please report it"
            ) from error
    return findings
