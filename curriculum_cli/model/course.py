"""Course file and series plans: tables that list modules with their lesson counts and status."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from curriculum_cli.parse.markdown import Document, strip_markup

_MODULE_ID = re.compile(r"\b(\d+\.\d+)\b")
_BUILT_OF = re.compile(r"(\d+)\s*(?:/|of)\s*(\d+)")
_INT = re.compile(r"^\s*(\d+)\b")


@dataclass
class ModuleStatus:
    """A row naming a module in a course or series table."""

    path: str
    line: int
    module_id: str
    title: str = ""
    lessons_raw: str = ""
    status: str = ""

    @property
    def counts(self) -> tuple[int | None, int | None]:
        """(built, total) stated by the row: ``3/5``, ``3 of 5 built``, ``5``."""
        for text in (self.lessons_raw, self.status):
            match = _BUILT_OF.search(text)
            if match:
                return int(match.group(1)), int(match.group(2))
        total = _INT.match(self.lessons_raw)
        return None, int(total.group(1)) if total else None


@dataclass
class CourseDoc:
    """``course.md`` or a series ``plan.md``: every module row found in its tables."""

    path: str
    title: str = ""
    modules: list[ModuleStatus] = field(default_factory=list)


def build_course(doc: Document) -> CourseDoc:
    course = CourseDoc(path=doc.path, title=strip_markup(doc.title.title) if doc.title else "")
    for section in doc.root.walk():
        for table in section.tables(deep=False):
            module_col = table.column("module", "id", "#")
            if module_col is None:
                continue
            title_col = table.column("title", "name", "topic")
            lessons_col = table.column("lessons", "lesson count", "lessons built")
            status_col = table.column("status")
            for row in table.rows:
                match = _MODULE_ID.search(strip_markup(row.get(module_col)))
                if not match:
                    continue
                course.modules.append(
                    ModuleStatus(
                        path=doc.path, line=row.line, module_id=match.group(1),
                        title=strip_markup(row.get(title_col)), lessons_raw=strip_markup(row.get(lessons_col)),
                        status=strip_markup(row.get(status_col)),
                    )
                )
    return course
