"""What lesson-level rules receive: one lesson in its curriculum, with caches.

Expensive shared work (extracting and executing a lesson's code) is computed
once per lesson on first use and cached here, so every code rule reads the
same results.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from curriculum_cli.config import Config
from curriculum_cli.model.curriculum import Curriculum, Lesson

T = TypeVar("T")


@dataclass
class LessonContext:
    lesson: Lesson
    curriculum: Curriculum
    config: Config
    #: Shared services for the run (e.g. the code executor), keyed by name.
    services: dict[str, Any] = field(default_factory=dict)
    cache: dict[str, Any] = field(default_factory=dict)

    def cached(self, key: str, factory: Callable[[], T]) -> T:
        if key not in self.cache:
            self.cache[key] = factory()
        return self.cache[key]
