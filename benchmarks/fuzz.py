"""Fuzz the library API with mutated inputs of every kind; count crashes and findings on lines that do not exist.

    .venv/bin/python benchmarks/fuzz.py --cases 10000 --seed 1

Seeds are the bundled example curriculum (``lessons/``: planning docs, module
and series plans, records, course, built lessons, notebooks) plus a TSX page,
an MDX page and configuration files written here.  Each case takes one seed,
applies a few seeded mutations (text: drop, repeat, swap, truncate, splice in
format fragments, random characters, CRLF, BOM, deep nesting; notebooks and
configs also structurally: a random JSON/YAML node replaced by a number, a
list, null...), and checks it through ``curriculum_cli.api.check`` with code
execution off, either alone (a file outside any curriculum) or inside a small
curriculum built from the example (records, plans and configs need one).
Records, planning docs and module plans inside a curriculum are also
recorded (``record_lesson`` with ``dry_run`` and ``force``).

Counted:

* **crashes**: an exception out of the API other than a tool error
  (``CurriculumError``: unreadable input, bad configuration), and every
  "internal error" the API reports (a rule that raised);
* **bad lines**: findings whose line is not a line of their file;
* **stderr**: cases during which anything was written to stderr (reported);
* **slow cases**: cases over ``--slow`` seconds (reported, not failed).

A case is reproducible alone: ``--case N`` (with the same ``--seed``) runs
only case N and prints its input.  ``--save DIR`` writes the input of the
first case of every crash signature there.  Exit status: 1 when any crash or
bad line was found, else 0.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import random
import re
import shutil
import sys
import tempfile
import time
import traceback
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from curriculum_cli import api  # noqa: E402
from curriculum_cli.errors import CurriculumError  # noqa: E402

EXAMPLE = ROOT / "lessons"
OVERRIDES = {"exec": {"enabled": False}}

TSX_SEED = """import { CodeBlock } from "@/components/CodeBlock";

export default function TensorBasicsLesson() {
  return (
    <article>
      <h1>Tensors hold numbers of one type</h1>
      <p>A tensor is a grid of numbers; its shape tells grids apart.</p>
      {/* curriculum: skip */}
      <CodeBlock language="python" filename="shape.py" code={`import torch

x = torch.tensor([[1, 2], [3, 4]])
print(x.shape)  # torch.Size([2, 2])
print(\\`x\\`, "\\${x}")
`} />
      <p>Indexing takes one index per dimension &mdash; rows first.</p>
      <CodeBlock
        language="python"
        code={`import torch
x = torch.arange(6).reshape(2, 3)
print(x[1, 2].item())  # 5
`}
      />
    </article>
  );
}
"""

MDX_SEED = """---
title: Broadcasting
---
import Note from "./Note";

# Broadcasting stretches size-1 dimensions

<Note>Align shapes from the right.</Note>

{/* curriculum: raises RuntimeError */}
```python title="mismatch.py"
import torch
torch.ones(3) + torch.ones(4)
```

```python
import torch
print((torch.ones(3, 1) + torch.ones(4)).shape)  # torch.Size([3, 4])
```
"""

CONFIG_SEED = """# curriculum.yaml
select: []
ignore: [C103]
severity: {X402: improvement}
per_file_ignores:
  "**/notebooks/*.ipynb": [C203]
fail_on: improvement
order: []
allowlist: [math.sqrt]
stop_terms: [training loop]
max_iterations: 3
layout:
  planning_docs: ["series-*/module-*/lessons/*.md"]
exec:
  enabled: false
  timeout: 30
  float_tolerance: 0.0001
"""

PYPROJECT_SEED = """[project]
name = "course"

[tool.curriculum]
ignore = ["C103"]
fail-on = "critical"
stop_terms = ["training loop"]

[tool.curriculum.exec]
timeout = 10
"""

#: Lines that stress the formats: headings, tables, pipes, fences, fields, markers, JSX.
FRAGMENTS = [
    "# Lesson: x (Module 1.1, Lesson 1)", "# Lesson Plan: Human Title", "# x -- Lesson Planning Document",
    "**Slug:** tensor-basics", "**Module:** 1.2", "**Position:** Lesson 2 of 3", "**Lesson:** 9 of 3",
    "## Phase 1: Orient", "## Phase 2: Analyze", "## Phase 3: Design", "### Prerequisites", "### Misconceptions",
    "### Examples Planned", "### Modalities", "### Cognitive Load", "### Scope Boundaries", "## Checklists",
    "## Review — 2026-02-09 (Iteration 1/3)", "## Review — 2026-13-45 (Iteration 9/3)", "### Verdict: PASS",
    "#### [CRITICAL] — x", "### Iteration 1 Fix Verification", "| # | Severity | Finding | Status |",
    "| 1 | CRITICAL | x | FIXED |", "| Concept | Required Depth | Actual Depth | Status |",
    "| Concept | Depth | Source |", "| Concept | Depth | Lesson | Notes |", "| Lesson | Core Concept | Type | Rationale for Position |",
    "| Misconception | Negative Example |", "| Example | Type |", "| Modality | What | Rationale |", "|---|---|",
    "|---|", "| a | b | c |", "| \\| | `|` |", "|", "||||", "| x | DEVELOPED | tensor-basics (1.1.1) | `torch.x()` |",
    "| 1 | tensor-basics | BUILD | x |", "```", "```python", "~~~python", "````", "```python title=\"x.py\"",
    "- [x] At least 3 misconceptions (7 identified)", "- [x] Cognitive load <= 3 new concepts", "- [ ] ",
    "- **New concepts in this lesson:** 9", "  1. x", "**Type:** STRETCH", "**Type:** BUILD", "**This lesson is NOT about:**",
    "- x (lesson 3: y)", "- x (lesson 99: nowhere)", "**Gap resolution:** No gaps", "INTRODUCED -> DEVELOPED",
    "> quote", "<div>", "</div>", "<details>", "<!-- curriculum: skip -->", "<!-- curriculum: raises ValueError -->",
    "<!-- curriculum: ignore[W101] -->", "{/* curriculum: skip */}", "# curriculum: raises", "print(x)  # tensor(6.)",
    "print(f\"g = {g:.4f}\")  # 1.3560", "x = torch.tensor([1.0], requires_grad=True)", "!pip install torch",
    "%matplotlib inline", "def f(:", "    return later", "import nonexistent_module", "from . import x",
    "<CodeBlock language=\"python\" code={`print(1)`} />", "<CodeBlock code={`", "`} />", "${x}", "\\`", "—", " -- ",
    "", " ", "\t", "\u200b", "\ufeff", "\r", "\x0c", "\u2028", "&a", "*a", "[[[", "{{{", "]]]", "---",
]

JUNK = "|`*_#[](){}<>!-:\\\"'\n\r\t \u2014\u00e9\u4e2d\U0001f600\x7f"


# --------------------------------------------------------------------------- mutations


def _lines(text: str) -> list[str]:
    return text.split("\n")


def drop_lines(r: random.Random, text: str) -> str:
    lines = _lines(text)
    if len(lines) > 1:
        start = r.randrange(len(lines))
        del lines[start : start + r.choice([1, 1, 2, 5, 20])]
    return "\n".join(lines)


def repeat_lines(r: random.Random, text: str) -> str:
    lines = _lines(text)
    start = r.randrange(len(lines))
    chunk = lines[start : start + r.choice([1, 3, 10])]
    return "\n".join(lines[:start] + chunk * r.choice([2, 3, 50]) + lines[start:])


def swap_lines(r: random.Random, text: str) -> str:
    lines = _lines(text)
    a, b = r.randrange(len(lines)), r.randrange(len(lines))
    lines[a], lines[b] = lines[b], lines[a]
    return "\n".join(lines)


def truncate(r: random.Random, text: str) -> str:
    return text[: r.randrange(len(text) + 1)]


def splice_fragment(r: random.Random, text: str) -> str:
    lines = _lines(text)
    at = r.randrange(len(lines) + 1)
    new = [r.choice(FRAGMENTS) for _ in range(r.choice([1, 1, 2, 4]))]
    return "\n".join(lines[:at] + new + lines[at:])


def replace_in_line(r: random.Random, text: str) -> str:
    lines = _lines(text)
    index = r.randrange(len(lines))
    line = lines[index]
    cut = r.randrange(len(line) + 1)
    lines[index] = line[:cut] + r.choice(FRAGMENTS) + line[cut + r.randrange(4) :]
    return "\n".join(lines)


def random_chars(r: random.Random, text: str) -> str:
    at = r.randrange(len(text) + 1)
    junk = "".join(r.choice(JUNK) for _ in range(r.choice([1, 3, 10, 40])))
    return text[:at] + junk + text[at + r.randrange(5) :]


def delete_chars(r: random.Random, text: str) -> str:
    at = r.randrange(len(text) + 1)
    return text[:at] + text[at + r.choice([1, 1, 2, 10, 100]) :]


def line_endings(r: random.Random, text: str) -> str:
    return r.choice([text.replace("\n", "\r\n"), text.replace("\n", "\r"), "\ufeff" + text, text.rstrip("\n"), text + "\n\n\n"])


def deep_nesting(r: random.Random, text: str) -> str:
    depth = r.choice([40, 200, 1000])
    kind = r.choice(["list", "quote", "brackets", "html"])
    piece = {
        "list": "".join("  " * i + "- x\n" for i in range(depth)),
        "quote": ">" * depth + " x\n",
        "brackets": "[" * depth + "]" * depth + "\n",
        "html": "<div>" * depth + "</div>" * depth + "\n",
    }[kind]
    lines = _lines(text)
    at = r.randrange(len(lines) + 1)
    return "\n".join(lines[:at] + [piece] + lines[at:])


TEXT_MUTATIONS: list[Callable[[random.Random, str], str]] = [
    drop_lines, repeat_lines, swap_lines, truncate, splice_fragment, splice_fragment, replace_in_line,
    replace_in_line, random_chars, delete_chars, line_endings, deep_nesting,
]

STRUCTURAL_VALUES: list[Any] = [
    None, 0, 5, -1, 1.5, 1e308, True, "", "x", "\x00", [], [1], [None], {}, {"a": 1}, [[[]]], "*a", "&a [1]",
]


def _nodes(data: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [path]
    if isinstance(data, dict):
        for key, value in data.items():
            out += _nodes(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            out += _nodes(value, (*path, index))
    return out


def mutate_structure(r: random.Random, data: Any) -> Any:
    """Replace, delete or duplicate one random node of parsed JSON/YAML data."""
    paths = [p for p in _nodes(data) if p]
    if not paths:
        return r.choice(STRUCTURAL_VALUES)
    path = r.choice(paths)
    parent = data
    for key in path[:-1]:
        parent = parent[key]
    key = path[-1]
    action = r.randrange(4)
    if action == 0 and isinstance(parent, dict):
        del parent[key]
    elif action == 1 and isinstance(parent, list):
        parent.insert(key, parent[key])
    elif action == 2 and isinstance(parent[key], str):
        parent[key] = r.choice(STRUCTURAL_VALUES) if r.random() < 0.5 else [parent[key], r.choice(STRUCTURAL_VALUES)]
    else:
        parent[key] = r.choice(STRUCTURAL_VALUES)
    return data


def mutate_json(r: random.Random, text: str) -> str:
    if r.random() < 0.3:
        return mutate_text(r, text)
    data = json.loads(text)
    for _ in range(r.choice([1, 1, 2, 3])):
        data = mutate_structure(r, data)
    return json.dumps(data, indent=1, ensure_ascii=r.random() < 0.5)


def mutate_yaml(r: random.Random, text: str) -> str:
    if r.random() < 0.5:
        return mutate_text(r, text)
    from ruamel.yaml import YAML

    yaml = YAML(typ="safe")
    data = yaml.load(text)
    for _ in range(r.choice([1, 2])):
        data = mutate_structure(r, data)
    buffer = io.StringIO()
    yaml.dump(data, buffer)
    return buffer.getvalue()


def mutate_text(r: random.Random, text: str) -> str:
    for _ in range(r.choice([1, 1, 2, 3, 5])):
        text = r.choice(TEXT_MUTATIONS)(r, text or "\n")
    return text


# --------------------------------------------------------------------------- seeds and cases


@dataclass(frozen=True)
class Seed:
    kind: str
    #: Path relative to a curriculum root (where the mutated file goes in a curriculum case).
    place: str
    text: str


def seeds() -> list[Seed]:
    out = []
    for path in sorted(EXAMPLE.rglob("*")):
        if not path.is_file():
            continue
        relative = path.relative_to(EXAMPLE).as_posix()
        if path.suffix == ".ipynb":
            kind = "notebook"
        elif "/lessons/" in relative:
            kind = "planning-doc"
        elif "/content/" in relative:
            kind = "built-lesson"
        elif path.name == "record.md":
            kind = "record"
        elif path.name == "plan.md":
            kind = "module-plan" if "module-" in relative else "series-plan"
        elif path.name == "course.md":
            kind = "course"
        else:
            continue
        out.append(Seed(kind, relative, path.read_text(encoding="utf-8")))
    out.append(Seed("tsx-page", "series-1/module-1-1/content/tensor-basics.tsx", TSX_SEED))
    out.append(Seed("mdx-page", "series-1/module-1-1/content/broadcasting.mdx", MDX_SEED))
    out.append(Seed("config", "curriculum.yaml", CONFIG_SEED))
    out.append(Seed("pyproject", "pyproject.toml", PYPROJECT_SEED))
    return out


#: Kinds that only mean something inside a curriculum.
CURRICULUM_ONLY = {"record", "module-plan", "series-plan", "course", "config", "pyproject"}


@dataclass
class Case:
    number: int
    seed: Seed
    in_curriculum: bool
    data: bytes


def make_case(seed_value: int, number: int, all_seeds: list[Seed]) -> Case:
    r = random.Random(f"{seed_value}-{number}")
    seed = r.choice(all_seeds)
    if seed.kind in ("notebook",):
        text = mutate_json(r, seed.text)
    elif seed.kind == "config":
        text = mutate_yaml(r, seed.text)
    else:
        text = mutate_text(r, seed.text)
    in_curriculum = seed.kind in CURRICULUM_ONLY or r.random() < 0.4
    data = text.encode("utf-8", errors="surrogatepass")
    if r.random() < 0.01:
        data = data[: r.randrange(len(data) + 1)] + bytes([r.randrange(256)]) + data[r.randrange(len(data) + 1) :]
    return Case(number, seed, in_curriculum, data)


# --------------------------------------------------------------------------- running


@dataclass
class Stats:
    cases: int = 0
    crashes: Counter[str] = field(default_factory=Counter)
    crash_examples: dict[str, int] = field(default_factory=dict)
    crash_details: dict[str, str] = field(default_factory=dict)
    tool_errors: int = 0
    findings: int = 0
    bad_lines: Counter[str] = field(default_factory=Counter)
    bad_line_examples: dict[str, int] = field(default_factory=dict)
    slow: list[tuple[float, int, str]] = field(default_factory=list)
    by_kind: Counter[str] = field(default_factory=Counter)
    #: Cases also recorded (``record --dry-run --force``).
    records: int = 0
    #: Last line of anything written to stderr during a check -> cases.
    stderr: Counter[str] = field(default_factory=Counter)


def _signature(error: BaseException) -> str:
    frames = [f for f in traceback.extract_tb(error.__traceback__) if "curriculum_cli" in f.filename]
    where = f"{Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else "?"
    return f"{type(error).__name__} at {where}"


_INTERNAL = re.compile(r"internal error in rule (?P<code>\w+) on .*?: (?P<type>\w+): .*\((?P<file>[^()]*):(?P<line>\d+)\)")


def _internal_signature(message: str) -> str:
    match = _INTERNAL.search(message)
    if not match:
        return "internal error: " + message[:80]
    return f"{match['type']} at {Path(match['file']).name}:{match['line']} (rule {match['code']})"


def _line_count(path: str, cwd: Path) -> int | None:
    file = Path(path) if Path(path).is_absolute() else cwd / path
    try:
        data = file.read_bytes()
    except OSError:
        return None
    text = data.decode("utf-8", errors="replace").replace("\r\n", "\n").replace("\r", "\n")
    return max(1, len(text.split("\n")) - (1 if text.endswith("\n") else 0))


class Runner:
    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        # Two small curricula from the example: one per module (checking the whole example takes 10x longer).
        self.bases: dict[str, Path] = {}
        for module in ("module-1-1", "module-1-2"):
            base = workdir / module
            base.mkdir()
            shutil.copy(EXAMPLE / "course.md", base / "course.md")
            (base / "series-1").mkdir()
            shutil.copy(EXAMPLE / "series-1/plan.md", base / "series-1/plan.md")
            shutil.copytree(EXAMPLE / "series-1" / module, base / "series-1" / module)
            self.bases[module] = base
        self.loose = workdir / "loose"
        self.loose.mkdir()

    def place(self, case: Case) -> tuple[Path, Path, Callable[[], None]]:
        """Write the case's file; return (what to check, the file, how to undo it)."""
        if not case.in_curriculum:
            target = self.loose / Path(case.seed.place).name
            target.write_bytes(case.data)
            return target, target, lambda: target.unlink()
        module = "module-1-2" if "module-1-2" in case.seed.place else "module-1-1"
        base = self.bases[module]
        target = base / case.seed.place
        original = target.read_bytes() if target.exists() else None
        target.write_bytes(case.data)

        def undo() -> None:
            if original is None:
                target.unlink()
            else:
                target.write_bytes(original)

        return base, target, undo

    def run(self, case: Case, stats: Stats) -> str | None:
        """Check one case; return the crash signature if it crashed."""
        checked, file, undo = self.place(case)
        stats.cases += 1
        stats.by_kind[case.seed.kind] += 1
        crash = None
        start = time.perf_counter()
        stderr = io.StringIO()
        try:
            with contextlib.redirect_stderr(stderr):
                report = api.check([checked], overrides=OVERRIDES, cache=False)
        except CurriculumError:
            stats.tool_errors += 1
        except RecursionError as error:
            crash = _signature(error)
            stats.crash_details.setdefault(crash, "RecursionError")
        except Exception as error:  # noqa: BLE001 - counting every crash is the point
            crash = _signature(error)
            stats.crash_details.setdefault(crash, "".join(traceback.format_exception(error))[-1500:])
        else:
            stats.findings += len(report.findings)
            stats.tool_errors += bool(report.errors)
            internal = [e for e in report.errors if "internal error" in e]
            if internal:
                crash = _internal_signature(internal[0])
                stats.crash_details.setdefault(crash, internal[0])
            self._check_lines(case, report, stats)
            if case.in_curriculum and case.seed.kind in ("record", "planning-doc", "module-plan"):
                crash = self._record(case, checked, stats)
        finally:
            elapsed = time.perf_counter() - start
            undo()
        if stderr.getvalue():
            stats.stderr[stderr.getvalue().strip().splitlines()[-1][:100]] += 1
        stats.slow.append((elapsed, case.number, case.seed.kind))
        if crash:
            stats.crashes[crash] += 1
            stats.crash_examples.setdefault(crash, case.number)
        return crash

    def _record(self, case: Case, root: Path, stats: Stats) -> str | None:
        """``record --dry-run --force`` of the case's lesson (or the module's first): the record writer's reading."""
        from curriculum_cli.load.curriculum import open_curriculum
        from curriculum_cli.record import record_lesson

        stats.records += 1
        try:
            with contextlib.redirect_stderr(io.StringIO()):
                curriculum = open_curriculum(root, OVERRIDES)
                slugs = [lesson.slug for lesson in curriculum.lessons if lesson.plan]
                slug = Path(case.seed.place).stem if Path(case.seed.place).stem in slugs else (slugs or ["none"])[0]
                record_lesson(curriculum, slug, force=True, dry_run=True)
        except CurriculumError:
            return None
        except Exception as error:  # noqa: BLE001 - counting every crash is the point
            signature = "record: " + _signature(error)
            stats.crash_details.setdefault(signature, "".join(traceback.format_exception(error))[-1500:])
            return signature
        return None

    def _check_lines(self, case: Case, report: Any, stats: Stats) -> None:
        counts: dict[str, int | None] = {}
        for finding in report.findings:
            if finding.line is None:
                continue
            if finding.path not in counts:
                counts[finding.path] = _line_count(finding.path, Path.cwd())
            total = counts[finding.path]
            if total is not None and not 1 <= finding.line <= total:
                key = f"{finding.code} on {case.seed.kind}"
                stats.bad_lines[key] += 1
                stats.bad_line_examples.setdefault(key, case.number)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=10_000, help="number of cases (default 10000)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--case", type=int, help="run only this case number and print its input")
    parser.add_argument("--kind", help="only seeds of this kind (planning-doc, notebook, config, tsx-page...)")
    parser.add_argument("--save", type=Path, help="write the first input of every crash signature to this folder")
    parser.add_argument("--slow", type=float, default=2.0, help="report cases slower than this many seconds")
    args = parser.parse_args(argv)

    all_seeds = [s for s in seeds() if args.kind is None or s.kind == args.kind]
    if not all_seeds:
        parser.error(f"no seeds of kind {args.kind!r}")
    numbers = [args.case] if args.case is not None else range(args.cases)
    stats = Stats()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="curriculum-fuzz-") as folder, _quiet_logs():
        runner = Runner(Path(folder))
        for number in numbers:
            case = make_case(args.seed, number, all_seeds)
            crash = runner.run(case, stats)
            if args.case is not None:
                sys.stdout.write(case.data.decode("utf-8", errors="replace") + "\n----\n")
            if crash and args.save and stats.crash_examples[crash] == number:
                args.save.mkdir(parents=True, exist_ok=True)
                (args.save / f"case-{number}-{Path(case.seed.place).name}").write_bytes(case.data)
            if args.case is None and (number + 1) % 1000 == 0:
                print(f"... {number + 1} cases, {sum(stats.crashes.values())} crashes", file=sys.stderr, flush=True)
    elapsed = time.perf_counter() - started
    _print(stats, elapsed, args)
    return 1 if stats.crashes or stats.bad_lines else 0


@contextlib.contextmanager
def _quiet_logs() -> Any:
    import logging

    logging.disable(logging.CRITICAL)
    try:
        yield
    finally:
        logging.disable(logging.NOTSET)


def _print(stats: Stats, elapsed: float, args: argparse.Namespace) -> None:
    print(f"cases: {stats.cases} (seed {args.seed}) in {elapsed:.1f} s ({1000 * elapsed / max(stats.cases, 1):.1f} ms per case)")
    print("by kind: " + ", ".join(f"{kind} {count}" for kind, count in sorted(stats.by_kind.items())))
    print(f"findings: {stats.findings}; cases with tool errors (clean, exit 2): {stats.tool_errors}")
    print(f"cases also recorded (record --dry-run --force): {stats.records}")
    print(f"crashes: {sum(stats.crashes.values())} ({len(stats.crashes)} distinct)")
    for signature, count in stats.crashes.most_common():
        print(f"  {count:5d}  {signature}  (first: --case {stats.crash_examples[signature]})")
        if args.case is not None:
            print(stats.crash_details.get(signature, ""))
    print(f"findings on lines that do not exist: {sum(stats.bad_lines.values())}")
    for key, count in stats.bad_lines.most_common():
        print(f"  {count:5d}  {key}  (first: --case {stats.bad_line_examples[key]})")
    print(f"cases writing to stderr: {sum(stats.stderr.values())}" + "".join(f"\n  {n:5d}  {line}" for line, n in stats.stderr.most_common(5)))
    slow = sorted((s for s in stats.slow if s[0] > args.slow), reverse=True)
    print(f"cases over {args.slow:g} s: {len(slow)}" + "".join(f"\n  {t:6.2f} s  --case {n} ({k})" for t, n, k in slow[:10]))


if __name__ == "__main__":
    raise SystemExit(main())
