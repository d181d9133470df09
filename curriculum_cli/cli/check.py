"""``curriculum check``: lint planning docs, built lessons, notebooks and the curriculum."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from curriculum_cli import api
from curriculum_cli.cli.options import (
    BaselineOption,
    CheckFormat,
    CheckFormatOption,
    ConfigOption,
    ExitZeroOption,
    FailOnOption,
    IgnoreOption,
    NoExecOption,
    OutputFileOption,
    SelectOption,
    TimeoutOption,
    WriteBaselineOption,
    emit,
    fail,
    file_config,
    overrides_from,
    use_colour,
)
from curriculum_cli.errors import CurriculumError
from curriculum_cli.fixes import FixPlan
from curriculum_cli.load.config_file import merge
from curriculum_cli.progress import Progress

PathsArgument = Annotated[
    list[Path] | None,
    typer.Argument(help="Files or folders: a curriculum root or any part of one [default: lessons/].", show_default=False),
]


def check(
    paths: PathsArgument = None,
    output_format: CheckFormatOption = CheckFormat.text,
    output: OutputFileOption = None,
    select: SelectOption = None,
    ignore: IgnoreOption = None,
    fail_on: FailOnOption = None,
    exit_zero: ExitZeroOption = False,
    no_exec: NoExecOption = False,
    timeout: TimeoutOption = None,
    config_file: ConfigOption = None,
    baseline: BaselineOption = None,
    write_baseline: WriteBaselineOption = None,
    show_fixes: Annotated[bool, typer.Option("--show-fixes", help="Print each finding's suggested fix (text format).")] = False,
    changed_since: Annotated[
        str | None,
        typer.Option("--changed-since", metavar="REF", help="Check only the lessons affected by files changed since this git ref."),
    ] = None,
    no_cache: Annotated[
        bool, typer.Option("--no-cache", help="Neither read nor write the result cache (.curriculum_cache/).")
    ] = False,
    jobs: Annotated[
        int | None,
        typer.Option("--jobs", "-j", min=1, help="Lessons whose code runs at once [default: the number of cores]."),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress line on a terminal.")] = False,
    fix: Annotated[
        bool, typer.Option("--fix", help="Apply safe mechanical fixes (dashes, checklist counts, claimed outputs).")
    ] = False,
    diff: Annotated[
        bool, typer.Option("--diff", help="Print the fixes --fix would make as a unified diff; write nothing.")
    ] = False,
) -> None:
    """Check planning documents, built lessons and notebooks; exit 1 on findings at or above --fail-on."""
    from curriculum_cli.baseline import apply_baseline
    from curriculum_cli.report.render import render

    targets = list(paths) if paths else [Path("lessons")]
    try:
        base = file_config(targets, config_file)
        overrides = overrides_from(base, select=select, ignore=ignore, fail_on=fail_on, no_exec=no_exec, timeout=timeout)
        config = merge(base, overrides)  # decides the exit code
        # Without --config, every curriculum root uses its own configuration file.
        progress = Progress.for_terminal(quiet)
        try:
            report = api.check(
                targets, config if config_file else None, overrides=overrides,
                jobs=jobs, cache=not no_cache, progress=progress, changed_since=changed_since,
            )
        finally:
            if progress is not None:
                progress.close()
        apply_baseline(report, baseline=baseline, write=write_baseline)
        if diff or fix:
            from curriculum_cli.fixes import plan_fixes

            plan = plan_fixes(report.findings)
            if diff:
                emit(plan.diff(), output)
                for message in report.errors:
                    typer.echo(f"curriculum: error: {message}", err=True)
                raise typer.Exit(2 if report.errors else 1 if plan.files else 0)
            _fix(report, plan)
        emit(render(report, output_format.value, colour=use_colour(output), show_fixes=show_fixes), output)
    except CurriculumError as error:
        raise fail(str(error)) from None
    for message in report.errors:
        typer.echo(f"curriculum: error: {message}", err=True)
    if report.errors:
        raise typer.Exit(2)
    raise typer.Exit(1 if report.failed(config.fail_on) and not exit_zero else 0)


def _fix(report: api.Report, plan: FixPlan) -> None:
    """Write the fixes, drop the findings they fixed, and say what was done on stderr."""
    refused = set(plan.write())
    fixed = [f for f in plan.fixed if not any(edit.path in refused for edit in f.edits)]
    report.findings = [f for f in report.findings if f not in fixed]
    files = len(set(plan.files) - refused)
    if fixed:
        typer.echo(f"curriculum: fixed {len(fixed)} finding{'s' * (len(fixed) != 1)} in {files} file{'s' * (files != 1)}", err=True)
    for path in sorted(refused):
        typer.echo(f"curriculum: {path} changed while it was checked; not fixed", err=True)
