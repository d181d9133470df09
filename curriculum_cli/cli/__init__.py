"""The ``curriculum`` command line: build the config, call the library, render, exit.

Exit codes: 0 nothing at or above the ``--fail-on`` threshold; 1 findings at
or above it; 2 usage error, unreadable input or bad configuration.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated

import typer

from curriculum_cli.cli import check as _check
from curriculum_cli.cli import configuration as _configuration
from curriculum_cli.cli import curriculum as _curriculum
from curriculum_cli.cli import docs as _docs
from curriculum_cli.cli import fix as _fix
from curriculum_cli.cli import init as _init
from curriculum_cli.cli import review as _review

app = typer.Typer(
    name="curriculum",
    help="Lint lesson-planning documents and the lessons built from them.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _show_version(value: bool) -> None:
    if value:
        from curriculum_cli.version import tool_version

        typer.echo(f"curriculum {tool_version()}")
        raise typer.Exit(0)


@app.callback()
def _main(
    version: Annotated[
        bool, typer.Option("--version", callback=_show_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """Lint lesson-planning documents and the lessons built from them."""


app.command("check")(_check.check)
app.command("rules")(_docs.rules)
app.command("rule")(_docs.rule)
app.command("parse")(_docs.parse)
app.command("review")(_review.review)
app.command("fix")(_fix.fix)
app.command("graph")(_curriculum.graph)
app.command("record")(_curriculum.record)
app.command("config")(_configuration.config)
app.add_typer(_init.app, name="init")


def run(argv: Sequence[str]) -> int:
    """Run the CLI in-process with ``argv`` and return the exit code (for tests and embedding)."""
    try:
        # Without standalone mode, click returns the code of a raised ``typer.Exit``.
        result = app(list(argv), standalone_mode=False)
    except typer.Exit as done:
        return done.exit_code
    except SystemExit as done:  # pragma: no cover - click may still exit
        return int(done.code or 0)
    except typer.Abort:
        return 2
    except typer.TyperException as error:  # usage errors (typer bundles its own click)
        show = getattr(error, "show", None)
        if callable(show):
            show()
        return int(getattr(error, "exit_code", 2))
    return result if isinstance(result, int) else 0


def main() -> None:
    """Console-script entry point."""
    app()  # exits the process with the command's code


if __name__ == "__main__":  # pragma: no cover
    main()
