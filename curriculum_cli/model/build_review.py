"""Review section (FORMAT.md section 5) -> :class:`~curriculum_cli.model.plan.Review`."""

from __future__ import annotations

import re
from collections.abc import Callable

from curriculum_cli.model import plan as m
from curriculum_cli.parse.markdown import Section, strip_markup

ProblemSink = Callable[..., None]

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_ITERATION = re.compile(r"iteration\s+(\d+)\s*/\s*(\d+)", re.IGNORECASE)


def build_review(section: Section, problem: ProblemSink) -> m.Review:
    """Read one ``## Review — DATE (Iteration N/M)`` section."""
    title = strip_markup(section.title)
    date = _DATE.search(title)
    iteration = _ITERATION.search(title)
    return m.Review(
        title=title,
        line=section.line,
        end_line=section.end_line,
        date=date.group() if date else None,
        iteration=int(iteration.group(1)) if iteration else None,
        max_iterations=int(iteration.group(2)) if iteration else None,
    )
