"""Plant known defects in the census fixture and measure what the static rules report.

    .venv/bin/python benchmarks/census_variant.py

Copies ``tests/fixtures/census-docs`` (a clean curriculum in every
planning-side form a real course writes) to a temporary folder, plants every
defect below at once, runs ``check`` without execution and prints: findings
per code on the clean fixture and on the variant, findings per planning doc,
planted defects hit and missed, and findings that match no planted defect.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from collections import Counter
from pathlib import Path

from curriculum_cli import api
from curriculum_cli.config import Config, ExecConfig

CENSUS = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "census-docs"
M11, M12 = "series-1/module-1-1", "series-1/module-1-2"
SLICING, CASE = f"{M11}/lessons/string-slicing.md", f"{M11}/lessons/case-methods.md"
FORMATTING, PATTERN = f"{M11}/lessons/formatting-values.md", f"{M12}/lessons/pattern-basics.md"

#: (file, text before, text after, code expected on the edited line).
PLANTED: list[tuple[str, str, str, str]] = [
    (CASE, "1.1.1 (string-slicing)", "1.1.3 (string-slicing)", "X105"),
    (CASE, "| string-slicing (1.1) | OK | the copy rule", "| string-slicer (1.1) | OK | the copy rule", "X103"),
    (CASE, "| Row of numbered boxes picture | REVISITED (INTRODUCED) | string-slicing (1.1)",
     "| Row of numbered boxes picture | REVISITED (INTRODUCED) | formatting-values (1.1)", "X104"),
    (CASE, "| Position indexing of strings | DEVELOPED | string-slicing (1.1.1) |",
     "| Position indexing of strings | string-slicing (1.1.1) | DEVELOPED |", "P104"),
    (CASE, "| `.strip()` removes all spaces |", "| `.strip()` removes all spaces | even inside |", "P103"),
    (FORMATTING, "| Chaining methods | INTRODUCED |", "| Unicode normalisation forms | INTRODUCED |", "X101"),
    (FORMATTING, "  - Patterns in text (module 1.2)", "  - Patterns in text (module 3.4)", "X301"),
    (FORMATTING, "**Next lesson:** pattern-basics (BUILD)", "**Next lesson:** pattern-groups (STRETCH)", "X201"),
    (PATTERN, "**Position:** Lesson 1 of 2", "**Position:** Lesson 2 of 2", "X204"),
    (PATTERN, "| f-string interpolation of values | DEVELOPED |", "| f-string interpolation of values | APPLIED |", "X102"),
    (PATTERN, "- **This lesson's load:** BUILD", "- **This lesson's load:** STRETCH", "P305"),
    (PATTERN, "**New concepts in this lesson:** 3 (a literal", "**New concepts in this lesson:** 5 (a literal", "P303"),
    (SLICING, "| Lists hold items in order | INTRODUCED | DEVELOPED |", "| Lists hold items in order | DEVELOPED | MENTIONED |", "P201"),
    ("series-2/module-2-1/plan.md", "| CONSOLIDATE / PROJECT |", "| STRETCH |", "X203"),
]


def _findings(root: Path) -> list[tuple[str, int | None, str]]:
    report = api.check([root], Config(exec=ExecConfig(enabled=False)))
    if report.errors:
        sys.exit(f"tool errors: {report.errors}")
    return sorted((Path(f.path).resolve().relative_to(root.resolve()).as_posix(), f.line, f.code) for f in report.findings)


def _plant(root: Path) -> set[tuple[str, int, str]]:
    wanted = set()
    for relative, old, new, code in PLANTED:
        path = root / relative
        text = path.read_text(encoding="utf-8")
        if text.count(old) != 1:
            sys.exit(f"{relative}: cannot plant {code}: {old!r} occurs {text.count(old)} times")
        wanted.add((relative, text[: text.index(old)].count("\n") + 1, code))
        path.write_text(text.replace(old, new), encoding="utf-8")
    return wanted


def main() -> int:
    clean = _findings(CENSUS)
    print(f"clean census fixture: {len(clean)} findings {dict(Counter(c for _, _, c in clean))}")
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "census"
        shutil.copytree(CENSUS, root)
        wanted = _plant(root)
        found = _findings(root)
    print(f"variant: {len(PLANTED)} planted defects, {len(found)} findings")
    print("findings per code:", dict(sorted(Counter(c for _, _, c in found).items())))
    docs = Counter(p for p, _, _ in found if "/lessons/" in p)
    print("findings per planning doc:", dict(sorted(docs.items())))
    hit = wanted & set(found)
    missed = wanted - set(found)
    extra = [f for f in found if f not in wanted]
    print(f"planted defects hit: {len(hit)}/{len(wanted)}")
    for item in sorted(missed):
        print("  MISSED", *item)
    print(f"findings matching no planted defect: {len(extra)}")
    for item in extra:
        print("  EXTRA", *item)
    true = len(found) - len(extra)
    print(f"true findings: {true}/{len(found)} ({100 * true / max(len(found), 1):.0f}%)")
    return 0 if not missed else 1


if __name__ == "__main__":
    raise SystemExit(main())
