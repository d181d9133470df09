"""Find a curriculum root and load its documents in course order."""

from __future__ import annotations

import re
from pathlib import Path

from curriculum_cli.config import Config
from curriculum_cli.errors import InputError
from curriculum_cli.load.files import read_text
from curriculum_cli.model.build_plan import build_plan
from curriculum_cli.model.curriculum import Curriculum, Lesson, PlanDocument
from curriculum_cli.parse.markdown import parse_markdown

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


_SLUG_NOISE = re.compile(r"[^a-z0-9]")


def slug_key(name: str) -> str:
    """Normalize a slug or file stem for pairing: case, punctuation, numeric prefix and ``Lesson`` suffix ignored."""
    stem = re.sub(r"^(\d+[-_.])+", "", name)
    key = _SLUG_NOISE.sub("", stem.lower())
    return key[: -len("lesson")] if key.endswith("lesson") and len(key) > len("lesson") else key


def _module_key(module_id: str | None) -> tuple[int, ...]:
    if not module_id:
        return (10**6,)
    return tuple(int(part) for part in module_id.split(".") if part.isdigit())


def load_curriculum(root: Path, config: Config, errors: list[str] | None = None) -> Curriculum:
    """Load every planning doc and artifact under ``root`` (unreadable files go to ``errors``)."""
    curriculum = Curriculum(root=root, config=config)
    lessons: list[Lesson] = []
    for path in _glob(root, config.layout.planning_docs):
        try:
            plan_doc = load_plan(path, display_path(path))
        except InputError as error:
            if errors is not None:
                errors.append(str(error))
            continue
        header = plan_doc.plan.header
        lessons.append(
            Lesson(slug=header.slug or path.stem, module_id=header.module_id, number=header.lesson_number, plan=plan_doc)
        )
    lessons.sort(key=lambda lesson: (_module_key(lesson.module_id), lesson.number or 10**6, lesson.slug))
    if config.order:
        rank = {slug: index for index, slug in enumerate(config.order)}
        lessons.sort(key=lambda lesson: rank.get(lesson.slug, len(rank)))
    for index, lesson in enumerate(lessons):
        lesson.order = index
    by_key = {slug_key(lesson.slug): lesson for lesson in lessons}
    for path in _glob(root, config.layout.built_lessons):
        lesson = by_key.get(slug_key(path.stem))
        if lesson:
            lesson.built.append(display_path(path))
    for path in _glob(root, config.layout.notebooks):
        lesson = by_key.get(slug_key(path.stem))
        if lesson:
            lesson.notebooks.append(display_path(path))
    curriculum.lessons = lessons
    return curriculum
