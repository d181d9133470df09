"""Time what the cache and --jobs save, as a user sees it (whole ``curriculum check`` commands).

    .venv/bin/python benchmarks/cache_bench.py [--skip-exec] [--modules 100] [--lessons 5]

1. ``lessons/`` (copied to a temp dir, so the cache starts empty), with code
   execution: first run (cold cache) vs second run (nothing changed), and a
   third after editing one built lesson's prose (only that lesson's code could
   run again; it is cached by its blocks, so none does).
2. A generated curriculum of ``modules x lessons`` lessons, ``--no-exec``:
   first vs second run.
3. Two lessons that each sleep 3 s: ``--jobs 1`` vs ``--jobs 2`` (``--no-cache``).

Each second run must print the same bytes as the first; the script exits 1
if it does not.  Target: second run under a third of the first.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from curriculum_bench import generate  # noqa: E402

CURRICULUM = [sys.executable, "-m", "curriculum_cli"]
SLEEPY = "# Waiting {n}\n\nThis lesson waits.\n\n```python\nimport time\n\ntime.sleep(3)\nprint({n})  # {n}\n```\n"


def _run(args: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, bytes]:
    start = time.perf_counter()
    done = subprocess.run([*CURRICULUM, "check", *args], cwd=cwd, env=env, capture_output=True, check=False)
    seconds = time.perf_counter() - start
    if done.returncode not in (0, 1):
        raise SystemExit(f"curriculum check {' '.join(args)} failed ({done.returncode}): {done.stderr.decode()}")
    return seconds, done.stdout


def _pair(label: str, args: list[str], cwd: Path, env: dict[str, str]) -> bool:
    first, out1 = _run(args, cwd, env)
    second, out2 = _run(args, cwd, env)
    same = out1 == out2
    print(f"{label}: first {first:.2f} s, second {second:.2f} s ({second / first:.0%} of the first), "
          f"output {'identical' if same else 'DIFFERENT'}")
    return same


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-exec", action="store_true", help="skip the runs that execute code")
    parser.add_argument("--modules", type=int, default=100)
    parser.add_argument("--lessons", type=int, default=5)
    options = parser.parse_args()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("CURRICULUM_NO_CACHE", None)
    ok = True
    with tempfile.TemporaryDirectory(prefix="cache-bench-") as temp:
        work = Path(temp)
        if not options.skip_exec:
            shutil.copytree(ROOT / "lessons", work / "lessons", ignore=shutil.ignore_patterns(".curriculum_cache"))
            ok &= _pair("lessons/ with execution", ["lessons"], work, env)
            page = work / "lessons" / "series-1" / "module-1-1" / "content" / "tensor-basics.md"
            page.write_text(page.read_text() + "\nOne more sentence of prose.\n")
            seconds, _ = _run(["lessons"], work, env)
            print(f"lessons/ after a prose edit: {seconds:.2f} s (code results come from the cache)")
        big = work / "big"
        big.mkdir()
        generate(big, options.modules, options.lessons)
        ok &= _pair(f"{options.modules * options.lessons} lessons --no-exec", ["--no-exec", "big"], work, env)
        if not options.skip_exec:
            sleepy = work / "sleepy"
            sleepy.mkdir()
            for n in (1, 2):
                (sleepy / f"wait-{n}.md").write_text(SLEEPY.format(n=n))
            times = {}
            for jobs in ("1", "2"):
                times[jobs], _ = _run(["--no-cache", "--jobs", jobs, "sleepy/wait-1.md", "sleepy/wait-2.md"], work, env)
            print(f"two lessons sleeping 3 s each: --jobs 1 {times['1']:.2f} s, --jobs 2 {times['2']:.2f} s")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
