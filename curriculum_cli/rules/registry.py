"""Every rule, collected from an explicit list of rule modules (no import-order magic)."""

from __future__ import annotations

from functools import lru_cache
from importlib import import_module

from curriculum_cli.rules.base import Rule

#: Rule modules, in documentation order. Add a module here to add its rules.
RULE_MODULES: tuple[str, ...] = (
    "curriculum_cli.rules.plan_structure",
    "curriculum_cli.rules.plan_analysis",
    "curriculum_cli.rules.plan_design",
    "curriculum_cli.rules.plan_checklist",
    "curriculum_cli.rules.code",
    "curriculum_cli.rules.writing",
    "curriculum_cli.rules.review",
    "curriculum_cli.rules.curriculum",
    "curriculum_cli.rules.suppression",
)


@lru_cache(maxsize=1)
def all_rules() -> tuple[Rule, ...]:
    rules: dict[str, Rule] = {}
    for name in RULE_MODULES:
        module = import_module(name)
        for value in vars(module).values():
            if isinstance(value, Rule):
                if value.code in rules and rules[value.code] is not value:
                    raise RuntimeError(f"duplicate rule code {value.code}")
                rules[value.code] = value
    return tuple(sorted(rules.values(), key=lambda r: r.code))


def get_rule(code: str) -> Rule | None:
    wanted = code.strip().upper()
    return next((r for r in all_rules() if r.code == wanted or r.name == code.strip().lower()), None)
