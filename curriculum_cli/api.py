"""The library API: ``check(paths, config) -> Report``. The CLI is a thin layer over it."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from curriculum_cli import suppress
from curriculum_cli.cache import Cache, disabled_by_env, report_from_data, report_to_data, run_key
from curriculum_cli.config import Config
from curriculum_cli.errors import InputError
from curriculum_cli.execute.analysis import lesson_artifacts, prefetch
from curriculum_cli.findings import Finding, Severity, normalize
from curriculum_cli.load.config_file import merge, resolve_config
from curriculum_cli.load.curriculum import (
    display_path,
    find_root,
    load_curriculum,
    load_plan,
)
from curriculum_cli.load.files import read_text
from curriculum_cli.model.curriculum import Curriculum, Lesson
from curriculum_cli.rules.base import Rule
from curriculum_cli.rules.context import LessonContext
from curriculum_cli.rules.engine import RuleCrash, run_rules, selected
from curriculum_cli.rules.registry import all_rules


@dataclass
class Report:
    """The outcome of one run: findings, tool errors and what was checked."""

    findings: list[Finding] = field(default_factory=list)
    #: Tool errors (unreadable files, rule crashes): exit code 2.
    errors: list[str] = field(default_factory=list)
    #: Counters such as ``files``, ``lessons``, ``blocks``.
    stats: dict[str, int] = field(default_factory=dict)
    #: Sentences about what was and was not checked (for review notes).
    notes: list[str] = field(default_factory=list)
    #: Every file checked (as shown in findings) -> its kind: ``plan``, ``built`` or ``notebook``.
    checked: dict[str, str] = field(default_factory=dict)
    #: Findings left out because a baseline holds them (set by :mod:`curriculum_cli.baseline`).
    baselined: int = 0

    def count(self, key: str, amount: int = 1) -> None:
        self.stats[key] = self.stats.get(key, 0) + amount

    def failed(self, threshold: Severity) -> bool:
        return any(f.severity.at_least(threshold) for f in self.findings)

    def merge(self, other: Report) -> None:
        """Add ``other``'s findings, errors, counters, notes and checked files to this report."""
        self.findings.extend(other.findings)
        self.errors.extend(other.errors)
        for key, amount in other.stats.items():
            self.count(key, amount)
        self.notes.extend(other.notes)
        self.checked.update(other.checked)


_PLAN_MARKERS = re.compile(
    r"^(#\s*lesson\b|\*\*type:\*\*|#{2,4}\s*(phase [123]\b|checklists?\b|prerequisites|misconceptions|"
    r"cognitive load|scope boundaries|review\b.*iteration))",
    re.IGNORECASE | re.MULTILINE,
)


def _is_planning_doc(path: Path) -> bool:
    """Does ``path`` look like a planning document (title, ``**Type:**`` or planning parts)?"""
    try:
        text = read_text(path)[:65536]
    except InputError:
        return False
    return _PLAN_MARKERS.search(text) is not None


#: Lesson rules that need a curriculum (records, planning doc), skipped for loose artifacts.
_NEEDS_CURRICULUM = ("C2", "X")
_ARTIFACT_SUFFIXES = (".ipynb", ".tsx", ".mdx", ".md")


_PYTHON_FENCE = re.compile(r"^\s*(```|~~~)\s*(python|py|python3)\b", re.IGNORECASE | re.MULTILINE)


def _is_artifact(path: Path) -> bool:
    """A built lesson or notebook: .ipynb/.tsx/.mdx, or Markdown with Python blocks that is no planning doc."""
    if path.suffix != ".md":
        return path.suffix in _ARTIFACT_SUFFIXES
    try:
        text = read_text(path)
    except InputError:
        return False
    return _PYTHON_FENCE.search(text) is not None and not _is_planning_doc(path)


def _under(path: str, selection: list[Path]) -> bool:
    resolved = Path(path).resolve()
    return any(resolved == chosen or chosen in resolved.parents for chosen in selection)


def _lesson_selected(lesson: Lesson, selection: list[Path]) -> bool:
    paths = ([lesson.plan.path] if lesson.plan else []) + lesson.artifacts
    return any(_under(p, selection) for p in paths)


class _Run:
    def __init__(self, config: Config, *, jobs: int = 1, progress: Any = None, changed: set[Path] | None = None) -> None:
        self.config = config
        self.report = Report()
        self.rules = all_rules()
        self.services: dict[str, Any] = {"jobs": jobs, "progress": progress}
        #: Root of the curriculum being checked (per-file-ignores globs are relative to it).
        self.root: Path | None = None
        #: ``--changed-since``: files changed since the ref (only the lessons they affect are checked).
        self.changed = changed
        self.progress = progress

    @contextmanager
    def part(self) -> Iterator[Report]:
        """Collect into a fresh report (one root, or the loose files), suppressions applied, then merge it."""
        whole, self.report = self.report, Report()
        part = self.report
        try:
            yield part
            part.findings = suppress.apply(part.findings, part.checked, self.config, self.root)
        finally:
            self.report = whole
            whole.merge(part)

    def close(self) -> None:
        for service in self.services.values():
            closer = getattr(service, "close", None)
            if callable(closer):
                closer()

    def _add(self, findings: Iterable[Finding]) -> None:
        self.report.findings.extend(f for f in findings if not self.config.ignored_in(f.code, f.path, self.root))

    def standalone(self, files: list[Path]) -> None:
        """Files outside any curriculum: planning docs get the document rules,
        built lessons and notebooks the code rules that need no curriculum."""
        artifacts = [path for path in files if _is_artifact(path)]
        for path in files:
            if path in artifacts:
                continue
            try:
                plan_doc = load_plan(path, display_path(path))
            except InputError as error:
                self.report.errors.append(str(error))
                continue
            self.report.count("files")
            self.report.checked[plan_doc.path] = "plan"
            self._add(run_rules(selected(self.rules, self.config, "plan"), plan_doc, plan_doc.path, self.config))
        rules = [r for r in selected(self.rules, self.config, "lesson") if not r.code.startswith(_NEEDS_CURRICULUM)]
        contexts: list[tuple[str, LessonContext]] = []
        for path in artifacts:
            shown = display_path(path)
            lesson = Lesson(slug=path.stem, notebooks=[shown]) if path.suffix == ".ipynb" else Lesson(slug=path.stem, built=[shown])
            curriculum = Curriculum(root=path.resolve().parent, config=self.config, lessons=[lesson])
            self.report.count("files")
            self.report.checked[shown] = "notebook" if path.suffix == ".ipynb" else "built"
            contexts.append((shown, LessonContext(lesson, curriculum, self.config, self.services)))
        prefetch([context for _, context in contexts])
        for shown, context in contexts:
            self._lesson(rules, context, shown)
        if files:
            self.report.notes.append("cross-document rules skipped: no curriculum root (course.md or curriculum.yaml) found")
        if artifacts:
            self.report.notes.append("taught-API rules (C2xx) skipped for files outside a curriculum: no records to check against")

    def curriculum(self, root: Path, selection: list[Path]) -> None:
        curriculum = load_curriculum(root, self.config, self.report.errors)
        self.root = root
        if self.changed is not None:
            from curriculum_cli.changed import affected

            lessons, files = affected(curriculum, self.changed)
            paths = [Path(p).resolve() for lesson in lessons for p in ([lesson.plan.path] if lesson.plan else []) + lesson.artifacts]
            selection = [p for p in [*paths, *files] if _under(str(p), selection)]
        chosen = [lesson for lesson in curriculum.lessons if _lesson_selected(lesson, selection)]
        plan_rules = selected(self.rules, self.config, "plan")
        lesson_rules = selected(self.rules, self.config, "lesson")
        contexts = [LessonContext(lesson, curriculum, self.config, self.services) for lesson in chosen]
        if self.progress is not None:
            self.progress.total("lessons", len(chosen))
        prefetch(contexts)
        for lesson, context in zip(chosen, contexts):
            self.report.count("lessons")
            self.report.count("files", 1 + len(lesson.artifacts))
            self.report.checked.update({lesson.plan.path: "plan"} if lesson.plan else {})
            self.report.checked.update({**dict.fromkeys(lesson.built, "built"), **dict.fromkeys(lesson.notebooks, "notebook")})
            if lesson.plan:
                self._add(run_rules(plan_rules, lesson.plan, lesson.plan.path, self.config))
            path = lesson.plan.path if lesson.plan else (lesson.artifacts or [str(root)])[0]
            self._lesson(lesson_rules, context, path)
            if self.progress is not None:
                self.progress.advance("lessons")
        self._curriculum_rules(curriculum, selection)

    def _lesson(self, rules: list[Rule], context: LessonContext, path: str) -> None:
        """Lesson rules, then what the shared code analysis counted (blocks, notes)."""
        self._add(run_rules(rules, context, path, self.config))
        # One rule for unreadable input of every kind (planning doc, page, notebook): a tool error, exit 2.
        lesson_artifacts(context)
        self.report.errors.extend(reason for _, reason in context.cache.get("unreadable", []))
        code = context.cache.get("code")
        if code is not None:
            self.report.count("blocks", code.blocks)
            self.report.count("blocks_run", code.blocks_run)
            self.report.notes.extend(code.notes)

    def _curriculum_rules(self, curriculum: Curriculum, selection: list[Path]) -> None:
        rules = selected(self.rules, self.config, "curriculum")
        findings = run_rules(rules, curriculum, str(curriculum.root), self.config)
        self._add(f for f in findings if _under(f.path, selection))


def check(
    paths: Sequence[Path | str],
    config: Config | None = None,
    *,
    overrides: Mapping[str, Any] | None = None,
    jobs: int | None = None,
    cache: bool = True,
    progress: Any = None,
    changed_since: str | None = None,
) -> Report:
    """Check ``paths`` (files or folders) and return every finding.

    A folder may be a curriculum root or any part of one: the whole
    curriculum is loaded (cross-document rules need it) and findings are kept
    for what lies under the given paths.  Files outside any curriculum get
    the single-document rules.

    Configuration: an explicit ``config`` is used for every root; without
    one, each curriculum root uses its own ``curriculum.yaml`` (or
    ``[tool.curriculum]``).  ``overrides`` (command-line options, config keys)
    apply on top in both cases.  A bad configuration raises ``ConfigError``.

    ``jobs`` lessons run their code at once (default: the number of cores);
    ``cache`` reads and writes ``.curriculum_cache/`` at each root (unless
    ``CURRICULUM_NO_CACHE=1``); ``progress`` (a :class:`~curriculum_cli.progress.Progress`)
    is told what was checked and run; ``changed_since`` (a git ref) limits the
    check to the lessons the files changed since then affect (a bad ref or no
    repository raises ``InputError``).
    """
    changed = None
    if changed_since is not None:
        from curriculum_cli.changed import changed_files

        changed = changed_files(changed_since, Path(paths[0]) if paths else Path.cwd())
    run = _Run(
        merge(config or Config(), overrides), jobs=jobs or os.cpu_count() or 1, progress=progress, changed=changed
    )
    use_cache = cache and not disabled_by_env()
    groups: dict[Path, list[Path]] = {}
    loose: list[Path] = []
    try:
        for raw in paths:
            path = Path(raw)
            if not path.exists():
                run.report.errors.append(f"{raw}: no such file or directory")
                continue
            root = find_root(path)
            if root is not None:
                groups.setdefault(root, []).append(path.resolve())
            elif path.is_dir():
                found = sorted(
                    p for p in path.rglob("*")
                    if p.suffix in _ARTIFACT_SUFFIXES and p.is_file() and (_is_planning_doc(p) or _is_artifact(p))
                )
                if not found:
                    run.report.errors.append(f"{raw}: no planning documents, lessons or notebooks found (.md, .mdx, .tsx, .ipynb)")
                loose.extend(found)
            else:
                loose.append(path)
        if changed is not None:
            loose = [path for path in loose if path.resolve() in changed]
        with run.part():
            run.standalone(loose)
        for root, selection in groups.items():
            run.config = merge(config, overrides) if config is not None else resolve_config(root, overrides)
            _check_root(run, root, selection, changed, use_cache)
    except RuleCrash as crash:
        run.report.errors.append(str(crash))
    finally:
        run.close()
    run.report.findings = normalize(run.report.findings)
    return run.report


def _check_root(run: _Run, root: Path, selection: list[Path], changed: set[Path] | None, use_cache: bool) -> None:
    """Check one curriculum root, or take the whole result from its cache when no input changed."""
    store = Cache(root) if use_cache else None
    run.services["cache"] = store
    executor = run.services.get("executor")
    if executor is not None:
        executor.cache = store
    key = run_key(root, selection, run.config, sorted(map(str, changed)) if changed is not None else None) if store else ""
    if store is not None:
        cached = report_from_data(store.load("run", key))
        if cached is not None:
            run.report.merge(cached)
            return
    run.root = root
    with run.part() as part:
        run.curriculum(root, selection)
    if store is not None and not part.errors:
        store.store("run", key, report_to_data(part))
