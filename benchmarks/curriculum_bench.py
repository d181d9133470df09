"""Time loading and cross-checking a large generated curriculum.

    .venv/bin/python benchmarks/curriculum_bench.py [--modules 100] [--lessons 5] [--only-x]

Generates ``modules x lessons`` lessons (planning doc, module plan, record,
built lesson) in a temp dir, then times ``api.check`` without code execution
and prints the wall time and peak memory (target: under 5 s for 500 lessons).
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from curriculum_cli import api  # noqa: E402
from curriculum_cli.config import Config, ExecConfig  # noqa: E402

TYPES = ["BUILD", "STRETCH", "CONSOLIDATE", "BUILD", "CONSOLIDATE"]


def _slug(module: int, lesson: int) -> str:
    return f"topic-{module}-{lesson}"


def _concepts(module: int, lesson: int) -> list[str]:
    return [f"Concept {name} of topic {module} {lesson}" for name in ("alpha", "beta", "gamma")]


def _plan_doc(series: int, module: int, mid: str, lesson: int, lessons: int) -> str:
    slug = _slug(module, lesson)
    earlier = [(module, k) for k in range(1, lesson)] + ([(module - 1, lessons)] if module > 1 else [])
    rows = []
    for m, k in earlier[-3:]:
        for concept in _concepts(m, k)[:2]:
            rows.append(f"| {concept} | DEVELOPED | {_slug(m, k)} ({(m - 1) // 10 + 1}.{(m - 1) % 10 + 1}) | used here |")
    rows.append("| Python functions | APPLIED | prior knowledge | |")
    prev = f"{_slug(module, lesson - 1)} ({TYPES[lesson - 2]})" if lesson > 1 else "None"
    nxt = f"{_slug(module, lesson + 1)} ({TYPES[lesson]})" if lesson < lessons else "None"
    new = "\n".join(f"  {i}. {c} (`api_{module}_{lesson}_{i}()`)" for i, c in enumerate(_concepts(module, lesson), 1))
    nots = f"- Later things (lesson {lesson + 1}: {_slug(module, lesson + 1)})" if lesson < lessons else "- Nothing deferred"
    return f"""# Lesson: {slug} (Module {mid}, Lesson {lesson})

**Type:** {TYPES[lesson - 1]}
**Previous lesson:** {prev}
**Next lesson:** {nxt}

## Phase 1: Student State (Orient)

### Relevant Concepts the Student Has

| Concept | Depth | Source | Notes |
|---------|-------|--------|-------|
{chr(10).join(rows)}

## Phase 2: Analyze

### Target Concept

Topic {module} {lesson}.

### Prerequisites Table

| Concept | Required Depth | Actual Depth | Source Lesson | Status | Reasoning |
|---------|----------------|--------------|---------------|--------|-----------|
{chr(10).join(r.replace("| DEVELOPED |", "| INTRODUCED | DEVELOPED |").replace("| used here |", "| OK | needed |") for r in rows[:2])}

## Phase 3: Design

### Cognitive Load Assessment

- **New concepts in this lesson:** 3
{new}
- **This lesson's load:** {TYPES[lesson - 1]}

### Scope Boundaries

**This lesson IS about:**

- Topic {module} {lesson}

**This lesson is NOT about:**

{nots}

## Review — 2026-11-20 (Iteration 1/3)

### Verdict: PASS
"""


def _content(module: int, lesson: int) -> str:
    para = (
        f"This lesson is about topic {module} {lesson}. We look at what the numbers do, why they do it, "
        "and how to check the result before trusting it.\n\n"
    )
    code = "```python\nimport torch\nx = torch.ones(3)\nprint(x.sum())  # tensor(3.)\n```\n\n"
    return f"# Topic {module} {lesson}\n\n" + (para + code) * 8


def generate(root: Path, modules: int, lessons: int) -> None:
    (root / "course.md").write_text("# Course: Benchmark\n\n## Modules\n\n| Module | Title | Lessons | Status |\n|---|---|---|---|\n"
                                    + "".join(f"| {(m - 1) // 10 + 1}.{(m - 1) % 10 + 1} | Topic {m} | {lessons} | COMPLETE |\n" for m in range(1, modules + 1)))
    for module in range(1, modules + 1):
        series, local = (module - 1) // 10 + 1, (module - 1) % 10 + 1
        mid = f"{series}.{local}"
        folder = root / f"series-{series}" / f"module-{series}-{local}"
        for sub in ("lessons", "content"):
            (folder / sub).mkdir(parents=True, exist_ok=True)
        sequence = "".join(
            f"| {k} | {_slug(module, k)} | topic | {TYPES[k - 1]} | order | BUILT |\n" for k in range(1, lessons + 1)
        )
        (folder / "plan.md").write_text(
            f"# Module {mid}: Topic {module} — Plan\n\n**Status:** COMPLETE\n\n## Lesson Sequence\n\n"
            f"| # | Slug | Core Concept | Type | Rationale for Position | Status |\n|---|---|---|---|---|---|\n{sequence}"
        )
        index = "".join(
            f"| {c} | DEVELOPED | {_slug(module, k)} | `api_{module}_{k}()` |\n"
            for k in range(1, lessons + 1) for c in _concepts(module, k)
        )
        (folder / "record.md").write_text(
            f"# Module {mid}: Topic {module} — Record\n\n## Concept Index\n\n| Concept | Depth | Lesson | Notes |\n|---|---|---|---|\n{index}\n"
            "## Per-Lesson Summaries\n\n" + "".join(f"### {_slug(module, k)} (Lesson {k} — {TYPES[k - 1]})\n\n- taught\n\n" for k in range(1, lessons + 1))
        )
        for lesson in range(1, lessons + 1):
            slug = _slug(module, lesson)
            (folder / "lessons" / f"{slug}.md").write_text(_plan_doc(series, module, mid, lesson, lessons))
            (folder / "content" / f"{slug}.md").write_text(_content(module, lesson))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--modules", type=int, default=100)
    parser.add_argument("--lessons", type=int, default=5)
    parser.add_argument("--only-x", action="store_true", help="run only the cross-document rules (X codes)")
    parser.add_argument("--tracemalloc", action="store_true", help="also trace Python allocations (several times slower)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        generate(root, args.modules, args.lessons)
        config = Config(exec=ExecConfig(enabled=False), select=["X"] if args.only_x else [])
        if args.tracemalloc:
            tracemalloc.start()
        start = time.perf_counter()
        report = api.check([root], config)
        elapsed = time.perf_counter() - start
        peak = tracemalloc.get_traced_memory()[1] if args.tracemalloc else 0
        tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    codes: dict[str, int] = {}
    for finding in report.findings:
        codes[finding.code] = codes.get(finding.code, 0) + 1
    print(f"lessons: {report.stats.get('lessons', 0)}  findings: {len(report.findings)} {dict(sorted(codes.items()))}  errors: {len(report.errors)}")
    traced = f"  peak traced memory: {peak / 2**20:.1f} MiB" if args.tracemalloc else ""
    print(f"load + check: {elapsed:.2f} s{traced}  max RSS: {rss:.0f} MiB")
    return 0 if elapsed < 5.0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
