"""The shared per-lesson code work, done once and read by every code rule.

:func:`lesson_code` extracts the blocks of every artifact of a lesson, runs
the static pass on each chain (one chain per artifact: a built lesson's
blocks, or a notebook's cells), builds the taught-API inventory and, when
``config.exec.enabled``, runs each chain through one shared executor
(``ctx.services["executor"]``).  It turns all of that into issues keyed by
rule code; the rules in :mod:`curriculum_cli.rules.code` only yield them.
"""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from curriculum_cli.errors import InputError
from curriculum_cli.execute._packages import known_modules, near_typo
from curriculum_cli.execute.blocks import EXECUTOR_FAILURE, BlockResult, CodeBlock
from curriculum_cli.execute.claims import (
    Claim,
    expected_text,
    find_claims,
    matches,
    outputs_for,
)
from curriculum_cli.execute.inventory import (
    Inventory,
    Taught,
    build_inventory,
    index_rows,
    not_texts,
    plan_texts,
    record_rows,
    teach_text,
)
from curriculum_cli.execute.sources import Artifact, read_artifact
from curriculum_cli.execute.static import ChainStatic, KeywordUse, Undefined, analyze_chain
from curriculum_cli.findings import Edit, Issue
from curriculum_cli.load.files import read_text

_NAME_ERROR = re.compile(r"name '([^']+)' is not defined")


class ChainExecutor(Protocol):
    def run_chain(self, blocks: list[CodeBlock]) -> list[BlockResult]: ...


@dataclass
class Mismatch:
    """A claimed output that disagrees with what the line printed."""

    block: CodeBlock
    claim: Claim
    actual: str

    @property
    def line(self) -> int:
        return self.block.artifact_line(self.claim.line)


@dataclass
class Chain:
    artifact: Artifact
    static: ChainStatic
    #: Results by block index; empty when not executed.
    results: dict[int, BlockResult] = field(default_factory=dict)
    mismatches: list[Mismatch] = field(default_factory=list)
    #: Undefined names worth reporting, by block index (see :func:`classify_undefined`).
    reported_names: dict[int, list[Undefined]] = field(default_factory=dict)
    #: Names that drifted from a similar name defined earlier: name -> that name.
    drifted: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        classify_undefined(self)


@dataclass
class LessonCode:
    chains: list[Chain] = field(default_factory=list)
    inventory: Inventory = field(default_factory=Inventory)
    issues: dict[str, list[Issue]] = field(default_factory=lambda: defaultdict(list))
    blocks: int = 0
    blocks_run: int = 0
    notes: list[str] = field(default_factory=list)

    def issues_for(self, code: str) -> list[Issue]:
        return self.issues.get(code, [])


# --------------------------------------------------------------------------- entry points


def lesson_artifacts(ctx: Any) -> list[Artifact]:
    """Every readable artifact of ``ctx.lesson`` (cached as ``artifacts``)."""
    return ctx.cached("artifacts", lambda: _read_artifacts(ctx))


def lesson_code(ctx: Any) -> LessonCode:
    """Blocks, static pass, inventory and run results of ``ctx.lesson`` (cached as ``code``)."""
    return ctx.cached("code", lambda: _analyze(ctx))


def _read_artifacts(ctx: Any) -> list[Artifact]:
    out: list[Artifact] = []
    for path in ctx.lesson.artifacts:
        file = Path(path)
        if not file.exists() and not file.is_absolute():
            file = Path(ctx.curriculum.root) / path
        try:
            artifact = read_artifact(path, read_text(file))
        except InputError as error:
            ctx.cache.setdefault("unreadable", []).append((path, str(error)))
            continue
        out.append(artifact)
        # The static pass decides which blocks are fragments (not run), so it
        # happens before anything runs them (``prefetch`` included).
        ctx.cache.setdefault("chains", {})[path] = Chain(
            artifact, analyze_chain(artifact.blocks, notebook=artifact.kind == "notebook")
        )
    return out


def _record_rows(curriculum: Any) -> list[Any]:
    """``record_rows`` once per curriculum (re-read when a record object is replaced, e.g. by ``record``)."""
    key = tuple(id(module.record) for module in curriculum.modules.values())
    cached = curriculum.extra.get("api_rows")
    if cached is None or cached[0] != key:
        cached = (key, index_rows(record_rows(curriculum)))
        curriculum.extra["api_rows"] = cached
    return cached[1]


def _inventory(ctx: Any) -> Inventory:
    plan = ctx.lesson.plan.plan if ctx.lesson.plan else None
    return build_inventory(
        _record_rows(ctx.curriculum),
        ctx.lesson.order,
        plan_texts(plan),
        ctx.config.allowlist,
        not_texts(plan),
    )


def _analyze(ctx: Any) -> LessonCode:
    code = LessonCode(inventory=_inventory(ctx))
    executor = executor_for(ctx) if ctx.config.exec.enabled else None
    artifacts = lesson_artifacts(ctx)
    explained = _explainer(ctx, artifacts)
    for artifact in artifacts:
        for problem in artifact.problems:
            code.issues.setdefault("C100", []).append(Issue(problem, line=1, path=artifact.path, subject="unreadable"))
        chain = ctx.cache.get("chains", {}).get(artifact.path) or Chain(
            artifact, analyze_chain(artifact.blocks, notebook=artifact.kind == "notebook")
        )
        code.chains.append(chain)
        code.blocks += len(artifact.blocks)
        if executor is not None and artifact.blocks:
            chain.results = _run(executor, artifact.blocks, code.notes, artifact.path)
            code.blocks_run += sum(r.status not in ("skipped", "not-run") for r in chain.results.values())
        check_chain(
            chain, code.inventory, ctx.config.exec.float_tolerance, code.issues, ctx.config.exec.assumed_packages,
            tracked=ctx.config.exec.tracked_packages, explained=explained,
        )
    for rule_code in ("C201", "C202", "C203"):  # one finding per lesson and API or keyword
        if rule_code in code.issues:
            code.issues[rule_code] = list({issue.subject: issue for issue in reversed(code.issues[rule_code])}.values())[::-1]
    return code


def _explainer(ctx: Any, artifacts: list[Artifact]) -> Callable[[str], bool]:
    """``explained(keyword)``: is it mentioned in this lesson's prose (any artifact) or an earlier lesson's?"""
    own = "\n".join(artifact.prose_text for artifact in artifacts)
    earlier: set[str] | None = None

    def explained(keyword: str) -> bool:
        nonlocal earlier
        if _mentions(own, keyword):
            return True
        if earlier is None:
            earlier = _earlier_words(ctx)
        return keyword in earlier

    return explained


_WORD = re.compile(r"[A-Za-z_]\w*")


def _plain_text(path: str, ctx: Any) -> str:
    file = Path(path)
    if not file.exists() and not file.is_absolute():
        file = Path(ctx.curriculum.root) / path
    try:
        return read_text(file)
    except (InputError, OSError, ValueError):
        return ""


def _earlier_words(ctx: Any) -> set[str]:
    """Every word of the planning docs up to this lesson and of the built prose of
    lessons before it (each file read once per run)."""
    cache: dict[str, frozenset[str]] = ctx.curriculum.extra.setdefault("prose_words", {})
    words: set[str] = set()
    for lesson in ctx.curriculum.lessons:
        if lesson.order > ctx.lesson.order:
            continue
        if lesson.plan is not None:  # planning docs, this lesson's included
            if lesson.plan.path not in cache:
                cache[lesson.plan.path] = frozenset(_WORD.findall(_plain_text(lesson.plan.path, ctx)))
            words |= cache[lesson.plan.path]
        if lesson.order == ctx.lesson.order:
            continue
        for path in lesson.artifacts:
            if path not in cache:
                file = Path(path)
                if not file.exists() and not file.is_absolute():
                    file = Path(ctx.curriculum.root) / path
                try:
                    cache[path] = frozenset(_WORD.findall(read_artifact(path, read_text(file)).prose_text))
                except (InputError, OSError, ValueError):
                    cache[path] = frozenset()
            words |= cache[path]
    return words


def _run(executor: ChainExecutor, blocks: list[CodeBlock], notes: list[str], path: str) -> dict[int, BlockResult]:
    try:
        results = executor.run_chain(list(blocks))
    except Exception as error:  # noqa: BLE001 - reported as C307 on the first block, never a pass
        notes.append(f"{path}: code not executed ({type(error).__name__}: {error})")
        first = blocks[0]
        reason = f"the executor failed: {type(error).__name__}: {error}"
        return {first.index: BlockResult(index=first.index, status="not-run", exception=EXECUTOR_FAILURE, reason=reason)}
    return {result.index: result for result in results}


# --------------------------------------------------------------------------- executor service


class ExecutorService:
    """The run's executors: started on first use, closed by the API at the end.

    ``run_chain`` answers from chains already run by :meth:`prefetch`, then
    from the cache (``exec/`` entries), and only then runs the chain.
    ``prefetch`` runs many chains on up to ``jobs`` executors at once (one
    preloaded worker each); results do not depend on which ran a chain.
    """

    def __init__(self, config: Any, cache: Any = None, jobs: int = 1, progress: Any = None) -> None:
        self.config = config
        self.cache = cache
        self.jobs = max(1, jobs)
        self.progress = progress
        self._executors: list[Any] = []
        self._done: dict[str, list[BlockResult]] = {}

    def _options(self) -> Any:
        from curriculum_cli.execute.runner import ExecOptions

        exec_config = self.config.exec
        return ExecOptions(
            timeout=exec_config.timeout,
            memory_mb=exec_config.memory_mb,
            preload=tuple(exec_config.preload),
            output_limit=exec_config.output_limit,
            trace_apis=True,
            disk_mb=exec_config.disk_mb,
        )

    def _key(self, blocks: list[CodeBlock]) -> str:
        from curriculum_cli.cache import chain_key
        from curriculum_cli.execute.runner import block_message

        options = self._options()
        return chain_key(
            [block_message(block) for block in blocks],
            {"timeout": options.timeout, "memory_mb": options.memory_mb, "preload": list(options.preload),
             "output_limit": options.output_limit, "disk_mb": options.disk_mb},
        )

    def _executor(self, slot: int) -> Any:
        from curriculum_cli.execute.runner import Executor

        while len(self._executors) <= slot:
            self._executors.append(Executor(self._options()))
        return self._executors[slot]

    def _lookup(self, key: str) -> list[BlockResult] | None:
        if key in self._done:
            return self._done[key]
        if self.cache is None:
            return None
        from curriculum_cli.cache import results_from_data

        found = results_from_data(self.cache.load("exec", key))
        if found is not None:
            self._done[key] = found
        return found

    def _execute(self, slot: int, key: str, blocks: list[CodeBlock]) -> list[BlockResult]:
        results: list[BlockResult] = []
        for result in self._executor(slot).iter_chain(blocks):
            results.append(result)
            if self.progress is not None:
                self.progress.advance("blocks")
        self._done[key] = results
        if self.cache is not None and _cacheable(results):
            from curriculum_cli.cache import results_to_data

            self.cache.store("exec", key, results_to_data(results))
        return results

    def run_chain(self, blocks: list[CodeBlock]) -> list[BlockResult]:
        key = self._key(blocks)
        found = self._lookup(key)
        if found is not None:
            return found
        return self._execute(0, key, blocks)

    def prefetch(self, chains: list[list[CodeBlock]]) -> None:
        """Run every chain not cached yet, on up to ``jobs`` executors; failures are left to ``run_chain``."""
        import queue
        import threading

        todo: queue.Queue[tuple[str, list[CodeBlock]]] = queue.Queue()
        keys: set[str] = set()
        for blocks in chains:
            key = self._key(blocks)
            if key not in keys and self._lookup(key) is None:
                keys.add(key)
                todo.put((key, blocks))
        if self.progress is not None:
            self.progress.total("blocks", sum(len(blocks) for _, blocks in list(todo.queue)))
        workers = min(self.jobs, todo.qsize())
        if workers <= 1:
            while not todo.empty():
                self._try(0, *todo.get())
            return

        def work(slot: int) -> None:
            while True:
                try:
                    key, blocks = todo.get_nowait()
                except queue.Empty:
                    return
                self._try(slot, key, blocks)

        for slot in range(workers):
            self._executor(slot)  # created here, in order, not from the threads
        threads = [threading.Thread(target=work, args=(slot,), daemon=True) for slot in range(workers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    def _try(self, slot: int, key: str, blocks: list[CodeBlock]) -> None:
        try:
            self._execute(slot, key, blocks)
        except Exception:  # noqa: BLE001 - run_chain runs it again and reports the failure
            self._done.pop(key, None)

    def close(self) -> None:
        executors, self._executors = self._executors, []
        for executor in executors:
            executor.close()


def _cacheable(results: list[BlockResult]) -> bool:
    """Only clean outcomes are kept: a timeout, memory or dead-worker result may depend on the machine's load."""
    return bool(results) and all(r.status not in ("timeout", "memory", "not-run") for r in results)


def executor_for(ctx: Any) -> ChainExecutor:
    service = ctx.services.get("executor")
    if service is None:
        service = ctx.services["executor"] = ExecutorService(
            ctx.config, ctx.services.get("cache"), ctx.services.get("jobs", 1), ctx.services.get("progress")
        )
    return service


def prefetch(contexts: list[Any]) -> None:
    """Run the code of every lesson in ``contexts`` up front, in parallel (``services["jobs"]``)."""
    if not contexts or not contexts[0].config.exec.enabled:
        return
    chains = [artifact.blocks for ctx in contexts for artifact in lesson_artifacts(ctx) if artifact.blocks]
    if chains:
        service = executor_for(contexts[0])
        if isinstance(service, ExecutorService):
            service.prefetch(chains)


# --------------------------------------------------------------------------- checks


def check_chain(
    chain: Chain,
    inventory: Inventory,
    tolerance: float,
    issues: dict[str, list[Issue]],
    assumed: Collection[str] | None = None,
    *,
    tracked: Collection[str] = ("torch",),
    explained: Callable[[str], bool] | None = None,
) -> None:
    """Turn one chain's static and runtime results into issues by rule code (added to ``issues``).

    ``tracked`` are the packages whose APIs and keywords C201/C203 judge
    (``exec.tracked_packages``); ``explained(keyword)`` says whether the
    lesson's other artifacts or an earlier lesson's prose mention a keyword.

    ``assumed`` lists the third-party packages assumed present where students
    run the lesson (``exec.assumed_packages``).  A missing module is "not
    verified here" (one C305 per artifact) unless it is a near-typo of a module
    the student has (standard library, Colab's packages, ``assumed``, what
    the artifact installs): then it is a lesson defect (C301).
    """
    found: dict[str, list[Issue]] = defaultdict(list)
    _syntax(chain, found)
    _names(chain, found)
    _apis(chain, inventory, found, tracked)
    _keywords(chain, inventory, found, tracked, explained)
    _runtime(chain, found, assumed)
    _claims(chain, tolerance, found)
    for code, items in found.items():
        issues.setdefault(code, []).extend(items)


def _line(block: CodeBlock, source_line: int | None) -> int:
    if source_line is None or block.replacement is not None:
        return block.line
    return block.artifact_line(source_line)


def _syntax(chain: Chain, issues: dict[str, list[Issue]]) -> None:
    for block, info in zip(chain.artifact.blocks, chain.static.blocks):
        if info.syntax is None or block.mode == "skip":
            continue
        issues["C101"].append(
            Issue(
                f"{block.label} does not parse: SyntaxError: {info.syntax.message}",
                line=_line(block, info.syntax.line),
                path=block.path,
                subject=f"SyntaxError: {info.syntax.message}",
                fix="fix the syntax so the block runs as shown"
                + (" (an exercise cell must parse before the student fills it in)" if block.kind == "cell" else ""),
            )
        )


def classify_undefined(chain: Chain) -> None:
    """Decide which undefined names are defects, and mark fragments not to run.

    A lesson page's blocks are often fragments: ``model``, ``train_loader``
    stand for "your model, your loader".  An undefined name is reported
    (CRITICAL) only when it drifted from a similar name defined earlier
    (``modle`` after ``model``), in a notebook (cells are run as they are), or
    in a block otherwise complete (the lesson presents it as complete, or it
    has its own imports and only this one name missing).  Other blocks with
    undefined names are fragments: not reported and not run.
    """
    blocks = chain.artifact.blocks
    by_block: dict[int, list[Undefined]] = defaultdict(list)
    for item in chain.static.undefined:
        if all(item.name != seen.name for seen in by_block[item.block]):
            by_block[item.block].append(item)
    earlier: set[str] = set()
    for index, info in enumerate(chain.static.blocks):
        items = by_block.get(index)
        if items:
            block = blocks[index]
            candidates = [n for n in earlier | info.bound | chain.static.local_defs if len(n) >= 3]
            for item in items:
                close = difflib.get_close_matches(item.name, candidates, n=1, cutoff=0.8) if len(item.name) >= 3 else []
                if close and close[0] != item.name:
                    chain.drifted[item.name] = close[0]
            own_imports = any(use.kind == "import" for use in info.apis)
            complete = block.complete or (own_imports and len(items) == 1)
            keep = [i for i in items if i.name in chain.drifted or chain.artifact.kind == "notebook" or complete]
            if keep:
                chain.reported_names[index] = keep
            elif block.mode == "run" and block.kind != "cell":
                block.mode, block.not_run = "skip", "fragment"
        earlier |= info.bound


def _names(chain: Chain, issues: dict[str, list[Issue]]) -> None:
    blocks = chain.artifact.blocks
    for index, items in chain.reported_names.items():
        block = blocks[index]
        names = [item.name for item in items]
        listed = ", ".join(f"`{name}`" for name in names)
        drift = [f"`{name}` (did you mean `{chain.drifted[name]}`?)" for name in names if name in chain.drifted]
        verb = "is" if len(names) == 1 else "are"
        issues["C102"].append(
            Issue(
                f"{listed} {verb} used in {block.label} but defined nowhere before it"
                + (f"; drifted from an earlier name: {', '.join(drift)}" if drift else ""),
                line=_line(block, items[0].line),
                path=block.path,
                subject=",".join(names),
                fix="define or import "
                + ", ".join(f"`{chain.drifted.get(name, name)}`" if name not in chain.drifted else f"use `{chain.drifted[name]}`" for name in names)
                + " before this line",
            )
        )
    named = [b.index for b in blocks if b.filename and b.mode != "skip"]
    borrowing = {b.block for b in chain.static.borrowed}
    for borrowed in chain.static.borrowed:
        block = blocks[borrowed.block]
        others = [i for i in named if i != block.index]
        self_contained_page = len(others) >= 2 and not any(i in borrowing for i in others)
        if not (block.complete or self_contained_page):
            continue
        source = blocks[borrowed.from_block]
        issues["C103"].append(
            Issue(
                f"{block.label} is presented as a file but uses `{borrowed.name}` from {source.label} "
                f"(line {_line(source, borrowed.from_line)})",
                line=_line(block, borrowed.line),
                path=block.path,
                subject=borrowed.name,
                fix=f"define or import `{borrowed.name}` in {block.filename}, or drop the filename",
            )
        )


def _prose_taught(chain: Chain) -> Taught:
    return teach_text(chain.artifact.prose_text)


def _tracked(api: str, tracked: Collection[str]) -> bool:
    return api.split(".")[0] in tracked


def _apis(chain: Chain, inventory: Inventory, issues: dict[str, list[Issue]], tracked: Collection[str] = ("torch",)) -> None:
    prose = Inventory(taught=_prose_taught(chain), allow=set())
    seen: set[str] = set()

    def report(api: str, kind: str, block: CodeBlock, line: int) -> None:
        if api in seen:
            return
        excluded = inventory.excluded_by(api)
        if excluded is not None:
            seen.add(api)
            issues["C202"].append(
                Issue(
                    f"`{api}` is outside this lesson's scope (the NOT list names `{excluded}`)",
                    line=line,
                    path=block.path,
                    subject=api,
                    fix=f"rewrite the block without `{api}`, or move it to the lesson that teaches it",
                )
            )
            return
        if kind == "attribute" and not inventory.knows(api):
            return
        if not _tracked(api, tracked) or inventory.covers(api, kind) or prose.covers(api, kind):
            return
        seen.add(api)
        later = inventory.taught_later(api)
        where = f"; taught later in `{later}`" if later else ""
        what = "import" if kind == "import" else "API"
        issues["C201"].append(
            Issue(
                f"{what} `{api}` is not taught by this lesson or an earlier one{where}",
                line=line,
                path=block.path,
                subject=api,
                fix=f"explain `{api}` in the prose before this block, or use what the student was taught",
            )
        )

    for block, info in zip(chain.artifact.blocks, chain.static.blocks):
        for use in info.apis:
            report(use.api, use.kind, block, _line(block, use.line))
    for block in chain.artifact.blocks:
        result = chain.results.get(block.index)
        for api in sorted(result.called if result else ()):
            if any(part.startswith("_") for part in api.split(".")):
                continue
            # Operators trace as methods (``a * b`` -> ``Tensor.mul``): only a
            # method the block spells out (``.zero_(``) counts as shown.
            method = api.rsplit(".", 1)[-1]
            source = block.replacement or block.source
            shown = re.search(rf"\.\s*{re.escape(method)}\b", source)
            if api.startswith("torch.Tensor.") and not shown:
                continue
            line = source.count("\n", 0, shown.start()) + 1 if shown else 1
            # ``p.shape`` (not called) is an attribute: like a static one, reported
            # only when some record names it.
            kind = "attribute" if shown and api.startswith("torch.Tensor.") and not re.match(r"\s*\(", source[shown.end():]) else "call"
            report(api, kind, block, _line(block, line) if block.replacement is None else block.line)


#: Methods that, on an object the static pass cannot place, are torch's.
_TRACKED_METHOD_HINTS = frozenset({"backward", "zero_grad", "requires_grad_", "register_hook", "retain_grad"})


def _keyword_tracked(use: KeywordUse, block: CodeBlock, chain: Chain, tracked: Collection[str]) -> bool:
    """Is the callee of ``use`` part of a tracked package?"""
    if not use.callee.startswith("."):
        return _tracked(use.callee, tracked)
    if use.receiver is not None:
        return use.receiver in tracked
    method = use.callee[1:]
    result = chain.results.get(block.index)
    called = result.called if result else set()
    if any(api.rsplit(".", 1)[-1] == method and _tracked(api, tracked) for api in called):
        return True
    return "torch" in tracked and method in _TRACKED_METHOD_HINTS


def _keywords(
    chain: Chain,
    inventory: Inventory,
    issues: dict[str, list[Issue]],
    tracked: Collection[str] = ("torch",),
    explained: Callable[[str], bool] | None = None,
) -> None:
    prose = chain.artifact.prose_text
    local = chain.static.local_defs
    seen: set[str] = set()
    for block, info in zip(chain.artifact.blocks, chain.static.blocks):
        comments = " ".join(text for _, text in info.comments)
        for use in info.keywords:
            callee = use.callee
            name = callee.lstrip(".")
            if use.local or name in local or name.rsplit(".", 1)[-1] in local and callee.startswith("."):
                continue
            if not _keyword_tracked(use, block, chain, tracked):
                continue
            if not callee.startswith(".") and inventory.allows_exactly(callee):
                continue
            keyword = use.keyword
            if keyword in seen or inventory.covers_keyword(keyword) or _mentions(prose, keyword) or _mentions(comments, keyword):
                continue
            if explained is not None and explained(keyword):
                continue
            seen.add(keyword)
            issues["C203"].append(
                Issue(
                    f"keyword argument `{keyword}=` (in `{callee}(...)`) is never explained",
                    line=_line(block, use.line),
                    path=block.path,
                    subject=f"{keyword}=",
                    fix=f"say in the prose (or a comment) what `{keyword}=` does, or drop it",
                )
            )


#: Keywords of methods of builtin types (``"{x}".format(x=1)``, ``items.sort(key=len)``).
_BUILTIN_METHOD_KEYWORDS: dict[str, frozenset[str] | None] = {
    "format": None, "update": None, "format_map": None,
    "sort": frozenset({"key", "reverse"}),
    "split": frozenset({"sep", "maxsplit"}), "rsplit": frozenset({"sep", "maxsplit"}),
    "splitlines": frozenset({"keepends"}),
    "encode": frozenset({"encoding", "errors"}), "decode": frozenset({"encoding", "errors"}),
    "fromkeys": None, "setdefault": None, "to_bytes": frozenset({"length", "byteorder", "signed"}),
}


def _builtin_method_keyword(method: str, keyword: str) -> bool:
    if method not in _BUILTIN_METHOD_KEYWORDS:
        return False
    allowed = _BUILTIN_METHOD_KEYWORDS[method]
    return allowed is None or keyword in allowed


def _mentions(text: str, word: str) -> bool:
    return bool(text) and re.search(rf"(?<![\w]){re.escape(word)}(?![\w])", text) is not None


def _runtime(chain: Chain, issues: dict[str, list[Issue]], assumed: Collection[str] | None = None) -> None:
    if not chain.results:
        return
    blocks = chain.artifact.blocks
    static_names = {u.name for u in chain.static.undefined}
    unverified: set[str] = set()  # names bound by blocks that did not run clean
    found: dict[str, list[Issue]] = defaultdict(list)
    for block, info in zip(blocks, chain.static.blocks):
        result = chain.results.get(block.index)
        if result is None:
            continue
        _one_result(block, result, chain, static_names, unverified, found, assumed)
        if result.status != "ok" or block.mode in ("skip", "exercise"):
            unverified |= info.bound | result.poisoned
    environment = found.pop("C305", [])
    for code, items in found.items():
        issues[code].extend(items)
    if environment:
        issues["C305"].append(_not_verified(chain.artifact, environment))


def _not_verified(artifact: Artifact, items: list[Issue]) -> Issue:
    """One "not verified here" finding per artifact, listing every reason."""
    reasons = list(dict.fromkeys(item.subject or item.message for item in items))
    count = len(items)
    where = f"{count} block{'s' if count != 1 else ''}" if artifact.kind != "notebook" else f"{count} cell{'s' if count != 1 else ''}"
    return Issue(
        f"{where} not verified here: " + "; ".join(reasons[:5]) + (f"; and {len(reasons) - 5} more" if len(reasons) > 5 else ""),
        line=items[0].line,
        path=artifact.path,
        subject="not verified: " + "; ".join(sorted(reasons)),
        detail="\n".join(item.message for item in items),
    )


def _one_result(
    block: CodeBlock,
    result: BlockResult,
    chain: Chain,
    static_names: set[str],
    unverified: set[str],
    issues: dict[str, list[Issue]],
    assumed: Collection[str] | None = None,
) -> None:
    info = chain.static.blocks[block.index]
    line = _error_line(block, result)
    status = result.status
    if status == "ok":
        return  # for a ``raises`` block the runner has checked the expected exception
    if status == "error" and result.exception == "DidNotRaise":
        if block.mode == "raises":
            expected = block.expected_exception or "an exception"
            issues["C306"].append(
                Issue(
                    f"{block.label} is marked as raising {expected} but ran without error",
                    line=block.line,
                    path=block.path,
                    subject=f"raises {expected}",
                    fix="fix the example so it raises, or remove the marker",
                )
            )
        return
    if status == "not-run" and result.exception == EXECUTOR_FAILURE:
        why = result.reason or "the executor failed"
        issues["C307"].append(Issue(f"{block.label} and the blocks after it were not verified: {why}", line=block.line, path=block.path, subject="not verified"))
        return
    if status == "timeout":
        issues["C302"].append(Issue(f"{block.label} did not finish within the time limit", line=line, path=block.path, subject="timeout", detail=_trace(result)))
        return
    if status == "memory":
        issues["C303"].append(Issue(f"{block.label} exceeded the memory limit", line=line, path=block.path, subject="memory", detail=result.reason or result.message))
        return
    missing = _MISSING_MODULE.search(result.reason or "") if status == "environment" else None
    typo = missing and _module_typo(missing.group(1), chain.artifact, assumed)
    if missing and typo:
        module = missing.group(1)
        issues["C301"].append(
            Issue(
                f"{block.label} imports `{module}`, which does not exist; did you mean `{typo}`?",
                line=line,
                path=block.path,
                subject=f"ModuleNotFoundError: {module}",
                detail=_trace(result),
                fix=f"import `{typo}`",
            )
        )
        return
    if status == "environment":
        reason = result.reason or result.message or "the environment lacks something the block needs"
        issues["C305"].append(Issue(f"{block.label}: {reason}", line=line, path=block.path, subject=reason))
        return
    if status != "error" or result.cascade or info.syntax is not None:
        return
    exception = result.exception or "Exception"
    if block.mode == "raises" and (block.expected_exception is None or exception.split(".")[-1] == block.expected_exception.split(".")[-1]):
        return
    match = _NAME_ERROR.search(result.message or "")
    if exception.endswith("NameError") and match:
        name = match.group(1)
        if name in static_names or name in unverified:
            return  # reported statically, or a cascade of an earlier failure
        issues["C102"].append(
            Issue(
                f"`{name}` is used in {block.label} but defined nowhere before it (NameError at run time)",
                line=line,
                path=block.path,
                subject=name,
                detail=_trace(result),
                fix=f"define or import `{name}` before this line",
            )
        )
        return
    expected = f" (marked as raising {block.expected_exception})" if block.mode == "raises" else ""
    issues["C301"].append(
        Issue(
            f"{block.label} raises {exception}: {result.message or ''}".rstrip(": ") + expected,
            line=line,
            path=block.path,
            subject=f"{exception}: {result.message or ''}"[:200],
            detail=_trace(result),
        )
    )


def _module_typo(module: str, artifact: Artifact, assumed: Collection[str] | None) -> str | None:
    """The known module a missing ``module`` is a near-typo of (never one the lesson installs or assumes)."""
    top = module.split(".")[0]
    if top in artifact.installs or (assumed is not None and top in assumed):
        return None
    return near_typo(top, known_modules([*artifact.installs, *(assumed or ())]))


_MISSING_MODULE = re.compile(r"module '([\w.]+)' is not installed")


def _error_line(block: CodeBlock, result: BlockResult) -> int:
    if result.error_line is not None:
        return _line(block, result.error_line)
    for frame in reversed(result.traceback):
        if frame.path == block.path:
            return frame.line
    return block.line


def _trace(result: BlockResult) -> str | None:
    lines = [f"{f.path}:{f.line} in {f.function}" for f in result.traceback]
    if result.exception:
        lines.append(f"{result.exception}: {result.message or ''}")
    return "\n".join(lines) or None


def _claims(chain: Chain, tolerance: float, issues: dict[str, list[Issue]]) -> None:
    if not chain.results:
        return
    for block, info in zip(chain.artifact.blocks, chain.static.blocks):
        result = chain.results.get(block.index)
        if result is None or result.status not in ("ok", "error") or block.replacement is not None:
            continue
        for claim in find_claims(block.source, info.comments, cell_last_expression=block.kind == "cell"):
            lines = outputs_for(claim, result.outputs)
            if not lines or matches(claim, lines, tolerance):
                continue
            if claim.label and not "".join(lines[0].split()).startswith("".join(claim.label.split())):
                continue  # ``# note: 5 apples`` is a remark unless the line prints that label
            actual = expected_text(claim, lines)
            mismatch = Mismatch(block, claim, actual)
            chain.mismatches.append(mismatch)
            issues["C304"].append(
                Issue(
                    f"claimed output `{claim.text}` but the line prints `{_short(actual)}`",
                    line=mismatch.line,
                    path=block.path,
                    subject=claim.text,
                    detail=f"expected: {claim.text}\nactual:   " + "\n          ".join(lines),
                    fix=f"change the comment to `# {_short(actual)}` (`curriculum check --fix` does it)",
                    edits=(Edit(path=block.path, line=mismatch.line, old=claim.text, new=actual),)
                    if "\n" not in actual else (),
                )
            )


def _short(text: str, limit: int = 120) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
