"""``--changed-since REF``: the files git says changed since REF, and the lessons they affect.

A lesson is affected when its planning doc, a built lesson or a notebook of
it changed, or when a file its checks read changed: the record or plan of its
module or of an earlier module (records teach what later lessons may use;
plans give course order and citations), and any course or series plan or
configuration file (these affect every lesson).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from curriculum_cli.errors import InputError
from curriculum_cli.model.curriculum import Curriculum, Lesson, module_key


def changed_files(ref: str, where: Path) -> set[Path]:
    """Resolved paths of files changed since ``ref`` (committed, staged, unstaged or untracked).

    Not a git repository, no git, or an unknown ``ref``: :class:`InputError` (exit 2).
    """
    folder = where if where.is_dir() else where.parent

    def git(*args: str) -> str:
        try:
            done = subprocess.run(["git", *args], cwd=folder, capture_output=True, text=True, check=False)
        except OSError as error:
            raise InputError(f"--changed-since: cannot run git ({error.strerror or error})") from None
        if done.returncode != 0:
            reason = (done.stderr.strip().splitlines() or ["git failed"])[-1]
            raise InputError(f"--changed-since {ref}: {reason}")
        return done.stdout

    top = Path(git("rev-parse", "--show-toplevel").strip())
    if ref.startswith("-"):
        raise InputError(f"--changed-since {ref}: not a git revision")
    git("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    names = git("diff", "--name-only", "-z", ref, "--").split("\0")
    names += git("ls-files", "--others", "--exclude-standard", "--full-name", "-z").split("\0")
    return {(top / name).resolve() for name in names if name}


def _resolved(curriculum: Curriculum, path: str | None) -> Path | None:
    if path is None:
        return None
    file = Path(path)
    if not file.is_absolute() and not file.exists():
        file = curriculum.root / path
    return file.resolve()


def affected(curriculum: Curriculum, changed: set[Path]) -> tuple[list[Lesson], list[Path]]:
    """The lessons ``changed`` affects, in course order, and the changed curriculum files themselves."""
    root = curriculum.root.resolve()
    inside = [path for path in changed if path.is_relative_to(root)]
    lesson_files = {
        lesson: {p for p in (_resolved(curriculum, f) for f in ([lesson.plan.path] if lesson.plan else []) + lesson.artifacts) if p}
        for lesson in curriculum.lessons
    }
    module_files = {
        module_id: {p for p in (_resolved(curriculum, module.plan_path), _resolved(curriculum, module.record_path)) if p}
        for module_id, module in curriculum.modules.items()
    }
    known = set().union(*lesson_files.values(), *module_files.values()) if lesson_files or module_files else set()
    everything = any(
        path not in known and (path.suffix in (".yaml", ".yml", ".toml") or path.name in ("course.md", "plan.md"))
        for path in inside
    )
    if everything:
        return list(curriculum.lessons), inside
    changed_modules = [module_id for module_id, files in module_files.items() if files & set(inside)]
    first = min((module_key(m) for m in changed_modules), default=None)
    chosen = [
        lesson
        for lesson in curriculum.lessons
        if lesson_files[lesson] & set(inside) or (first is not None and module_key(lesson.module_id) >= first)
    ]
    return chosen, inside
