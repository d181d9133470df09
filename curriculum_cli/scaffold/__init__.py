"""Scaffolding: ``curriculum init lesson`` and ``curriculum init curriculum``.

``init lesson SLUG --module X.Y`` writes a planning-document skeleton with
every part of the format: the header's Type, Previous and Next come from the
module plan's Lesson Sequence, and the Phase 1 table lists every concept the
module records say earlier lessons taught (at the deepest recorded depth), for
the author to prune.  The skeleton's other tables are empty, so ``check``
lists what is left to plan (too few misconceptions, examples, modalities...)
until the author fills them in.

``init curriculum DIR`` writes a minimal curriculum in the reference layout
whose one planning document is complete, so a fresh curriculum checks clean.

Neither overwrites a file: an existing target is a refusal (exit code 2).
"""

from curriculum_cli.scaffold.curriculum import init_curriculum
from curriculum_cli.scaffold.lesson import init_lesson, lesson_skeleton

__all__ = ["init_curriculum", "init_lesson", "lesson_skeleton"]
