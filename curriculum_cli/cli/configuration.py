"""``curriculum config [PATH]``: the configuration a check of PATH would use, resolved."""

from __future__ import annotations

import enum
import io
import json
from pathlib import Path
from typing import Annotated

import typer
from ruamel.yaml import YAML

from curriculum_cli.cli.options import (
    ConfigOption,
    FailOnOption,
    IgnoreOption,
    NoExecOption,
    SelectOption,
    TimeoutOption,
    emit,
    fail,
    resolve_config,
)
from curriculum_cli.errors import CurriculumError


class ConfigFormat(str, enum.Enum):
    yaml = "yaml"
    json = "json"


def config_source(path: Path, config_file: Path | None) -> str:
    """Which file the configuration comes from (for the YAML header comment)."""
    from curriculum_cli.load.config_file import config_path
    from curriculum_cli.load.curriculum import find_root

    if config_file is not None:
        return str(config_file)
    root = find_root(path) if path.exists() else None
    if root is None:
        return "defaults (no curriculum root at or above the path)"
    found = config_path(root)
    if found is None and (root / "pyproject.toml").is_file():
        found = root / "pyproject.toml"
    return str(found) if found else f"defaults (no configuration file in {root})"


def config(
    path: Annotated[Path, typer.Argument(help="A curriculum root or any file or folder inside it.")] = Path("lessons"),
    output_format: Annotated[ConfigFormat, typer.Option("--format", "-f", help="Output format.")] = ConfigFormat.yaml,
    config_file: ConfigOption = None,
    select: SelectOption = None,
    ignore: IgnoreOption = None,
    fail_on: FailOnOption = None,
    no_exec: NoExecOption = False,
    timeout: TimeoutOption = None,
) -> None:
    """Print the resolved configuration: file values, defaults and command-line options together."""
    try:
        resolved = resolve_config(
            [path], config_file=config_file, select=select, ignore=ignore, fail_on=fail_on, no_exec=no_exec, timeout=timeout
        )
        source = config_source(path, config_file)
    except CurriculumError as error:
        raise fail(str(error)) from None
    data = resolved.model_dump(mode="json")
    if output_format is ConfigFormat.json:
        emit(json.dumps(data, indent=2) + "\n", None)
        return
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    yaml.representer.sort_base_mapping_type_on_output = False  # keep the Config field order
    buffer = io.StringIO()
    yaml.dump(data, buffer)
    emit(f"# configuration: {source}\n" + buffer.getvalue(), None)
