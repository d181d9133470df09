"""Configuration: one typed model, resolved before any work.

Read from ``curriculum.yaml`` at the curriculum root or ``[tool.curriculum]``
in ``pyproject.toml`` (see :mod:`curriculum_cli.load.config_file`); command
line options override it.  Every field has a sane default, so a curriculum
without a configuration file works.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

from curriculum_cli.findings import Severity


class Layout(BaseModel):
    """Globs (relative to the curriculum root) for each kind of document."""

    model_config = ConfigDict(extra="forbid")

    course: list[str] = Field(default_factory=lambda: ["course.md"])
    series_plans: list[str] = Field(default_factory=lambda: ["series-*/plan.md"])
    module_plans: list[str] = Field(default_factory=lambda: ["series-*/module-*/plan.md"])
    module_records: list[str] = Field(default_factory=lambda: ["series-*/module-*/record.md"])
    planning_docs: list[str] = Field(default_factory=lambda: ["series-*/module-*/lessons/*.md"])
    built_lessons: list[str] = Field(
        default_factory=lambda: [
            "series-*/module-*/content/*.md",
            "series-*/module-*/content/*.mdx",
            "series-*/module-*/content/*.tsx",
        ]
    )
    notebooks: list[str] = Field(default_factory=lambda: ["series-*/module-*/notebooks/*.ipynb"])

    @field_validator("*", mode="after")
    @classmethod
    def _relative_globs(cls, globs: list[str]) -> list[str]:
        for glob in globs:
            parts = PurePosixPath(glob.strip()).parts
            if not parts or glob.startswith(("/", "\\")) or any(p == ".." or "**" in p and p != "**" for p in parts):
                raise ValueError(f"{glob!r} is not a glob relative to the curriculum root ('**' only as a whole folder name)")
        return globs


#: Longest per-block wall-time limit accepted (seconds): one day.
MAX_TIMEOUT = 86400.0


class ExecConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    enabled: bool = True
    #: Per-block wall-time limit in seconds (finite, 0.1 to a day).
    timeout: float = Field(default=30.0, ge=0.1, le=MAX_TIMEOUT, allow_inf_nan=False)
    memory_mb: int = 4096
    #: Total size of the files a lesson may write, in MiB (its temp dir, /dev/shm aside).
    disk_mb: int = Field(default=512, ge=1)
    #: Modules the worker imports once before forking a child per lesson.
    preload: list[str] = Field(default_factory=lambda: ["torch", "numpy"])
    #: Third-party packages assumed installed where lessons run; a missing one
    #: is reported as "not verified here", never as a lesson defect.
    assumed_packages: list[str] = Field(default_factory=lambda: ["torch", "numpy", "matplotlib", "pandas"])
    #: Packages whose APIs and keyword arguments must be taught before lesson
    #: code uses them (C201/C203); everything else (matplotlib, the standard
    #: library, other third-party packages) is not judged.
    tracked_packages: list[str] = Field(default_factory=lambda: ["torch"])
    #: Relative tolerance when comparing floats in claimed outputs.
    float_tolerance: float = 1e-4
    output_limit: int = 20000


class Config(BaseModel):
    """Everything a run needs to know, with defaults for all of it."""

    model_config = ConfigDict(extra="forbid")

    select: list[str] = Field(default_factory=list)
    ignore: list[str] = Field(default_factory=list)
    #: Rule code -> severity override.
    severity: dict[str, Severity] = Field(default_factory=dict)
    #: Glob -> codes or prefixes ignored in the files it matches (``{"**/notebooks/*.ipynb": ["C203"]}``).
    #: Globs are relative to the curriculum root (or the working directory); a glob without ``/``
    #: also matches a file name anywhere; ``**`` spans folders.
    per_file_ignores: dict[str, list[str]] = Field(default_factory=dict)
    fail_on: Severity = Severity.IMPROVEMENT
    layout: Layout = Field(default_factory=Layout)
    exec: ExecConfig = Field(default_factory=ExecConfig)
    #: Lesson order overrides: slugs in course order (empty: series, module, lesson number).
    order: list[str] = Field(default_factory=list)
    #: API names always allowed in lesson code (modules, functions, methods).
    allowlist: list[str] = Field(default_factory=list)
    #: Phase 1 sources that are outside the course ("prior knowledge").
    external_sources: list[str] = Field(
        default_factory=lambda: ["prior knowledge", "course prerequisite", "course prerequisites", "external"]
    )
    #: Words never reported as untaught terms.
    stop_terms: list[str] = Field(default_factory=list)
    #: Maximum number of review iterations.
    max_iterations: int = 3

    @field_validator("select", "ignore", mode="before")
    @classmethod
    def _known_prefixes(cls, value: Any) -> Any:
        return _checked_codes(value, prefix=True)

    @field_validator("severity", mode="before")
    @classmethod
    def _known_codes(cls, value: Any) -> Any:
        if isinstance(value, dict):
            _checked_codes(list(value), prefix=False)
            return {str(code).strip().upper(): level for code, level in value.items()}
        return value

    @field_validator("per_file_ignores", mode="before")
    @classmethod
    def _known_per_file(cls, value: Any) -> Any:
        if isinstance(value, dict):
            return {str(glob): _checked_codes(codes, prefix=True) for glob, codes in value.items()}
        return value

    def enabled(self, code: str) -> bool:
        """Is rule ``code`` selected? Prefixes work like ruff's (``P2`` selects ``P201``)."""
        if self.select and not any(code.startswith(prefix) for prefix in self.select):
            return False
        return not any(code.startswith(prefix) for prefix in self.ignore)

    def ignored_in(self, code: str, path: str, root: Path | None = None) -> bool:
        """Does ``per_file_ignores`` switch ``code`` off in ``path``?

        ``path`` is matched relative to ``root`` (the curriculum root) and to
        the working directory; a glob without ``/`` also matches the file name.
        """
        if not self.per_file_ignores:
            return False
        names = _relative_names(path, root)
        for glob, codes in self.per_file_ignores.items():
            if any(code.startswith(prefix) for prefix in codes) and any(_glob_regex(glob).fullmatch(n) for n in names):
                return True
        return False


def _checked_codes(value: Any, *, prefix: bool) -> Any:
    """Upper-cased codes; an unknown one is a validation error naming the closest real code."""
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        return value  # pydantic reports the wrong type
    from curriculum_cli.rules.codes import code_problem

    for item in value:
        problem = code_problem(str(item), prefix=prefix)
        if problem:
            raise PydanticCustomError("unknown_code", problem)
    return [str(item).strip().upper() for item in value]


def _relative_names(path: str, root: Path | None) -> list[str]:
    """``path`` as the posix names a per-file glob may match: from the root, from the cwd, the file name."""
    raw = Path(path)
    names = [raw.as_posix()]
    resolved = raw.resolve()
    for base in (root, Path.cwd()):
        if base is None:
            continue
        try:
            names.append(resolved.relative_to(base.resolve()).as_posix())
        except ValueError:
            pass
    names.append(PurePosixPath(raw.as_posix()).name)
    return list(dict.fromkeys(names))


@lru_cache(maxsize=256)
def _glob_regex(glob: str) -> re.Pattern[str]:
    """A gitignore-like glob as a regex: ``*`` and ``?`` stay in one folder, ``**`` spans folders."""
    text = glob.strip().removeprefix("./")
    if "/" not in text:
        text = "**/" + text  # a bare name matches in any folder
    out, i = [], 0
    while i < len(text):
        if text.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif text.startswith("**", i):
            out.append(".*")
            i += 2
        elif text[i] == "*":
            out.append("[^/]*")
            i += 1
        elif text[i] == "?":
            out.append("[^/]")
            i += 1
        elif text[i] == "[" and "]" in text[i + 2 :]:
            end = text.index("]", i + 2)
            body = text[i + 1 : end]
            out.append("[" + ("^" + body[1:] if body.startswith("!") else body).replace("\\", "\\\\") + "]")
            i = end + 1
        else:
            out.append(re.escape(text[i]))
            i += 1
    return re.compile("".join(out).rstrip("/") + "(?:/.*)?")
