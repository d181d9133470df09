"""Code rules on fixture lessons: codes and artifact lines, never wording.

Execution uses :class:`InProcessExecutor`, a test double with the runner's
``run_chain`` API that runs blocks in this process (one namespace per chain)
and records printed lines by source line: the real sandbox is tested by the
runner's own tests.
"""

from __future__ import annotations

import ast
import builtins
import sys
from pathlib import Path

import pytest

from curriculum_cli.config import Config
from curriculum_cli.execute.analysis import lesson_code
from curriculum_cli.execute.blocks import BlockResult, CodeBlock, Frame, Output
from curriculum_cli.execute.static import analyze_chain
from curriculum_cli.model.build_plan import build_plan
from curriculum_cli.model.curriculum import Curriculum, Lesson, Module, PlanDocument
from curriculum_cli.parse.markdown import parse_markdown
from curriculum_cli.rules.code import (
    block_crashes,
    claimed_output_mismatch,
    named_block_not_standalone,
)
from curriculum_cli.rules.context import LessonContext
from curriculum_cli.rules.engine import run_rules, selected
from curriculum_cli.rules.registry import all_rules

COURSE = Path(__file__).parent.parent / "fixtures" / "code" / "course"
MODULE = COURSE / "series-2" / "module-2-1"


class InProcessExecutor:
    """Runs a chain in one namespace in this process (tests only)."""

    def __init__(self) -> None:
        self.chains = 0

    def close(self) -> None:
        pass

    def run_chain(self, blocks: list[CodeBlock]) -> list[BlockResult]:
        self.chains += 1
        namespace: dict[str, object] = {"__name__": "__main__"}
        poisoned: set[str] = set()
        return [self._run(block, namespace, poisoned) for block in blocks]

    def _run(self, block: CodeBlock, namespace: dict[str, object], poisoned: set[str]) -> BlockResult:
        from curriculum_cli.execute._names import bound_names

        if block.mode in ("skip", "exercise"):
            poisoned |= bound_names(block.source)
            return BlockResult(block.index, "skipped")
        source = block.replacement if block.replacement is not None else block.source
        filename = f"<block {block.index}>"
        outputs: list[Output] = []

        def fake_print(*args: object, sep: str = " ", end: str = "\n", **_: object) -> None:
            frame = sys._getframe(1)
            while frame is not None and frame.f_code.co_filename != filename:
                frame = frame.f_back  # type: ignore[assignment]
            line = frame.f_lineno if frame is not None else 0
            for text in sep.join(str(a) for a in args).splitlines():
                outputs.append(Output(line, text))

        namespace["print"] = fake_print
        try:
            tree = ast.parse(source)
            last = tree.body[-1] if block.kind == "cell" and tree.body and isinstance(tree.body[-1], ast.Expr) else None
            if last is not None:
                tree.body.pop()
            exec(compile(tree, filename, "exec"), namespace)
            if last is not None:
                value = eval(compile(ast.Expression(last.value), filename, "eval"), namespace)
                if value is not None:
                    outputs.extend(Output(last.lineno, t) for t in repr(value).splitlines())
        except Exception as error:  # noqa: BLE001 - reporting it is the point
            tb = error.__traceback__
            line = None
            while tb is not None:
                if tb.tb_frame.f_code.co_filename == filename:
                    line = tb.tb_lineno
                tb = tb.tb_next
            name = getattr(error, "name", None)
            result = BlockResult(
                block.index, "error", type(error).__name__, str(error), line,
                traceback=[Frame(block.path, block.artifact_line(line or 1), "<module>")], outputs=outputs,
            )
            result.cascade = isinstance(error, NameError) and name in poisoned
            result.poisoned = bound_names(source)
            poisoned |= result.poisoned
            return result
        finally:
            namespace["print"] = builtins.print
        return BlockResult(block.index, "ok", outputs=outputs)


def _plan(path: Path) -> PlanDocument:
    doc = parse_markdown(path.read_text(encoding="utf-8"), str(path))
    return PlanDocument(str(path), doc, build_plan(doc))


def _context(slug: str, config: Config | None = None, executor: object | None = None) -> LessonContext:
    config = config or Config()
    tensors = Lesson("tensors", "2.1", 1, 0, built=[str(MODULE / "content" / "tensors.md")])
    autograd = Lesson(
        "autograd", "2.1", 2, 1,
        plan=_plan(MODULE / "lessons" / "autograd.md"),
        built=[str(MODULE / "content" / "autograd.md")],
        notebooks=[str(MODULE / "notebooks" / "2-1-2-autograd.ipynb")],
    )
    nn_module = Lesson("nn-module", "2.1", 3, 2)
    curriculum = Curriculum(
        root=COURSE, config=config, lessons=[tensors, autograd, nn_module],
        modules={"2.1": Module("2.1", record_path=str(MODULE / "record.md"))},
    )
    lesson = curriculum.lesson(slug)
    assert lesson is not None
    services = {"executor": executor} if executor is not None else {}
    return LessonContext(lesson, curriculum, config, services)


def _findings(ctx: LessonContext) -> list[tuple[str, str, int | None]]:
    rules = selected(all_rules(), ctx.config, "lesson")
    found = run_rules([r for r in rules if r.code[0] in "CW"], ctx, "plan.md", ctx.config)
    return sorted((f.code, Path(f.path).name, f.line) for f in found)


@pytest.fixture(scope="module")
def autograd_findings() -> list[tuple[str, str, int | None]]:
    return _findings(_context("autograd", executor=InProcessExecutor()))


MD = "autograd.md"
NB = "2-1-2-autograd.ipynb"


def test_named_block_using_earlier_names_is_c103(autograd_findings: list) -> None:
    assert ("C103", MD, 15) in autograd_findings  # w
    assert ("C103", MD, 16) in autograd_findings  # torch


def test_scope_not_list_api_is_critical_c202(autograd_findings: list) -> None:
    assert ("C202", MD, 22) in autograd_findings
    assert not any(code == "C201" and line == 22 for code, _, line in autograd_findings)


def test_unexplained_keyword_c203(autograd_findings: list) -> None:
    assert [f for f in autograd_findings if f[0] == "C203"] == [("C203", MD, 29)]


def test_wrong_claim_c304(autograd_findings: list) -> None:
    assert ("C304", MD, 30) in autograd_findings
    assert ("C304", NB, 24) in autograd_findings


def test_matmul_crash_c301_and_api_taught_later(autograd_findings: list) -> None:
    assert ("C301", MD, 38) in autograd_findings
    assert ("C201", MD, 38) in autograd_findings


def test_notebook_undefined_name_once(autograd_findings: list) -> None:
    assert [f for f in autograd_findings if f[0] == "C102"] == [("C102", NB, 34)]


def test_notebook_exercise_that_cannot_parse_c101(autograd_findings: list) -> None:
    assert [f for f in autograd_findings if f[0] == "C101"] == [("C101", NB, 102)]


def test_spaced_dashes_w101(autograd_findings: list) -> None:
    # One finding for the file; ``--`` in a code comment or string is not a dash defect.
    assert [f for f in autograd_findings if f[0] == "W101"] == [("W101", MD, 41)]


def test_no_other_findings(autograd_findings: list) -> None:
    expected_codes = {"C101", "C102", "C103", "C201", "C202", "C203", "C301", "C304", "W101"}
    assert {f[0] for f in autograd_findings} == expected_codes
    assert len(autograd_findings) == 11


def test_negative_fixture_is_clean() -> None:
    executor = InProcessExecutor()
    assert _findings(_context("tensors", executor=executor)) == []
    assert executor.chains == 1


def test_no_exec_keeps_static_findings() -> None:
    found = _findings(_context("autograd", config=Config.model_validate({"exec": {"enabled": False}})))
    codes = {f[0] for f in found}
    assert {"C101", "C102", "C103", "C202", "C203", "W101"} <= codes
    assert not codes & {"C301", "C304"}


def test_c103_can_be_ignored() -> None:
    config = Config(ignore=["C103"])
    found = _findings(_context("autograd", config=config, executor=InProcessExecutor()))
    assert not any(f[0] == "C103" for f in found)


def test_rules_have_docs_and_impact() -> None:
    for rule in (named_block_not_standalone, block_crashes, claimed_output_mismatch):
        assert rule.doc and rule.impact


def test_lesson_code_is_computed_once() -> None:
    executor = InProcessExecutor()
    ctx = _context("autograd", executor=executor)
    assert lesson_code(ctx) is lesson_code(ctx)
    assert executor.chains == 2  # the built lesson and the notebook


# --------------------------------------------------------------------------- runtime results


class ScriptedExecutor:
    """Returns prepared results (the runner's statuses the in-process double cannot produce)."""

    def __init__(self, results: dict[int, BlockResult]) -> None:
        self.results = results

    def run_chain(self, blocks: list[CodeBlock]) -> list[BlockResult]:
        return [self.results.get(b.index, BlockResult(b.index, "ok")) for b in blocks]


def _issues_for(blocks: list[CodeBlock], results: dict[int, BlockResult]) -> dict[str, list]:
    from collections import defaultdict

    from curriculum_cli.execute.analysis import Chain, check_chain
    from curriculum_cli.execute.inventory import build_inventory
    from curriculum_cli.execute.sources import Artifact

    artifact = Artifact("lesson.md", "markdown", "", blocks)
    run = ScriptedExecutor(results).run_chain(blocks)
    chain = Chain(artifact, analyze_chain(blocks), {r.index: r for r in run})
    issues: dict[str, list] = defaultdict(list)
    check_chain(chain, build_inventory([], 0, ["`torch.tensor()`"]), 1e-4, issues)
    return {code: [(i.line, i.subject) for i in found] for code, found in issues.items() if found}


def _blocks(*sources: str) -> list[CodeBlock]:
    out, line = [], 1
    for index, source in enumerate(sources):
        out.append(CodeBlock("lesson.md", index, line, source))
        line += source.count("\n") + 3
    return out


def test_environment_failure_is_c305_and_its_names_do_not_cascade() -> None:
    blocks = _blocks("import seaborn as sns\n", "sns.set()\n")
    results = {
        0: BlockResult(0, "environment", "ModuleNotFoundError", "No module named 'seaborn'", 1, reason="module 'seaborn' is not installed"),
        1: BlockResult(1, "error", "NameError", "name 'sns' is not defined", 1, cascade=True, cascade_from=0),
    }
    issues = _issues_for(blocks, results)
    assert list(issues.get("C305", [])) == [(1, "not verified: module 'seaborn' is not installed")]
    assert "C102" not in issues and "C301" not in issues


def test_timeout_memory_and_raises_markers() -> None:
    blocks = _blocks("while True:\n    pass\n", "x = [0] * 10**12\n", "y = 1\n", "int('a')\n")
    blocks[2].mode, blocks[2].expected_exception = "raises", "ValueError"
    blocks[3].mode = "raises"
    results = {
        0: BlockResult(0, "timeout", error_line=2),
        1: BlockResult(1, "memory", "MemoryError", "", 1),
        2: BlockResult(2, "error", "DidNotRaise", "expected ValueError"),
        3: BlockResult(3, "error", "ValueError", "invalid literal", 1),
    }
    issues = _issues_for(blocks, results)
    assert [line for line, _ in issues["C302"]] == [2]
    assert [line for line, _ in issues["C303"]] == [blocks[1].line]
    assert [line for line, _ in issues["C306"]] == [blocks[2].line]
    assert "C301" not in issues


def test_runtime_traced_method_is_untaught_api() -> None:
    blocks = _blocks("import torch\nx = torch.tensor(1.0)\nx.grad.zero_()\n")
    results = {0: BlockResult(0, "ok", called={"torch.tensor", "torch.Tensor.zero_", "torch.Tensor.__repr__"})}
    issues = _issues_for(blocks, results)
    assert [subject for _, subject in issues["C201"]] == ["torch.Tensor.zero_"]


def test_runtime_name_error_not_seen_statically_is_c102() -> None:
    # f's body may use ``later`` (resolved at call time), but f is called too early
    blocks = _blocks("def f():\n    return later\nf()\n", "later = 1\n")
    results = {0: BlockResult(0, "error", "NameError", "name 'later' is not defined", 3)}
    issues = _issues_for(blocks, results)
    assert issues["C102"] == [(3, "later")]


_NUMBER_SOURCE = (
    b'{"cells": [{"cell_type": "code", "execution_count": null, "id": "a", "metadata": {}, "outputs": [], "source": 5}],'
    b' "metadata": {}, "nbformat": 4, "nbformat_minor": 5}'
)


@pytest.mark.parametrize(
    ("name", "data", "line"),
    [
        ("broken.ipynb", b'{"cells": [\n', 1),
        ("not-a-notebook.ipynb", b'{"cells": 3}', 1),
        ("number-source.ipynb", _NUMBER_SOURCE, 1),
        ("cell-is-a-list.ipynb", _NUMBER_SOURCE.replace(b'{"cell_type": "code", "execution_count": null, "id": "a", "metadata": {}, "outputs": [], "source": 5}', b"[1]"), 1),
    ],
)
def test_malformed_notebook_is_c100(tmp_path: Path, name: str, data: bytes, line: int) -> None:
    artifact = tmp_path / name
    artifact.write_bytes(data)
    lesson = Lesson("broken", "2.1", 1, 0, built=[str(artifact)])
    config = Config()
    config.exec.enabled = False
    curriculum = Curriculum(root=tmp_path, config=config, lessons=[lesson])
    ctx = LessonContext(lesson, curriculum, config, {})
    assert _findings(ctx) == [("C100", name, line)]
    assert _findings(LessonContext(lesson, curriculum, Config(ignore=["C100"], exec={"enabled": False}), {})) == []
