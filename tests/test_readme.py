"""The README stays true: every rule and command is documented, and CI runs its test command."""

from __future__ import annotations

import re
from pathlib import Path

from curriculum_cli.cli import app
from curriculum_cli.rules.registry import all_rules

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_rule_is_in_the_readme_table_with_its_severity() -> None:
    rows = dict(re.findall(r"^\| ([A-Z]\d{3}) \| [\w-]+ \| (\w+) \|", README, re.MULTILINE))
    assert rows == {rule.code: rule.severity.value for rule in all_rules()}


def test_every_command_is_documented() -> None:
    commands = {command.name for command in app.registered_commands}
    assert commands
    for name in commands:
        assert f"curriculum {name}" in README, name


def test_ci_runs_the_readme_commands() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    blocks = re.findall(r"```sh\n(.*?)\n```", README, re.DOTALL)
    install_test = next(b for b in blocks if "pytest" in b)
    assert install_test.strip() in ci
    assert ".venv/bin/curriculum check lessons" in ci
