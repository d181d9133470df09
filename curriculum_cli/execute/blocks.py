"""Nouns shared by code extraction, the static pass and the sandboxed runner.

``Artifact`` (a built lesson or notebook file) -> ``CodeBlock`` (one fenced
block, ``<CodeBlock>`` component or notebook cell) -> ``BlockResult`` (what
running it did).  Lines are 1-based lines of the artifact file, so findings,
tracebacks and editors agree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

BlockKind = Literal["fence", "component", "cell"]
BlockMode = Literal["run", "skip", "raises", "exercise"]
RunStatus = Literal["ok", "error", "timeout", "memory", "skipped", "not-run", "environment"]
#: ``BlockResult.exception`` of a ``not-run`` block the executor could not run or
#: vouch for (worker died, sandbox incomplete, forged messages): rule C307, never a pass.
EXECUTOR_FAILURE = "ExecutorError"


@dataclass(slots=True)
class CodeBlock:
    """One unit of student-visible Python code inside an artifact."""

    #: Path of the artifact file (as given to the tool).
    path: str
    #: 0-based position of the block within its artifact.
    index: int
    #: Line in the artifact of the block's first code line.
    line: int
    source: str
    kind: BlockKind = "fence"
    language: str = "python"
    #: Filename the lesson presents the block as (``title="x.py"``), if any.
    filename: str | None = None
    #: ``skip`` / ``raises`` markers, ``exercise`` for unsolved notebook cells.
    mode: BlockMode = "run"
    #: For ``raises``: the expected exception name, when the marker names one.
    expected_exception: str | None = None
    #: Notebook cell number (1-based) when ``kind == "cell"``.
    cell: int | None = None
    #: Maps a 1-based line of ``source`` to a line in the artifact when lines
    #: are not contiguous (template literals, notebook JSON). Empty: contiguous.
    line_map: list[int] = field(default_factory=list)
    #: Source to execute instead of ``source`` (a notebook exercise's solution).
    replacement: str | None = None
    #: The lesson presents the block as complete (its caption or the prose
    #: before it says complete, full, standalone...): it must run alone.
    complete: bool = False
    #: Why a ``skip`` block is not run when no marker says so (``pseudocode``).
    not_run: str | None = None
    #: Lines (1-based, of ``source``) that are IPython syntax, run as ``pass``.
    ipython_lines: list[int] = field(default_factory=list)

    def artifact_line(self, source_line: int) -> int:
        """Artifact line of 1-based ``source_line`` of this block."""
        if self.line_map and 1 <= source_line <= len(self.line_map):
            return self.line_map[source_line - 1]
        return self.line + source_line - 1

    @property
    def label(self) -> str:
        if self.cell is not None:
            return f"cell {self.cell}"
        return f"block {self.index + 1}" + (f" ({self.filename})" if self.filename else "")


@dataclass(slots=True)
class Output:
    """One printed line (or displayed value) attributed to the source line that made it."""

    #: 1-based line within the block source that produced it.
    source_line: int
    text: str


@dataclass(slots=True)
class Frame:
    path: str
    line: int
    function: str


@dataclass(slots=True)
class BlockResult:
    index: int
    status: RunStatus
    #: Exception class name (``NameError``) and message, when status is error.
    exception: str | None = None
    message: str | None = None
    #: Line within the block source where the exception was raised (innermost
    #: frame belonging to this block), if known.
    error_line: int | None = None
    #: Traceback frames mapped to artifact paths and lines, innermost last.
    traceback: list[Frame] = field(default_factory=list)
    outputs: list[Output] = field(default_factory=list)
    #: Truncated captured stdout+stderr.
    stdout: str = ""
    #: Fully qualified torch functions / Tensor methods called (runtime tracing).
    called: set[str] = field(default_factory=set)
    seconds: float = 0.0
    #: Why the block was not verified (missing package, no network...), for
    #: status ``environment``.
    reason: str | None = None
    #: Names this block would have bound but may not have (it failed, was
    #: skipped or never finished): a later NameError on one of them is a cascade.
    poisoned: set[str] = field(default_factory=set)
    #: True when this block failed only with a NameError on a name poisoned by
    #: an earlier block: the root cause is that block, not this one.
    cascade: bool = False
    #: ``index`` of the block whose failure this one cascades from.
    cascade_from: int | None = None
