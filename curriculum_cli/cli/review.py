"""``curriculum review``: write the next review iteration of a lesson."""

from __future__ import annotations

import enum
import sys
from pathlib import Path
from typing import Annotated

import typer

from curriculum_cli.cli.options import (
    ConfigOption,
    IgnoreOption,
    NoExecOption,
    SelectOption,
    TimeoutOption,
    fail,
    resolve_config,
)
from curriculum_cli.errors import CurriculumError
from curriculum_cli.load.files import atomic_write


class ReviewFormat(str, enum.Enum):
    markdown = "markdown"
    json = "json"


def review(
    lesson: Annotated[str, typer.Argument(help="The lesson: its planning-doc path or its slug.")],
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write the section to this file.")] = None,
    append: Annotated[bool, typer.Option("--append", help="Append the section to the planning doc (atomic).")] = False,
    date: Annotated[str | None, typer.Option("--date", help="Review date YYYY-MM-DD [default: today].")] = None,
    notes: Annotated[Path | None, typer.Option("--notes", help="Reviewer findings and fix marks (YAML).")] = None,
    output_format: Annotated[ReviewFormat, typer.Option("--format", "-f", help="Output format.")] = ReviewFormat.markdown,
    root: Annotated[Path | None, typer.Option("--root", help="Curriculum root to find a slug in [default: cwd].")] = None,
    rework: Annotated[
        str | None,
        typer.Option("--rework", metavar="LABEL", help="Start a new review cycle at Iteration 1 after a rework (heading label, e.g. Post-Depth-Rework)."),
    ] = None,
    select: SelectOption = None,
    ignore: IgnoreOption = None,
    no_exec: NoExecOption = False,
    timeout: TimeoutOption = None,
    config_file: ConfigOption = None,
) -> None:
    """Run every check for a lesson and write the review section in the iteration format."""
    from curriculum_cli.review import append_review, resolve_lesson, review_lesson

    if append and output is not None:
        raise fail("--append and --output are exclusive")
    if append and output_format is not ReviewFormat.markdown:
        raise fail("--append writes markdown; drop --format json")
    try:
        start = [root] if root else [Path(lesson)] if Path(lesson).exists() else [Path.cwd()]
        config = resolve_config(
            start, config_file=config_file, select=select, ignore=ignore, no_exec=no_exec, timeout=timeout
        )
        plan_path = resolve_lesson(lesson, config, root)
        result = review_lesson(plan_path, config, date=date, notes_file=notes, no_exec=no_exec, rework=rework)
        text = result.text if output_format is ReviewFormat.markdown else result.report.model_dump_json(indent=2) + "\n"
        if append:
            append_review(plan_path, result.text, result.expected)
            typer.echo(f"appended Iteration {result.iteration} ({result.verdict}) to {plan_path}", err=True)
        elif output is not None:
            atomic_write(output, text)
        else:
            sys.stdout.write(text)
    except CurriculumError as error:
        raise fail(str(error)) from None
    for message in result.errors:
        typer.echo(f"curriculum: error: {message}", err=True)
    if result.errors:
        raise typer.Exit(2)
