"""``curriculum graph`` and ``curriculum record``: the curriculum as a whole."""

from __future__ import annotations

import enum
import sys
from pathlib import Path
from typing import Annotated

import typer

from curriculum_cli.cli.options import fail
from curriculum_cli.errors import CurriculumError
from curriculum_cli.load.files import atomic_write


class GraphFormat(str, enum.Enum):
    html = "html"
    json = "json"
    mermaid = "mermaid"
    dot = "dot"


def graph(
    root: Annotated[Path, typer.Argument(help="The curriculum root or any folder or file inside it.")] = Path("lessons"),
    output_format: Annotated[GraphFormat, typer.Option("--format", "-f", help="Output format.")] = GraphFormat.html,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to this file instead of stdout.")] = None,
) -> None:
    """Draw the concept graph: which lesson taught what each lesson relies on, with broken traces highlighted."""
    from curriculum_cli.graph import build_graph, render
    from curriculum_cli.load.curriculum import open_curriculum

    errors: list[str] = []
    try:
        if not root.exists():
            raise CurriculumError(f"{root}: no such file or directory")
        text = render(build_graph(open_curriculum(root, errors=errors)), output_format.value)
        if output is not None:
            atomic_write(output, text)
        else:
            sys.stdout.write(text)
    except CurriculumError as error:
        raise fail(str(error)) from None
    for message in errors:
        typer.echo(f"curriculum: error: {message}", err=True)
    if errors:
        raise typer.Exit(2)


def record(
    lesson: Annotated[str, typer.Argument(help="The lesson's slug (or its planning-doc path).")],
    root: Annotated[Path, typer.Option("--root", help="The curriculum root or a folder inside it.")] = Path("."),
    force: Annotated[bool, typer.Option("--force", help="Record even if the last review verdict is not PASS.")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Print the diff of the module record; write nothing.")] = False,
) -> None:
    """Add the lesson's concepts (with depth and APIs) to its module record: the pipeline's last step."""
    from curriculum_cli.load.curriculum import open_curriculum
    from curriculum_cli.record import record_lesson

    start = Path(lesson) if Path(lesson).is_file() else root
    try:
        curriculum = open_curriculum(start)
        slug = lesson
        if Path(lesson).is_file():
            found = next((l for l in curriculum.lessons if l.plan and Path(l.plan.path).resolve() == Path(lesson).resolve()), None)
            if found is None:
                raise CurriculumError(f"{lesson}: not a planning document of the curriculum at {curriculum.root}")
            slug = found.slug
        result = record_lesson(curriculum, slug, force=force, dry_run=dry_run)
    except CurriculumError as error:
        raise fail(str(error)) from None
    if dry_run:
        sys.stdout.write(result.diff)
        typer.echo(f"{result.path}: {'would change' if result.changed else 'already up to date'}", err=True)
    else:
        typer.echo(f"{result.path}: {'updated' if result.changed else 'already up to date'}", err=True)
