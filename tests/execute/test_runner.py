"""The sandboxed executor: positions, outputs, modes, cascades, limits, cleanup.

Most tests share one Executor without preloads (a chain costs ~50 ms); the
torch tests share one preloaded Executor.  No timing assertions: see
``benchmarks/exec_bench.py`` for speed.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from curriculum_cli.execute.blocks import CodeBlock
from curriculum_cli.execute.runner import ExecOptions, Executor

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the sandbox targets Linux")


def block(source: str, line: int = 10, index: int = 0, **fields: object) -> CodeBlock:
    return CodeBlock(path="content/lesson.md", index=index, line=line, source=source, **fields)  # type: ignore[arg-type]


def chain(*sources: str, step: int = 10) -> list[CodeBlock]:
    """Blocks at artifact lines 10, 20, 30... so block k's line j is 10 * (k + 1) + j - 1."""
    return [block(source, line=step * (k + 1), index=k) for k, source in enumerate(sources)]


@pytest.fixture(scope="module")
def ex() -> Iterator[Executor]:
    with Executor(ExecOptions(timeout=1.5, memory_mb=256, preload=(), output_limit=2000)) as executor:
        yield executor


@pytest.fixture(scope="module")
def torch_ex() -> Iterator[Executor]:
    with Executor(ExecOptions(timeout=10, preload=("torch",))) as executor:
        yield executor


def test_namespace_continues_across_blocks(ex: Executor) -> None:
    results = ex.run_chain(chain("x = 2", "y = x * 21", "print(y)"))
    assert [r.status for r in results] == ["ok", "ok", "ok"]
    assert [(o.source_line, o.text) for o in results[2].outputs] == [(1, "42")]


def test_each_chain_starts_with_a_clean_namespace(ex: Executor) -> None:
    ex.run_chain(chain("leftover = 1"))
    (result,) = ex.run_chain(chain("leftover"))
    assert (result.status, result.exception) == ("error", "NameError")


def test_name_error_is_mapped_to_the_artifact_line(ex: Executor) -> None:
    _, result = ex.run_chain(chain("a = 1", "b = a\nc = undefined_name + 1\n"))
    assert (result.status, result.exception, result.error_line) == ("error", "NameError", 2)
    assert [(f.path, f.line) for f in result.traceback] == [("content/lesson.md", 21)]


def test_frames_carry_the_artifact_path_and_line_of_each_block(ex: Executor) -> None:
    source = "def helper(v):\n    return 1 / v\n"
    _, result = ex.run_chain(chain(source, "\nhelper(0)\n"))
    assert result.exception == "ZeroDivisionError"
    assert [(f.path, f.line, f.function) for f in result.traceback] == [
        ("content/lesson.md", 21, "<module>"),
        ("content/lesson.md", 11, "helper"),
    ]
    assert result.error_line == 2
    assert all("<string>" not in f.path for f in result.traceback)


def test_a_traceback_printed_by_the_lesson_shows_artifact_lines(ex: Executor) -> None:
    source = "import traceback\ntry:\n    1 / 0\nexcept ZeroDivisionError:\n    traceback.print_exc()\n"
    (result,) = ex.run_chain([block(source, line=40)])
    assert 'File "content/lesson.md", line 42' in result.stdout
    assert "1 / 0" in result.stdout  # linecache knows the block's source


def test_notebook_cell_lines_follow_the_line_map(ex: Executor) -> None:
    cell = CodeBlock(path="nb.ipynb", index=0, line=7, source="a = 1\nb = a +\n", kind="cell", cell=1, line_map=[7, 9])
    (syntax,) = ex.run_chain([cell])
    assert (syntax.exception, syntax.error_line, syntax.traceback[0].line) == ("SyntaxError", 2, 9)
    cell.source = "a = 1\nb = a + missing\n"
    (result,) = ex.run_chain([cell])
    assert (result.error_line, [f.line for f in result.traceback]) == (2, [9])


def test_print_outputs_are_attributed_to_the_printing_line(ex: Executor) -> None:
    defs = "def shout(word):\n    print(word.upper())\n"
    source = "print('a', 1)\nfor i in range(2):\n    print(i)\nshout('hey')\nprint('two\\nlines', end='')\n"
    _, result = ex.run_chain(chain(defs, source))
    assert [(o.source_line, o.text) for o in result.outputs] == [
        (1, "a 1"), (3, "0"), (3, "1"), (4, "HEY"), (5, "two"), (5, "lines"),
    ]
    assert result.stdout == "a 1\n0\n1\nHEY\ntwo\nlines"


def test_cell_displays_its_last_expression_like_jupyter(ex: Executor) -> None:
    cells = [
        CodeBlock(path="nb.ipynb", index=k, line=10 * (k + 1), source=s, kind="cell", cell=k + 1)
        for k, s in enumerate(["x = [1, 2]\nx", "x;", "None", "print('p')\nlen(x)"])
    ]
    results = ex.run_chain(cells)
    assert [[(o.source_line, o.text) for o in r.outputs] for r in results] == [
        [(2, "[1, 2]")], [], [], [(1, "p"), (2, "2")],
    ]
    # A fence is a script, not a cell: nothing is displayed.
    (fence,) = ex.run_chain([block("x = 3\nx")])
    assert fence.outputs == []


def test_skip_and_unsolved_exercise_are_not_run(ex: Executor) -> None:
    blocks = [
        block("print('skip')", index=0, mode="skip"),
        block("print('todo')", index=1, mode="exercise"),
        block("print('solved')", index=2, mode="exercise", replacement="print('solution')\nz = 1"),
    ]
    results = ex.run_chain(blocks)
    assert [r.status for r in results] == ["skipped", "skipped", "ok"]
    assert [(o.source_line, o.text) for o in results[2].outputs] == [(1, "solution")]


def test_a_failing_solution_reports_its_own_line(ex: Executor) -> None:
    cell = CodeBlock(
        path="nb.ipynb", index=0, line=30, source="# TODO", kind="cell", cell=4, mode="exercise",
        replacement="a = 1\nb = nope\n",
    )
    (result,) = ex.run_chain([cell])
    assert (result.exception, result.error_line) == ("NameError", 2)
    assert [(f.path, f.line) for f in result.traceback] == [("nb.ipynb", 30)]


def test_raises_mode(ex: Executor) -> None:
    blocks = [
        block("1 / 0", index=0, mode="raises", expected_exception="ZeroDivisionError"),
        block("1 / 0", index=1, mode="raises", expected_exception="ArithmeticError"),
        block("int('x')", index=2, mode="raises"),
        block("[][1]", index=3, mode="raises", expected_exception="KeyError"),
        block("ok = 1", index=4, mode="raises"),
    ]
    results = ex.run_chain(blocks)
    assert [(r.status, r.exception) for r in results] == [
        ("ok", "ZeroDivisionError"), ("ok", "ZeroDivisionError"), ("ok", "ValueError"),
        ("error", "IndexError"), ("error", "DidNotRaise"),
    ]


def test_name_errors_after_a_crash_are_cascades(ex: Executor) -> None:
    results = ex.run_chain(chain(
        "import math\nrate = 1 / 0\nsteps = 3",
        "print(rate)",
        "total = steps * 2",
        "print(never_defined_anywhere)",
    ))
    crash, first, second, own = results
    assert (crash.status, crash.exception, crash.cascade) == ("error", "ZeroDivisionError", False)
    assert {"math", "rate", "steps"} <= crash.poisoned
    assert (first.status, first.exception, first.cascade, first.cascade_from) == ("error", "NameError", True, 0)
    assert (second.cascade, second.cascade_from) == (True, 0)
    assert (own.status, own.cascade) == ("error", False)


def test_a_skipped_block_poisons_its_names(ex: Executor) -> None:
    results = ex.run_chain([block("model = 1", index=0, mode="skip"), block("model + 1", index=1)])
    assert results[0].poisoned == {"model"}
    assert (results[1].cascade, results[1].cascade_from) == (True, 0)


def test_a_missing_module_is_the_environment_not_the_lesson(ex: Executor) -> None:
    results = ex.run_chain(chain("import surely_not_installed_pkg as snip\nvalue = snip.f()", "print(value)"))
    assert results[0].status == "environment"
    assert results[0].reason and "surely_not_installed_pkg" in results[0].reason
    assert (results[1].status, results[1].cascade) == ("error", True)
    # A missing submodule of an installed package is a lesson error.
    (typo,) = ex.run_chain([block("import json.decoderz")])
    assert typo.status == "error"


def test_network_is_denied_as_an_environment_failure(ex: Executor) -> None:
    source = "import socket\nsocket.create_connection(('192.0.2.1', 80), timeout=1)"
    (result,) = ex.run_chain([block(source)])
    assert result.status == "environment", (result.exception, result.message)


def test_timeout_kills_the_chain_and_the_rest_is_not_run(ex: Executor) -> None:
    results = ex.run_chain(chain("print('start')", "while True:\n    pass", "print('never')"))
    assert [r.status for r in results] == ["ok", "timeout", "not-run"]
    (after,) = ex.run_chain([block("print('alive')")])
    assert after.status == "ok"


def test_memory_limit(ex: Executor) -> None:
    results = ex.run_chain(chain("big = bytearray(1024 ** 3)", "small = bytearray(10)"))
    assert [r.status for r in results] == ["memory", "ok"]


@pytest.mark.parametrize(
    ("source", "status", "exception"),
    [
        ("import os\nos._exit(3)", "error", "ProcessExit"),
        ("import ctypes\nctypes.string_at(0)", "error", "ProcessCrash"),
        ("import sys\nsys.exit(1)", "error", "SystemExit"),
        ("raise KeyboardInterrupt", "error", "KeyboardInterrupt"),
        ("import sys\nsys.stdout.close()\nprint('x')", "error", "ValueError"),
        ("class E(Exception):\n    def __str__(self):\n        raise RuntimeError\nraise E()", "error", "E"),
        ("input()", "error", "EOFError"),
    ],
)
def test_hostile_code_gets_a_status_not_a_tool_traceback(
    ex: Executor, source: str, status: str, exception: str
) -> None:
    result = ex.run_chain([block(source), block("print('next')", index=1)])[0]
    assert (result.status, result.exception) == (status, exception)


def test_huge_output_is_truncated(ex: Executor) -> None:
    (result,) = ex.run_chain([block("print('x' * 100_000)\nfor i in range(5000):\n    print(i)")])
    assert result.status == "ok"
    assert len(result.stdout) < 2200 and "not kept" in result.stdout
    assert sum(len(o.text) for o in result.outputs) <= 2000


def test_cwd_is_a_fresh_temp_dir_deleted_afterwards(ex: Executor) -> None:
    source = "import os, tempfile\nprint(os.getcwd())\nprint(tempfile.gettempdir())\nopen('f.txt', 'w').write('x')"
    (result,) = ex.run_chain([block(source)])
    cwd, tmp = (o.text for o in result.outputs)
    assert Path(tmp).parent == Path(cwd) and os.path.expanduser("~") not in (cwd,)
    assert not Path(cwd).exists()
    (other,) = ex.run_chain([block("import os\nprint(os.getcwd())")])
    assert other.outputs[0].text != cwd


def test_writes_outside_the_temp_dir_are_refused(ex: Executor, tmp_path: Path) -> None:
    """Read-only mounts (namespaces) or Landlock (without): either way the write fails."""
    target = tmp_path / "escape.txt"
    (result,) = ex.run_chain([block(f"open({str(target)!r}, 'w').write('x')")])
    assert (result.status, result.exception) in (("error", "PermissionError"), ("error", "OSError"))
    assert not target.exists()


LEAK = (
    "import subprocess, os\n"
    "subprocess.Popen(['sleep', '{marker}'], start_new_session=True)\n"
    "if os.fork() == 0:\n"
    "    os.setsid()\n"
    "    os.execvp('sleep', ['sleep', '{marker}'])\n"
)


@pytest.mark.parametrize("then", ["", "while True:\n    pass"])
def test_no_process_is_left_behind(ex: Executor, then: str, processes_with: Callable[[str], list[int]]) -> None:
    marker = f"987.{len(then)}{os.getpid()}"
    results = ex.run_chain([block(LEAK.format(marker=marker)), block(then or "pass", index=1)])
    assert results[0].status == "ok"
    assert processes_with(marker) == []


def test_fallbacks_without_namespaces(monkeypatch: pytest.MonkeyPatch, processes_with: Callable[[str], list[int]]) -> None:
    """Orphans are reaped by the subreaper sweep; Python sockets are refused."""
    monkeypatch.setenv("CURRICULUM_EXEC_NO_NAMESPACES", "1")
    marker = f"986.{os.getpid()}"
    with Executor(ExecOptions(timeout=2, preload=())) as plain:
        results = plain.run_chain([
            block(LEAK.format(marker=marker)),
            block("import socket\nsocket.create_connection(('192.0.2.1', 80))", index=1),
        ])
        assert plain.sandbox["pid_namespace"] is False
    assert results[0].status == "ok"
    assert (results[1].status, results[1].message) == ("environment", "[Errno 101] network disabled by curriculum")
    assert processes_with(marker) == []


def test_close_stops_the_worker() -> None:
    executor = Executor(ExecOptions(preload=()))
    with executor:
        executor.run_chain([block("pass")])
        pid = executor.worker_pid
    assert pid is not None and not Path(f"/proc/{pid}").exists()


def test_torch_runs_in_the_worker_never_in_this_process(torch_ex: Executor) -> None:
    if "torch" not in torch_ex.preloaded:
        pytest.skip("torch is not installed")
    source = "import torch\nx = torch.tensor([1.0, 2.0], requires_grad=True)\n(x * x).sum().backward()\nprint(x.grad)\n"
    (result,) = torch_ex.run_chain([block(source)])
    assert result.status == "ok"
    assert [(o.source_line, o.text) for o in result.outputs] == [(4, "tensor([2., 4.])")]
    assert "torch" not in sys.modules


def test_tracing_records_torch_functions_and_tensor_methods(torch_ex: Executor) -> None:
    if "torch" not in torch_ex.preloaded:
        pytest.skip("torch is not installed")
    first = "import torch\nimport torch.nn.functional as F\nw = torch.ones(2, requires_grad=True)\n"
    second = "loss = F.relu(w * 3).sum()\nloss.backward()\nw.grad.zero_()\n"
    one, two = torch_ex.run_chain(chain(first, second))
    assert "torch.ones" in one.called and "torch.Tensor.backward" not in one.called
    assert {"torch.nn.functional.relu", "torch.Tensor.backward", "torch.Tensor.zero_", "torch.Tensor.grad"} <= two.called
    assert "torch.ones" not in two.called


def test_cuda_is_the_environment(torch_ex: Executor) -> None:
    if "torch" not in torch_ex.preloaded:
        pytest.skip("torch is not installed")
    (result,) = torch_ex.run_chain([block("import torch\nif not torch.cuda.is_available():\n    torch.zeros(1).cuda()")])
    assert result.status == "environment"


def test_a_fork_bomb_is_contained(ex: Executor) -> None:
    ex.run_chain([block("pass")])
    if not ex.sandbox.get("nproc_limit"):
        pytest.skip("no process limit here: a fork bomb would hurt the machine")
    results = ex.run_chain([block("import os\nwhile True:\n    os.fork()"), block("print('after')", index=1)])
    assert results[0].status in ("error", "timeout")
    (after,) = ex.run_chain([block("print('still fine')")])
    assert after.status == "ok"


def test_results_stream_and_stopping_early_leaves_the_executor_clean(ex: Executor) -> None:
    blocks = chain("print(1)", "print(2)", "print(3)")
    for first in ex.iter_chain(blocks):
        assert [o.text for o in first.outputs] == ["1"]
        break
    assert [[o.text for o in r.outputs] for r in ex.run_chain(blocks)] == [["1"], ["2"], ["3"]]


def test_a_named_block_is_a_module_later_blocks_can_import(ex: Executor) -> None:
    blocks = [
        block("def double(v):\n    return 2 * v\n", line=10, index=0, filename="helpers.py"),
        block("from helpers import double\nprint(double(21))\n", line=20, index=1),
        block("def double(v):\n    return 3 * v\n", line=30, index=2, filename="helpers.py"),
        block("import helpers\nprint(helpers.double(2))\n", line=40, index=3),
        block("x = 1\n", line=50, index=4, filename="../escape.py"),
    ]
    results = ex.run_chain(blocks)
    assert [r.status for r in results] == ["ok"] * 5
    # The version shown last before the import is the one imported.
    assert [o.text for o in results[1].outputs] == ["42"]
    assert [o.text for o in results[3].outputs] == ["6"]


def test_tracing_records_only_what_the_lessons_own_lines_call(torch_ex: Executor) -> None:
    """``nn.Linear(3, 1)`` calls ``torch.empty`` and ``nn.init`` inside torch; calling
    a module runs ``F.linear``: the student wrote none of them. A function the
    lesson defines is the lesson's code, so what it calls counts."""
    if "torch" not in torch_ex.preloaded:
        pytest.skip("torch is not installed")
    source = (
        "import torch\nfrom torch import nn\nimport torch.nn.functional as F\n"
        "class Net(nn.Module):\n"
        "    def __init__(self):\n        super().__init__()\n        self.fc = nn.Linear(3, 1)\n"
        "    def forward(self, x):\n        return F.relu(self.fc(x))\n"
        "net = Net()\nloss = net(torch.ones(2, 3)).sum()\nloss.backward()\n"
        "torch.optim.Adam(net.parameters(), lr=0.1).step()\n"
    )
    (result,) = torch_ex.run_chain([block(source)])
    assert result.status == "ok"
    assert {"torch.ones", "torch.nn.functional.relu", "torch.Tensor.backward", "torch.Tensor.sum"} <= result.called
    internal = {"torch.empty", "torch.nn.init.kaiming_uniform_", "torch.nn.init.uniform_",
                "torch.nn.functional.linear", "torch.zeros_like", "torch.is_complex"}
    assert not internal & result.called
