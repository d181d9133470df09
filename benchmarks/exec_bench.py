"""Executor speed: a preloaded worker + one fork per chain, against fresh interpreters.

    .venv/bin/python benchmarks/exec_bench.py           # N = 10, 50, 200 and the 40-block lesson
    .venv/bin/python benchmarks/exec_bench.py --quick   # N = 10 and the 40-block lesson

For each N, a lesson of N small torch blocks (a few ops and a print each) runs
through :class:`Executor` end to end (worker start, ``import torch`` once,
one chain) and through the naive baseline: a fresh ``python -c`` per block
that imports torch.  The baseline is measured on every block for N = 10 and
extrapolated from a measured sample of blocks above that (printed as such).
The 40-block lesson is compared with one bare ``python -c "import torch"``.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from curriculum_cli.execute.blocks import CodeBlock  # noqa: E402
from curriculum_cli.execute.runner import ExecOptions, Executor  # noqa: E402

BLOCK = """\
t{k} = torch.randn(8, 8, requires_grad=True)
y{k} = (t{k} @ t{k}.T).relu().sum()
y{k}.backward()
print({k}, t{k}.grad.shape, round(float(y{k}), 2) > -1)
"""


def lesson(n: int) -> list[CodeBlock]:
    blocks = [CodeBlock(path="bench.md", index=0, line=1, source="import torch\ntorch.manual_seed(0)\n")]
    for k in range(1, n):
        blocks.append(CodeBlock(path="bench.md", index=k, line=10 * k, source=BLOCK.format(k=k)))
    return blocks


def run_executor(n: int) -> tuple[float, float, float, float]:
    """(end-to-end seconds, preload seconds, chain seconds, summed in-block seconds)."""
    started = time.perf_counter()
    with Executor(ExecOptions(preload=("torch", "numpy"))) as executor:
        _ = executor.preloaded  # wait for the worker's imports
        ready = time.perf_counter()
        results = executor.run_chain(lesson(n))
        done = time.perf_counter()
    total = time.perf_counter() - started
    bad = [r for r in results if r.status != "ok"]
    if bad:
        raise SystemExit(f"benchmark lesson failed: {bad[0]}")
    return total, ready - started, done - ready, sum(r.seconds for r in results)


def run_fresh(sources: list[str]) -> float:
    """Seconds for a fresh interpreter per block (each imports torch itself)."""
    started = time.perf_counter()
    for source in sources:
        subprocess.run([sys.executable, "-c", "import torch\n" + source], check=True, capture_output=True)
    return time.perf_counter() - started


def bare_import(repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import torch"], check=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


CLAIMED_BLOCK = """\
t{k} = torch.randn(8, 8, requires_grad=True)
y{k} = (t{k} @ t{k}.T).relu().sum()
y{k}.backward()
print({k}, t{k}.grad.shape)  # {k} torch.Size([8, 8])
"""


def write_lesson_curriculum(root: Path, n: int) -> None:
    """A one-lesson curriculum whose built lesson has ``n`` torch blocks with claimed outputs."""
    module = root / "series-1" / "module-1-1"
    for folder in ("lessons", "content"):
        (module / folder).mkdir(parents=True)
    (root / "course.md").write_text("# Course: benchmark\n")
    (module / "record.md").write_text(
        "# Module 1.1: Bench — Record\n\n## Concept Index\n\n| Concept | Depth | Lesson | Notes |\n|---|---|---|---|\n"
        "| Tensors | APPLIED | bench | `import torch`, `torch.manual_seed()`, `torch.randn()`, `requires_grad=`, `.T`, "
        "`.relu()`, `.sum()`, `.backward()`, `.grad`, `.shape`, `print()` |\n"
    )
    (module / "lessons" / "bench.md").write_text("# Lesson: bench (Module 1.1, Lesson 1)\n\n**Type:** BUILD\n")
    parts = ["# Bench\n\n```python\nimport torch\n\ntorch.manual_seed(0)\n```\n"]
    parts += [f"\nBlock {k}.\n\n```python\n{CLAIMED_BLOCK.format(k=k)}```\n" for k in range(1, n)]
    (module / "content" / "bench.md").write_text("".join(parts))


def run_check(n: int) -> float:
    """Seconds for ``curriculum check`` (a new process: static pass, sandboxed execution, claims) on one lesson."""
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        write_lesson_curriculum(root, n)
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "curriculum_cli", "check", str(root), "--select", "C"],
            capture_output=True, text=True,
        )
        seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"benchmark lesson has findings or failed:\n{done.stdout}{done.stderr}")
    return seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="only N = 10, a 3-block baseline sample")
    args = parser.parse_args(argv)
    sizes = [10] if args.quick else [10, 50, 200]
    sample = 3 if args.quick else 5
    print(f"python {sys.version.split()[0]}, {sys.executable}")
    bare = bare_import(3 if not args.quick else 1)
    print(f"bare `python -c 'import torch'`: {bare:.2f} s (median)")
    print()
    header = f"{'N':>4} {'executor':>9} {'preload':>8} {'chain':>7} {'ovh/block':>10} {'baseline':>9} {'ratio':>7}"
    print(header)
    for n in sizes:
        total, preload, chain_seconds, inside = run_executor(n)
        overhead_ms = (chain_seconds - inside) / n * 1000
        sources = [block.source for block in lesson(n)]
        if n <= 10:
            baseline, how = run_fresh(sources), "measured"
        else:
            measured = run_fresh(sources[:sample])
            baseline, how = measured / sample * n, f"extrapolated from {sample} blocks"
        print(
            f"{n:>4} {total:>8.2f}s {preload:>7.2f}s {chain_seconds:>6.2f}s {overhead_ms:>8.1f}ms"
            f" {baseline:>8.1f}s {baseline / total:>6.1f}x  (baseline {how})"
        )
    total, preload, chain_seconds, _ = run_executor(40)
    print()
    print(
        f"40-block lesson end to end: {total:.2f} s (preload {preload:.2f} s, chain {chain_seconds:.2f} s)"
        f" = {total / bare:.2f}x one bare torch import"
    )
    checked = statistics.median(run_check(40) for _ in range(1 if args.quick else 3))
    print(
        f"`curriculum check` on a 40-block lesson with claims (new process, static pass, sandbox, claims):"
        f" {checked:.2f} s = {checked / bare:.2f}x one bare torch import"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
