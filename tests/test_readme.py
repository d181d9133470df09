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


def test_every_check_format_is_documented() -> None:
    from curriculum_cli.cli.options import CheckFormat
    from curriculum_cli.report.render import FORMATS

    assert [f.value for f in CheckFormat] == list(FORMATS)
    for fmt in FORMATS:
        assert f"`{fmt}`" in README, fmt


def test_every_init_subcommand_is_documented() -> None:
    from curriculum_cli.cli.init import app as init_app

    names = {command.name for command in init_app.registered_commands}
    assert names == {"lesson", "curriculum"}
    for name in names:
        assert f"curriculum init {name}" in README, name


def test_exit_codes_are_documented() -> None:
    table = README.split("## Exit codes", 1)[1].split("\n## ", 1)[0]
    assert [int(code) for code in re.findall(r"^\| (\d) \|", table, re.MULTILINE)] == [0, 1, 2]
    for words in ("--exit-zero", "--fail-on critical", "unknown rule code"):
        assert words in table


def _yaml(text: str) -> object:
    from ruamel.yaml import YAML

    return YAML(typ="safe", pure=True).load(text)


def test_pre_commit_hook() -> None:
    hooks = _yaml((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert isinstance(hooks, list) and len(hooks) == 1
    hook = hooks[0]
    assert (hook["id"], hook["entry"], hook["language"], hook["pass_filenames"]) == (
        "curriculum-check", "curriculum check", "python", False,
    )
    files = re.compile(hook["files"])
    for name in ("lessons/a/b.md", "x.mdx", "src/Lesson.tsx", "nb/n.ipynb", "course/curriculum.yaml"):
        assert files.search(name), name
    for name in ("setup.py", "notes.txt", "other.yaml"):
        assert not files.search(name), name


def test_readme_workflow_uploads_the_sarif_the_check_writes(tmp_path: Path) -> None:
    import json

    from curriculum_cli.cli import run

    block = next(b for b in re.findall(r"```yaml\n(.*?)\n```", README, re.DOTALL) if "upload-sarif" in b)
    workflow = _yaml(block)
    assert isinstance(workflow, dict) and "pull_request" in str(workflow["on"])
    steps = workflow["jobs"]["check"]["steps"]
    command = next(step["run"] for step in steps if "--format sarif" in step.get("run", ""))
    upload = next(step for step in steps if "upload-sarif" in step.get("uses", ""))
    argv = command.split()
    output = argv[argv.index("--output") + 1]
    assert upload["with"]["sarif_file"] == output
    # The documented command, run statically on the bundled curriculum, writes valid SARIF.
    target = tmp_path / output
    argv[argv.index("--output") + 1] = str(target)
    argv[argv.index("lessons")] = str(ROOT / "lessons")
    assert run([*argv[1:], "--no-exec"]) == 0
    log = json.loads(target.read_text(encoding="utf-8"))
    assert log["version"] == "2.1.0" and log["runs"][0]["results"] == []
