"""curriculum.yaml / [tool.curriculum] loading, error lines, merging, round-trip writes."""

from __future__ import annotations

from pathlib import Path

import pytest

from curriculum_cli import api
from curriculum_cli.config import Config
from curriculum_cli.errors import ConfigError
from curriculum_cli.findings import Severity
from curriculum_cli.load.config_file import load_config, merge, update_config_file


def test_defaults_without_a_file(tmp_path: Path) -> None:
    assert load_config(tmp_path) == Config()


def test_yaml_values_and_kebab_keys(tmp_path: Path) -> None:
    (tmp_path / "curriculum.yaml").write_text(
        "select: [X1]\nfail-on: critical\nseverity:\n  x501: polish\nlayout:\n  planning_docs: ['plans/*.md']\nstop_terms: [training loop]\n"
    )
    config = load_config(tmp_path)
    assert config.select == ["X1"] and config.fail_on is Severity.CRITICAL
    assert config.severity == {"X501": Severity.POLISH}
    assert config.layout.planning_docs == ["plans/*.md"] and config.layout.notebooks  # other globs keep defaults
    assert config.stop_terms == ["training loop"]


@pytest.mark.parametrize(
    ("text", "line", "key"),
    [
        ("# top\nselect: [X1]\nlayout:\n  notebooks: 3\n", 4, "layout.notebooks"),
        ("select: [X1]\nunknown_key: 1\n", 2, "unknown_key"),
        ("exec:\n  timeout: soon\n", 2, "exec.timeout"),
    ],
)
def test_errors_name_key_and_line(tmp_path: Path, text: str, line: int, key: str) -> None:
    (tmp_path / "curriculum.yaml").write_text(text)
    with pytest.raises(ConfigError) as error:
        load_config(tmp_path)
    assert str(error.value).startswith(f"curriculum.yaml:{line}: key '{key}'")


def test_yaml_syntax_error_has_a_line(tmp_path: Path) -> None:
    (tmp_path / "curriculum.yaml").write_text("select: [X1\nignore: []\n")
    with pytest.raises(ConfigError, match=r"curriculum\.yaml:\d+: invalid YAML"):
        load_config(tmp_path)


def test_pyproject_section(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.curriculum]\nignore = ["X5"]\n')
    assert load_config(tmp_path).ignore == ["X5"]


def test_merge_overrides_file_values() -> None:
    base = Config(select=["X1"], stop_terms=["a b"])
    merged = merge(base, {"select": ["X2"], "ignore": None, "exec": {"enabled": False}})
    assert merged.select == ["X2"] and merged.stop_terms == ["a b"] and merged.exec.enabled is False
    with pytest.raises(ConfigError, match="option 'fail_on'"):
        merge(base, {"fail_on": "never"})


def test_update_keeps_comments_and_order(tmp_path: Path) -> None:
    path = tmp_path / "curriculum.yaml"
    path.write_text("# rules\nselect: [X1]  # cross-document only\nignore: []\n")
    update_config_file(tmp_path, {"ignore": ["X501"]})
    text = path.read_text()
    assert text.startswith("# rules\nselect: [X1]  # cross-document only\n") and "X501" in text


def test_check_uses_the_roots_file_config(tmp_path: Path) -> None:
    import shutil

    from .conftest import DEFECTS

    root = tmp_path / "c"
    shutil.copytree(DEFECTS, root)
    (root / "curriculum.yaml").write_text("select: [X403]\nexec:\n  enabled: false\n")
    codes = {f.code for f in api.check([root]).findings}
    assert codes == {"X403"}
    codes = {f.code for f in api.check([root], overrides={"select": ["X401"]}).findings}
    assert codes == {"X401"}


ALIAS_BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8)
) + "stop_terms: *i\n"


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        (ALIAS_BOMB, 2, "aliases"),
        ("stop_terms: &t [a]\nallowlist: *t\n", 2, "aliases"),
        ("".join("  " * i + f"k{i}:\n" for i in range(40)) + "  " * 40 + "v\n", 33, "deeper than 32"),
        ("order: " + "[" * 5000 + "]" * 5000 + "\n", 1, "deeper than 32"),
    ],
)
def test_aliases_and_deep_nesting_are_refused(tmp_path: Path, text: str, line: int, reason: str) -> None:
    (tmp_path / "curriculum.yaml").write_text(text)
    with pytest.raises(ConfigError, match=reason) as error:
        load_config(tmp_path)
    assert str(error.value).startswith(f"curriculum.yaml:{line}: ")


def test_nesting_within_the_limit_and_anchors_in_comments_are_fine(tmp_path: Path) -> None:
    (tmp_path / "curriculum.yaml").write_text("# &a *a\nstop_terms: ['*not an alias*', '&x']\nseverity: {X501: polish}\n")
    config = load_config(tmp_path)
    assert config.stop_terms == ["*not an alias*", "&x"]


def test_deep_toml_is_refused(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.curriculum]\norder = " + "[" * 2000 + "]" * 2000 + "\n")
    with pytest.raises(ConfigError, match="deeper than 32"):
        load_config(tmp_path)


def test_a_config_that_is_not_a_regular_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "curriculum.yaml").symlink_to("/dev/zero")
    (tmp_path / "course.md").write_text("# Course\n")
    with pytest.raises(ConfigError, match="not a regular file"):
        load_config(tmp_path.resolve())


def test_cli_reports_an_alias_bomb_as_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from curriculum_cli.cli import run

    (tmp_path / "curriculum.yaml").write_text(ALIAS_BOMB)
    (tmp_path / "course.md").write_text("# Course\n")
    assert run(["check", "--no-exec", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("curriculum: error: curriculum.yaml:2: YAML aliases") and "Traceback" not in err


@pytest.mark.parametrize("glob", ["", ".", "/etc/*.md", "../other/*.md", "series-*/../*", "a**b/*.md"])
def test_layout_globs_must_be_relative_patterns(glob: str, tmp_path: Path) -> None:
    (tmp_path / "curriculum.yaml").write_text(f"layout:\n  planning_docs: ['{glob}']\n")
    with pytest.raises(ConfigError, match=r"curriculum\.yaml:2: key 'layout.planning_docs"):
        load_config(tmp_path)


def test_layout_glob_near_miss(tmp_path: Path) -> None:
    (tmp_path / "curriculum.yaml").write_text("layout:\n  planning_docs: ['plans/**/*.md', './docs/*.md']\n")
    assert load_config(tmp_path).layout.planning_docs == ["plans/**/*.md", "./docs/*.md"]
