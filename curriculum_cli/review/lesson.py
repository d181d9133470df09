"""``review_lesson``: run every check for one lesson and write its next review."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import TYPE_CHECKING

from curriculum_cli.config import Config
from curriculum_cli.errors import ConfigError, InputError
from curriculum_cli.load.curriculum import (
    find_root,
    load_curriculum,
    load_plan,
    slug_key,
)
from curriculum_cli.review.append import digest
from curriculum_cli.review.build import build_report, checked_codes
from curriculum_cli.review.model import ReviewResult
from curriculum_cli.review.notes import ReviewerNotes, load_notes

if TYPE_CHECKING:
    from curriculum_cli.api import Report

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def resolve_lesson(lesson: str, config: Config, root: Path | None = None) -> Path:
    """The planning doc of ``lesson``: a path to it, or a slug in the curriculum under ``root`` (or the cwd)."""
    candidate = Path(lesson)
    if candidate.is_file():
        return candidate
    start = root or Path.cwd()
    found = find_root(start)
    if found is None:
        raise InputError(f"{lesson}: not a file, and no curriculum root (course.md or curriculum.yaml) at or above {start}")
    curriculum = load_curriculum(found, config)
    wanted = slug_key(lesson)
    for item in curriculum.lessons:
        if item.plan is not None and (item.slug == lesson or slug_key(item.slug) == wanted):
            return Path(item.plan.path)
    raise InputError(f"{lesson}: no lesson with this slug in the curriculum at {found}")


def lesson_paths(plan_path: Path, config: Config) -> tuple[list[Path], Path | None]:
    """Every file of the lesson (planning doc, built lessons, notebooks) and the curriculum root."""
    root = find_root(plan_path)
    if root is None:
        return [plan_path], None
    resolved = plan_path.resolve()
    for lesson in load_curriculum(root, config).lessons:
        if lesson.plan is not None and Path(lesson.plan.path).resolve() == resolved:
            return [plan_path, *(Path(p) for p in lesson.artifacts)], root
    return [plan_path], root


def rework_label(text: str) -> str:
    """``text`` as a review-heading label (``Post-Depth-Rework``); ConfigError when a heading cannot hold it."""
    from curriculum_cli.model.build_review import title_parts
    from curriculum_cli.review.model import clean

    label = clean(text)
    if not label or title_parts(f"Review — 2026-01-01 ({label}, Iteration 1/3)")[2] != label:
        raise ConfigError(
            f"--rework {text!r}: not usable as a label in a review heading "
            "(use words such as Post-Depth-Rework, without parentheses, 'iteration' or 'final')"
        )
    return label


def review_lesson(
    plan_path: Path,
    config: Config,
    *,
    date: str | None = None,
    notes_file: Path | None = None,
    report: Report | None = None,
    no_exec: bool = False,
    rework: str | None = None,
) -> ReviewResult:
    """Write the next review iteration of the lesson planned in ``plan_path``.

    Runs :func:`curriculum_cli.api.check` on the lesson's files unless a
    ``report`` is given, verifies the previous iteration's findings, adds the
    reviewer's findings from ``notes_file`` and applies the verdict rules.
    Raises ReviewLimitError when the document already holds
    ``config.max_iterations`` reviews, ConfigError for a bad notes file or
    date, InputError when the planning doc cannot be read (all exit code 2).
    ``no_exec`` (the command line's ``--no-exec``) turns execution off and
    says so in the notes; previous execution findings are then NOT VERIFIED.
    ``rework`` (``--rework LABEL``) starts a new review cycle at iteration 1.
    """
    if date is None:
        date = dt.date.today().isoformat()
    elif not _DATE.match(date):
        raise ConfigError(f"--date {date!r}: expected YYYY-MM-DD")
    if rework is not None:
        rework = rework_label(rework)
    if no_exec and config.exec.enabled:
        config = config.model_copy(update={"exec": config.exec.model_copy(update={"enabled": False})})
    plan_path = Path(plan_path)
    try:
        data = plan_path.read_bytes()
    except OSError as error:
        raise InputError(f"{plan_path}: cannot read ({error.strerror or error})") from None
    plan_doc = load_plan(plan_path, str(plan_path))
    notes = load_notes(notes_file) if notes_file is not None else ReviewerNotes()
    paths, root = lesson_paths(plan_path, config)
    if report is None:
        from curriculum_cli.api import check

        report = check(paths, config)
    section = build_report(
        plan_doc.plan,
        report.findings,
        config,
        date=date,
        notes=notes,
        checked=checked_codes(config, no_exec),
        base=root or plan_path.resolve().parent,
        stats=report.stats,
        check_notes=report.notes,
        errors=report.errors,
        no_exec=no_exec,
        rework=rework,
    )
    from curriculum_cli.report.review_markdown import (
        render_review,  # the renderer imports this package
    )

    return ReviewResult(
        text=render_review(section),
        report=section,
        iteration=section.iteration,
        verdict=section.verdict,
        expected=digest(data),
        errors=list(report.errors),
    )
