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
