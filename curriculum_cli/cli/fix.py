"""``curriculum fix --update-outputs``: rewrite wrong claimed outputs in place."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from curriculum_cli.cli.options import ConfigOption, TimeoutOption, fail, resolve_config
from curriculum_cli.errors import CurriculumError
from curriculum_cli.load.curriculum import find_root, load_curriculum

ARTIFACT_SUFFIXES = (".md", ".mdx", ".tsx", ".ipynb")


def artifacts_for(paths: list[Path], config_root_loader=load_curriculum, config=None) -> list[str]:
    """Built lessons and notebooks under ``paths`` (a planning doc stands for its lesson's artifacts)."""
    out: dict[str, None] = {}
    for path in paths:
        root = find_root(path)
        if root is not None:
            curriculum = config_root_loader(root, config)
            chosen = path.resolve()
            for lesson in curriculum.lessons:
                owned = [lesson.plan.path] if lesson.plan else []
                for candidate in [*owned, *lesson.artifacts]:
                    resolved = Path(candidate).resolve()
                    if resolved == chosen or chosen in resolved.parents:
                        out.update(dict.fromkeys(lesson.artifacts))
                        break
            if path.is_file() and path.suffix in ARTIFACT_SUFFIXES and str(path) not in out:
                if not any(Path(a).resolve() == chosen for a in out):
                    out[str(path)] = None
        elif path.is_file():
            out[str(path)] = None
        else:
            out.update(dict.fromkeys(str(p) for p in sorted(path.rglob("*")) if p.suffix in ARTIFACT_SUFFIXES))
    return list(out)


def fix(
    paths: Annotated[list[Path] | None, typer.Argument(help="Built lessons, notebooks, planning docs or folders [default: lessons/].", show_default=False)] = None,
    update_outputs: Annotated[bool, typer.Option("--update-outputs", help="Rewrite claimed outputs that do not match what the code prints.")] = False,
    timeout: TimeoutOption = None,
    config_file: ConfigOption = None,
) -> None:
    """Apply automatic fixes. Each file is rewritten atomically; a file changed meanwhile is left alone."""
    from curriculum_cli.execute.fix import update_outputs as run_update

    if not update_outputs:
        raise fail("nothing to do: pass --update-outputs")
    targets = list(paths) if paths else [Path("lessons")]
    for target in targets:
        if not target.exists():
            raise fail(f"{target}: no such file or directory")
    try:
        config = resolve_config(targets, config_file=config_file, timeout=timeout)
        changes = run_update(artifacts_for(targets, config=config), config)
    except CurriculumError as error:
        raise fail(str(error)) from None
    except OSError as error:
        raise fail(f"{getattr(error, 'filename', '')}: {error.strerror or error}") from None
    applied = [c for c in changes if c.applied]
    for change in changes:
        status = "updated" if change.applied else f"not updated ({change.reason})"
        typer.echo(f"{change.path}:{change.line}: {status}: {change.old!r} -> {change.new!r}")
    typer.echo(f"{len(applied)} claim{'s' if len(applied) != 1 else ''} updated.")
    if len(applied) != len(changes):
        raise typer.Exit(1)
