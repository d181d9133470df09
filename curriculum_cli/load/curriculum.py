"""Find a curriculum root and load its documents in course order.

Course order is series, module, lesson number (``config.order`` overrides it);
the number is the module plan's (its number column, else the row), else the
planning doc's title or ``**Position:**``.
Lessons come from planning docs and from module plan Lesson Sequence rows (a
lesson not planned yet is still part of the course).
"""

from __future__ import annotations

import re
from pathlib import Path

from curriculum_cli.config import Config
from curriculum_cli.errors import CurriculumError, InputError
from curriculum_cli.load.files import read_text
from curriculum_cli.model.build_plan import build_plan
from curriculum_cli.model.course import build_course
from curriculum_cli.model.curriculum import (
    Curriculum,
    Lesson,
    Module,
    PlanDocument,
    module_key,
    slug_key,
)
from curriculum_cli.model.module_plan import build_module_plan
from curriculum_cli.model.record import build_record
from curriculum_cli.parse.markdown import Document, parse_markdown

__all__ = ["ROOT_MARKERS", "display_path", "find_root", "load_curriculum", "load_plan", "open_curriculum", "slug_key"]

#: A folder holding one of these is a curriculum root.
ROOT_MARKERS = ("curriculum.yaml", "curriculum.yml", "course.md")


def find_root(path: Path) -> Path | None:
    """The nearest folder at or above ``path`` that is a curriculum root."""
    start = path if path.is_dir() else path.parent
    for folder in (start.resolve(), *start.resolve().parents):
        if any((folder / marker).is_file() for marker in ROOT_MARKERS):
            return folder
    return None


def load_plan(path: Path, display: str | None = None) -> PlanDocument:
    """Read, parse and model one planning document (InputError if unreadable)."""
    text = read_text(path)
    doc = parse_markdown(text, display or str(path))
    return PlanDocument(path=doc.path, doc=doc, plan=build_plan(doc))


def display_path(path: Path) -> str:
    """``path`` relative to the working directory when it is below it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _glob(root: Path, patterns: list[str]) -> list[Path]:
    found: dict[Path, None] = {}
    for pattern in patterns:
        for path in sorted(root.glob(pattern)):
            if path.is_file():
                found[path] = None
    return list(found)


_MODULE_DIR = re.compile(r"module[-_ ]?(\d+)[-_.](\d+)", re.IGNORECASE)


def folder_module_id(path: Path) -> str | None:
    """``series-2/module-2-1/...`` -> ``2.1`` (the nearest folder naming a module)."""
    for part in reversed(path.parts[:-1]):
        match = _MODULE_DIR.fullmatch(part) or _MODULE_DIR.match(part)
        if match:
            return f"{int(match.group(1))}.{int(match.group(2))}"
    return None


def _read_docs(root: Path, patterns: list[str], errors: list[str] | None) -> list[tuple[Path, Document]]:
    docs = []
    for path in _glob(root, patterns):
        try:
            docs.append((path, parse_markdown(read_text(path), display_path(path))))
        except InputError as error:
            if errors is not None:
                errors.append(str(error))
    return docs


def _module(curriculum: Curriculum, module_id: str) -> Module:
    return curriculum.modules.setdefault(module_id, Module(module_id=module_id))


def _load_modules(curriculum: Curriculum, errors: list[str] | None) -> None:
    root, layout = curriculum.root, curriculum.config.layout
    courses = _read_docs(root, layout.course, errors)
    if courses:
        curriculum.course_path = courses[0][1].path
        curriculum.course = build_course(courses[0][1])
    curriculum.series = [build_course(doc) for _, doc in _read_docs(root, layout.series_plans, errors)]
    for path, doc in _read_docs(root, layout.module_plans, errors):
        plan = build_module_plan(doc, folder_module_id(path))
        if plan.module_id is None:
            continue
        module = _module(curriculum, plan.module_id)
        module.plan, module.plan_path, module.title, module.folder = plan, plan.path, plan.title, path.parent
    for path, doc in _read_docs(root, layout.module_records, errors):
        record = build_record(doc, folder_module_id(path))
        if record.module_id is None:
            continue
        module = _module(curriculum, record.module_id)
        module.record, module.record_path = record, record.path
        module.title = module.title or record.title
        module.folder = module.folder or path.parent


def _lesson_slug(curriculum: Curriculum, module_id: str | None, slug: str | None, source: str | None, stem: str) -> str:
    """The lesson's slug: ``**Slug:**``, else the file name, else a slug-shaped title;
    of these, the first one the module plan lists wins."""
    candidates = [slug] if source == "slug label" else []
    candidates += [stem, *([slug] if slug and source != "slug label" else [])]
    module = curriculum.modules.get(module_id or "")
    listed = {slug_key(entry.slug) for entry in module.plan.entries} if module and module.plan else set()
    return next((c for c in candidates if c and slug_key(c) in listed), candidates[0] or stem)


def _load_lessons(curriculum: Curriculum, errors: list[str] | None) -> list[Lesson]:
    lessons: list[Lesson] = []
    for path in _glob(curriculum.root, curriculum.config.layout.planning_docs):
        try:
            plan_doc = load_plan(path, display_path(path))
        except InputError as error:
            if errors is not None:
                errors.append(str(error))
            continue
        header = plan_doc.plan.header
        module_id = header.module_id or folder_module_id(path)
        slug = _lesson_slug(curriculum, module_id, header.slug, header.slug_from, path.stem)
        lesson = Lesson(slug=slug, module_id=module_id, number=header.lesson_number, plan=plan_doc)
        lessons.append(lesson)
        if module_id:
            module = _module(curriculum, module_id)
            module.folder = module.folder or path.parent.parent
    planned = {(lesson.module_id, slug_key(lesson.slug)): lesson for lesson in lessons}
    for module in curriculum.modules.values():
        for entry in module.plan.entries if module.plan else []:
            found = planned.get((module.module_id, slug_key(entry.slug)))
            if found is None:
                lesson = Lesson(slug=entry.slug, module_id=module.module_id, number=entry.number)
                lessons.append(lesson)
            else:
                lesson = found
            lesson.entry, lesson.plan_type = entry, entry.type_raw or None
            # The module plan places the lesson (its number column, else its row);
            # a stale number in the doc's title or Position is X204, not a new order.
            lesson.number = entry.number if entry.number is not None else lesson.number
    return lessons


def _number_from_course_tables(curriculum: Curriculum, lessons: list[Lesson]) -> None:
    """A module without a Lesson Sequence: a course or series row listing its lessons
    (``alpha, beta, gamma``) gives their order."""
    docs = [curriculum.course] if curriculum.course else []
    for doc in [*docs, *curriculum.series]:
        for row in doc.modules:
            module = curriculum.modules.get(row.module_id)
            if module is not None and module.plan is not None and module.plan.entries:
                continue
            named = [w.strip() for w in re.split(r"[,;]\s*", row.lessons_raw) if re.fullmatch(r"[a-z][\w.-]*", w.strip())]
            for number, slug in enumerate(named, 1):
                for lesson in lessons:
                    if lesson.module_id == row.module_id and slug_key(lesson.slug) == slug_key(slug) and lesson.number is None:
                        lesson.number = number


def _pair_artifacts(curriculum: Curriculum) -> None:
    by_key: dict[str, list[Lesson]] = {}
    for lesson in curriculum.lessons:
        by_key.setdefault(slug_key(lesson.slug), []).append(lesson)
    layout = curriculum.config.layout
    for patterns, attribute in ((layout.built_lessons, "built"), (layout.notebooks, "notebooks")):
        for path in _glob(curriculum.root, patterns):
            candidates = by_key.get(slug_key(path.stem), [])
            if not candidates:
                continue
            folder_id = folder_module_id(path)
            lesson = next((c for c in candidates if c.module_id == folder_id), candidates[0])
            getattr(lesson, attribute).append(display_path(path))


def load_curriculum(root: Path, config: Config, errors: list[str] | None = None) -> Curriculum:
    """Load every document and artifact under ``root`` (unreadable files go to ``errors``)."""
    curriculum = Curriculum(root=root, config=config)
    _load_modules(curriculum, errors)
    lessons = _load_lessons(curriculum, errors)
    _number_from_course_tables(curriculum, lessons)
    lessons.sort(key=lambda lesson: (module_key(lesson.module_id), lesson.number or 10**6, lesson.slug))
    if config.order:
        rank = {slug_key(slug): index for index, slug in enumerate(config.order)}
        lessons.sort(key=lambda lesson: rank.get(slug_key(lesson.slug), len(rank)))
    for index, lesson in enumerate(lessons):
        lesson.order = index
    curriculum.lessons = lessons
    curriculum.modules = dict(sorted(curriculum.modules.items(), key=lambda item: module_key(item[0])))
    _pair_artifacts(curriculum)
    return curriculum


def open_curriculum(
    path: Path, overrides: dict[str, object] | None = None, errors: list[str] | None = None
) -> Curriculum:
    """Find the curriculum root at or above ``path``, resolve its configuration and load it.

    For the ``graph`` and ``record`` commands.  Raises :class:`CurriculumError`
    when no root is found and :class:`ConfigError` for a bad configuration.
    """
    from curriculum_cli.load.config_file import resolve_config

    root = find_root(path)
    if root is None:
        raise CurriculumError(f"{path}: no curriculum root (course.md or curriculum.yaml) at or above it")
    return load_curriculum(root, resolve_config(root, overrides), errors)
