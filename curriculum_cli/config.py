"""Configuration: one typed model, resolved before any work.

Read from ``curriculum.yaml`` at the curriculum root or ``[tool.curriculum]``
in ``pyproject.toml`` (see :mod:`curriculum_cli.load.config_file`); command
line options override it.  Every field has a sane default, so a curriculum
without a configuration file works.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from curriculum_cli.findings import Severity


class Layout(BaseModel):
    """Globs (relative to the curriculum root) for each kind of document."""

    model_config = ConfigDict(extra="forbid")

    course: list[str] = Field(default_factory=lambda: ["course.md"])
    series_plans: list[str] = Field(default_factory=lambda: ["series-*/plan.md"])
    module_plans: list[str] = Field(default_factory=lambda: ["series-*/module-*/plan.md"])
    module_records: list[str] = Field(default_factory=lambda: ["series-*/module-*/record.md"])
    planning_docs: list[str] = Field(default_factory=lambda: ["series-*/module-*/lessons/*.md"])
    built_lessons: list[str] = Field(
        default_factory=lambda: [
            "series-*/module-*/content/*.md",
            "series-*/module-*/content/*.mdx",
            "series-*/module-*/content/*.tsx",
        ]
    )
    notebooks: list[str] = Field(default_factory=lambda: ["series-*/module-*/notebooks/*.ipynb"])


class ExecConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    enabled: bool = True
    #: Per-block wall-time limit in seconds.
    timeout: float = 30.0
    memory_mb: int = 4096
    #: Modules the worker imports once before forking a child per lesson.
    preload: list[str] = Field(default_factory=lambda: ["torch", "numpy"])
    #: Third-party packages assumed installed where lessons run; a missing one
    #: is reported as "not verified here", never as a lesson defect.
    assumed_packages: list[str] = Field(default_factory=lambda: ["torch", "numpy", "matplotlib", "pandas"])
    #: Relative tolerance when comparing floats in claimed outputs.
    float_tolerance: float = 1e-4
    output_limit: int = 20000


class Config(BaseModel):
    """Everything a run needs to know, with defaults for all of it."""

    model_config = ConfigDict(extra="forbid")

    select: list[str] = Field(default_factory=list)
    ignore: list[str] = Field(default_factory=list)
    #: Rule code -> severity override.
    severity: dict[str, Severity] = Field(default_factory=dict)
    fail_on: Severity = Severity.IMPROVEMENT
    layout: Layout = Field(default_factory=Layout)
    exec: ExecConfig = Field(default_factory=ExecConfig)
    #: Lesson order overrides: slugs in course order (empty: series, module, lesson number).
    order: list[str] = Field(default_factory=list)
    #: API names always allowed in lesson code (modules, functions, methods).
    allowlist: list[str] = Field(default_factory=list)
    #: Phase 1 sources that are outside the course ("prior knowledge").
    external_sources: list[str] = Field(
        default_factory=lambda: ["prior knowledge", "course prerequisite", "course prerequisites", "external"]
    )
    #: Words never reported as untaught terms.
    stop_terms: list[str] = Field(default_factory=list)
    #: Maximum number of review iterations.
    max_iterations: int = 3

    def enabled(self, code: str) -> bool:
        """Is rule ``code`` selected? Prefixes work like ruff's (``P2`` selects ``P201``)."""
        if self.select and not any(code.startswith(prefix) for prefix in self.select):
            return False
        return not any(code.startswith(prefix) for prefix in self.ignore)
