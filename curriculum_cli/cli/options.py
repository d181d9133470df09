"""Options shared by several commands, declared once."""

from __future__ import annotations

import enum
import math
import os
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from curriculum_cli.config import MAX_TIMEOUT, Config
from curriculum_cli.errors import ConfigError
from curriculum_cli.findings import Severity
from curriculum_cli.load.files import atomic_write


class OutputFormat(str, enum.Enum):
    text = "text"
    json = "json"


class CheckFormat(str, enum.Enum):
    """Output formats of ``check`` (one pure function each in ``report/``)."""

    text = "text"
    json = "json"
    json_lines = "json-lines"
    sarif = "sarif"
    github = "github"
    junit = "junit"


class FailOn(str, enum.Enum):
    critical = "critical"
    improvement = "improvement"
    polish = "polish"


FormatOption = Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.")]
SelectOption = Annotated[
    list[str] | None,
    typer.Option("--select", help="Only these rule codes or prefixes (comma-separated, repeatable), e.g. P2,C102."),
]
IgnoreOption = Annotated[
    list[str] | None,
    typer.Option("--ignore", help="Skip these rule codes or prefixes (comma-separated, repeatable)."),
]
FailOnOption = Annotated[
    FailOn | None,
    typer.Option("--fail-on", help="Lowest severity that makes the exit code 1 [default: improvement]."),
]
NoExecOption = Annotated[bool, typer.Option("--no-exec", help="Do not execute code blocks (static checks only).")]


def _finite_timeout(value: float | None) -> float | None:
    """``--timeout``: a finite number of seconds, at least 0.1 (``inf``, ``nan``, ``1e400`` are usage errors)."""
    if value is None:
        return None
    if not math.isfinite(value) or not 0.1 <= value <= MAX_TIMEOUT:
        raise typer.BadParameter(f"{value!r} is not a number of seconds between 0.1 and {MAX_TIMEOUT:g}")
    return value


TimeoutOption = Annotated[
    float | None,
    typer.Option(
        "--timeout", callback=_finite_timeout, help="Per-block wall-time limit in seconds [default: 30]."
    ),
]
CheckFormatOption = Annotated[
    CheckFormat, typer.Option("--format", "-f", help="Output format: text, json, json-lines, sarif, github or junit.")
]
OutputFileOption = Annotated[
    Path | None, typer.Option("--output", "-o", help="Write the report to this file (atomically) instead of stdout.")
]
BaselineOption = Annotated[
    Path | None, typer.Option("--baseline", help="Report only findings that this baseline file does not hold.")
]
WriteBaselineOption = Annotated[
    Path | None,
    typer.Option("--write-baseline", help="Record every current finding in this baseline file (then report none)."),
]
ExitZeroOption = Annotated[
    bool, typer.Option("--exit-zero", help="Exit 0 even when findings are reported (tool errors still exit 2).")
]
ConfigOption = Annotated[
    Path | None,
    typer.Option("--config", help="Configuration file (curriculum.yaml or pyproject.toml) instead of the one found."),
]


def split_codes(values: list[str] | None, option: str = "") -> list[str]:
    """Comma-separated, repeatable codes, upper-cased; an unknown code or prefix is a :class:`ConfigError`."""
    from curriculum_cli.rules.codes import code_problem

    out: list[str] = []
    for value in values or []:
        out.extend(code.strip().upper() for code in value.split(",") if code.strip())
    for code in out:
        problem = code_problem(code)
        if problem and option:
            raise ConfigError(f"{option}: {problem}")
    return out


def overrides_from(
    base: Config,
    *,
    select: list[str] | None = None,
    ignore: list[str] | None = None,
    fail_on: FailOn | None = None,
    no_exec: bool = False,
    timeout: float | None = None,
) -> dict[str, Any]:
    """Command-line options as configuration overrides (``--ignore`` adds to the file's list)."""
    overrides: dict[str, Any] = {}
    if select:
        overrides["select"] = split_codes(select, "--select")
    if ignore:
        overrides["ignore"] = [*base.ignore, *split_codes(ignore, "--ignore")]
    if fail_on is not None:
        overrides["fail_on"] = Severity.parse(fail_on.value).value
    exec_overrides: dict[str, Any] = {}
    if no_exec:
        exec_overrides["enabled"] = False
    if timeout is not None:
        exec_overrides["timeout"] = timeout
    if exec_overrides:
        overrides["exec"] = exec_overrides
    return overrides


def file_config(paths: list[Path], config_file: Path | None = None) -> Config:
    """The configuration file given, or the one at the curriculum root of the first path."""
    from curriculum_cli.load.config_file import load_config, load_config_file
    from curriculum_cli.load.curriculum import find_root

    if config_file is not None:
        if not config_file.is_file():
            raise ConfigError(f"{config_file}: no such configuration file")
        return load_config_file(config_file)
    root = next((r for r in (find_root(p) for p in paths if p.exists()) if r is not None), None)
    return load_config(root) if root is not None else Config()


def resolve_config(
    paths: list[Path],
    *,
    config_file: Path | None = None,
    select: list[str] | None = None,
    ignore: list[str] | None = None,
    fail_on: FailOn | None = None,
    no_exec: bool = False,
    timeout: float | None = None,
) -> Config:
    """The configuration for a run: the file found for ``paths`` (or given), then command-line overrides."""
    from curriculum_cli.load.config_file import merge

    base = file_config(paths, config_file)
    return merge(
        base, overrides_from(base, select=select, ignore=ignore, fail_on=fail_on, no_exec=no_exec, timeout=timeout)
    )


def emit(text: str, output: Path | None) -> None:
    """Write ``text`` to ``output`` atomically, or to stdout."""
    if output is None:
        sys.stdout.write(text)
    else:
        atomic_write(output, text)


def use_colour(output: Path | None) -> bool:
    """Colour only on a terminal, not into a file, and not when ``NO_COLOR`` is set."""
    return output is None and sys.stdout.isatty() and not os.environ.get("NO_COLOR")


def fail(message: str) -> typer.Exit:
    """Print a tool error to stderr and return the exit-2 exception to raise."""
    typer.echo(f"curriculum: error: {message}", err=True)
    return typer.Exit(2)


__all__ = ["ConfigError", "fail", "resolve_config"]
