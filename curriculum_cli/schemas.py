"""JSON Schemas of the tool's public data, generated from its pydantic models.

``python -m curriculum_cli.schemas`` rewrites ``schemas/*.json`` at the
repository root; ``python -m curriculum_cli.schemas --check`` only reports
stale files (exit 1).  The output is deterministic (sorted keys, two-space
indent, trailing newline) so a stale file shows up as a plain diff.

Outputs of the tool (the planning-document model printed by ``curriculum
parse --format json``, a finding) are described as serialized; the
configuration, an input, as validated.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

from pydantic import BaseModel

from curriculum_cli.config import Config
from curriculum_cli.findings import Finding
from curriculum_cli.model.plan import LessonPlan

Mode = Literal["validation", "serialization"]

#: File name -> (model, schema mode).
SCHEMAS: dict[str, tuple[type[BaseModel], Mode]] = {
    "lesson-plan.schema.json": (LessonPlan, "serialization"),
    "finding.schema.json": (Finding, "serialization"),
    "config.schema.json": (Config, "validation"),
}

#: ``schemas/`` beside the package (the repository layout).
DEFAULT_DIR = Path(__file__).resolve().parent.parent / "schemas"
DIALECT = "https://json-schema.org/draft/2020-12/schema"
REGENERATE = "python -m curriculum_cli.schemas"


def render(model: type[BaseModel], mode: Mode) -> str:
    """The schema of ``model`` as deterministic JSON text."""
    schema = {"$schema": DIALECT, **model.model_json_schema(mode=mode)}
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def generate() -> dict[str, str]:
    """File name -> schema text, for every published schema."""
    return {name: render(model, mode) for name, (model, mode) in SCHEMAS.items()}


def stale(folder: Path = DEFAULT_DIR) -> list[str]:
    """Names of schema files in ``folder`` that are missing or differ from the models."""
    out = []
    for name, text in generate().items():
        path = folder / name
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            out.append(name)
    return out


def write(folder: Path = DEFAULT_DIR) -> list[str]:
    """Write every schema file into ``folder``; return the names that changed."""
    changed = stale(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in generate().items():
        if name in changed:
            (folder / name).write_text(text, encoding="utf-8")
    return changed


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog=REGENERATE, description="Regenerate the JSON Schema files.")
    parser.add_argument("--dir", type=Path, default=DEFAULT_DIR, help="output folder [default: schemas/]")
    parser.add_argument("--check", action="store_true", help="only report stale files (exit 1 if any)")
    args = parser.parse_args(argv)
    if args.check:
        names = stale(args.dir)
        for name in names:
            print(f"{args.dir / name}: stale; run '{REGENERATE}'", file=sys.stderr)
        return 1 if names else 0
    for name in write(args.dir):
        print(f"wrote {args.dir / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
