"""The curriculum as loaded: lessons in course order with their documents.

Glossary:

``PlanDocument``
    one planning document: its path, parsed tree and :class:`LessonPlan`.
``Lesson``
    one lesson: slug, module, number, its planning doc and paired artifacts
    (built lessons, notebooks).
``Module``
    a module id with its plan and record documents (when present).
``Curriculum``
    every lesson in course order, modules, course-level documents, config.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from curriculum_cli.config import Config
from curriculum_cli.model.plan import LessonPlan
from curriculum_cli.parse.markdown import Document


@dataclass
class PlanDocument:
    path: str
    doc: Document
    plan: LessonPlan


@dataclass
class Lesson:
    slug: str
    module_id: str | None = None
    number: int | None = None
    #: Position in course order (0-based); set by the loader.
    order: int = 0
    plan: PlanDocument | None = None
    #: Built lessons (.md/.mdx/.tsx) paired with this lesson.
    built: list[str] = field(default_factory=list)
    #: Practice notebooks paired with this lesson.
    notebooks: list[str] = field(default_factory=list)
    #: Type from the module plan, when known.
    plan_type: str | None = None

    @property
    def artifacts(self) -> list[str]:
        return [*self.built, *self.notebooks]

    @property
    def cite(self) -> str:
        """How the lesson is cited: ``slug (2.1)``."""
        return f"{self.slug} ({self.module_id})" if self.module_id else self.slug


@dataclass
class Module:
    module_id: str
    title: str = ""
    plan_path: str | None = None
    record_path: str | None = None
    #: Modelled plan / record (types owned by the curriculum loader).
    plan: Any = None
    record: Any = None


@dataclass
class Curriculum:
    root: Path
    config: Config
    lessons: list[Lesson] = field(default_factory=list)
    modules: dict[str, Module] = field(default_factory=dict)
    course_path: str | None = None
    #: Everything else the loader read (series plans, course model...).
    extra: dict[str, Any] = field(default_factory=dict)

    def lesson(self, slug: str) -> Lesson | None:
        for lesson in self.lessons:
            if lesson.slug == slug:
                return lesson
        return None
