"""``curriculum rules``, ``rule CODE`` and ``parse FILE``: what the tool knows and understood."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from curriculum_cli.cli.options import FormatOption, OutputFormat, fail
from curriculum_cli.errors import CurriculumError
from curriculum_cli.load.curriculum import load_plan
from curriculum_cli.rules.registry import all_rules, get_rule


def rules(output_format: FormatOption = OutputFormat.text) -> None:
    """List every rule: code, default severity, name and summary."""
    items = all_rules()
    if output_format is OutputFormat.json:
        data = [
            {"code": r.code, "name": r.name, "severity": r.severity.value, "kind": r.kind, "summary": r.summary, "doc": r.doc}
            for r in items
        ]
        sys.stdout.write(json.dumps(data, indent=2) + "\n")
        return
    width = max(len(r.name) for r in items)
    for r in items:
        typer.echo(f"{r.code}  {r.severity.value:<11}  {r.name:<{width}}  {r.summary}")


def rule(code: Annotated[str, typer.Argument(help="Rule code (P201) or name (too-few-misconceptions).")]) -> None:
    """Explain one rule: its documentation, default severity and student impact."""
    found = get_rule(code)
    if found is None:
        raise fail(f"unknown rule {code!r}; 'curriculum rules' lists them")
    typer.echo(f"{found.code} {found.name} [{found.severity.value}] ({found.kind} rule)\n")
    typer.echo(found.doc)
    if found.impact:
        typer.echo(f"\nStudent impact: {found.impact}")


def parse(
    file: Annotated[Path, typer.Argument(help="A planning document.")],
    output_format: FormatOption = OutputFormat.text,
) -> None:
    """Show what the parser understood of a planning document (the model, with lines)."""
    try:
        plan_doc = load_plan(file, str(file))
    except CurriculumError as error:
        raise fail(str(error)) from None
    plan = plan_doc.plan
    if output_format is OutputFormat.json:
        sys.stdout.write(plan.model_dump_json(indent=2) + "\n")
        return
    header = plan.header
    kind = header.type.value if header.type else header.type_raw
    typer.echo(
        f"{file}: lesson {header.slug!r} module {header.module_id} lesson {header.lesson_number}"
        + (f" of {header.lesson_count}" if header.lesson_count else "")
        + f" type {kind!r}" + (f" medium {header.medium!r}" if header.medium else "")
        + f"; slug from {header.slug_from or 'nowhere'}"
    )
    typer.echo(f"title form: {header.title_form or 'not a lesson title'}")
    typer.echo("parts recognized (line, part, the alias that matched):")
    for part, line in sorted(plan.sections.items(), key=lambda kv: kv[1]):
        table = plan.tables.get(part)
        how = plan.matched.get(part, "")
        extra = f"  table, {table.rows} rows: {' | '.join(table.header)}" if table else ""
        typer.echo(f"  {line:>5}  {part:<18} {how}{extra}")
        if table and table.columns:
            typer.echo("         " + " " * 18 + " columns: " + ", ".join(f"{role}={cell!r}" for role, cell in table.columns.items()))
    from curriculum_cli.rules.plan_structure import REQUIRED_PARTS

    missing = [p for p in REQUIRED_PARTS if p not in plan.sections]
    if missing:
        typer.echo("required parts not found: " + ", ".join(missing))
    counts = {
        "concepts": len(plan.concepts), "prerequisites": len(plan.prerequisites),
        "misconceptions": len(plan.misconceptions), "examples": len(plan.examples),
        "modalities": len(plan.modalities), "checklist items": len(plan.checklist), "reviews": len(plan.reviews),
    }
    typer.echo("counts: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    if plan.cognitive_load:
        load = plan.cognitive_load
        typer.echo(f"cognitive load: stated {load.stated}, listed {len(load.concepts)}, this lesson {load.this_load.raw if load.this_load else None!r}")
    from curriculum_cli.model.build_review import describe_review

    for review in plan.reviews:
        typer.echo(describe_review(review))
    for problem in plan.problems:
        typer.echo(f"  problem {problem.code} line {problem.line}: {problem.message}")
