"""``curriculum check``: lint planning docs, built lessons, notebooks and the curriculum."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from curriculum_cli import api
from curriculum_cli.cli.options import (
    ConfigOption,
    FailOnOption,
    FormatOption,
    IgnoreOption,
    NoExecOption,
    OutputFormat,
    SelectOption,
    TimeoutOption,
    fail,
    file_config,
    overrides_from,
)
from curriculum_cli.errors import CurriculumError
from curriculum_cli.load.config_file import merge
from curriculum_cli.report.json import render_json
from curriculum_cli.report.text import render_text

PathsArgument = Annotated[
    list[Path] | None,
    typer.Argument(help="Files or folders: a curriculum root or any part of one [default: lessons/].", show_default=False),
]


def check(
    paths: PathsArgument = None,
    output_format: FormatOption = OutputFormat.text,
    select: SelectOption = None,
    ignore: IgnoreOption = None,
    fail_on: FailOnOption = None,
    no_exec: NoExecOption = False,
    timeout: TimeoutOption = None,
    config_file: ConfigOption = None,
    show_fixes: Annotated[bool, typer.Option("--show-fixes", help="Print each finding's suggested fix (text format).")] = False,
) -> None:
    """Check planning documents, built lessons and notebooks; exit 1 on findings at or above --fail-on."""
    targets = list(paths) if paths else [Path("lessons")]
    try:
        base = file_config(targets, config_file)
        overrides = overrides_from(base, select=select, ignore=ignore, fail_on=fail_on, no_exec=no_exec, timeout=timeout)
        config = merge(base, overrides)  # decides the exit code
        # Without --config, every curriculum root uses its own configuration file.
        report = api.check(targets, config if config_file else None, overrides=overrides)
    except CurriculumError as error:
        raise fail(str(error)) from None
    if output_format is OutputFormat.json:
        sys.stdout.write(render_json(report.findings, report.stats, report.errors))
    else:
        colour = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
        if report.findings or not report.errors:
            sys.stdout.write(render_text(report.findings, files=report.stats.get("files"), colour=colour, show_fixes=show_fixes))
    for message in report.errors:
        typer.echo(f"curriculum: error: {message}", err=True)
    if report.errors:
        raise typer.Exit(2)
    raise typer.Exit(1 if report.failed(config.fail_on) else 0)
