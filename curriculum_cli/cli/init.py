"""``curriculum init lesson`` and ``curriculum init curriculum``: scaffolding that checks clean where it can."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from curriculum_cli.cli.options import fail
from curriculum_cli.errors import CurriculumError

app = typer.Typer(
    name="init",
    help="Write a planning-document skeleton or a minimal curriculum (never overwrites a file).",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)


@app.command("lesson")
def lesson(
    slug: Annotated[str, typer.Argument(help="The lesson's slug, as in its module plan's Lesson Sequence.")],
    module: Annotated[str, typer.Option("--module", help="The module id, e.g. 2.1.")],
    root: Annotated[Path, typer.Option("--root", help="The curriculum root or a folder inside it.")] = Path("."),
) -> None:
    """Write the planning-doc skeleton of a lesson: header and Phase 1 filled from the module plan and records."""
    from curriculum_cli.load.curriculum import open_curriculum
    from curriculum_cli.scaffold import init_lesson

    try:
        path = init_lesson(open_curriculum(root), slug, module.strip())
    except CurriculumError as error:
        raise fail(str(error)) from None
    typer.echo(f"wrote {path}")


@app.command("curriculum")
def curriculum(
    folder: Annotated[Path, typer.Argument(help="Folder for the new curriculum (created if missing).")],
) -> None:
    """Write a minimal curriculum (course, config, one series, module plan and record, one lesson) that checks clean."""
    from curriculum_cli.scaffold import init_curriculum

    try:
        written = init_curriculum(folder)
    except CurriculumError as error:
        raise fail(str(error)) from None
    for path in written:
        typer.echo(f"wrote {path}")
    typer.echo(f"next: curriculum check {folder}")
