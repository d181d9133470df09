"""Rules on the code a lesson shows: it must run, as shown, with what was taught.

Every rule here reads :func:`curriculum_cli.execute.analysis.lesson_code`,
computed once per lesson: extraction, static pass, inventory and (unless
``--no-exec``) execution.  Findings point at the artifact (built lesson or
notebook) and its line; ``subject`` is the name, API or claim.
"""

from __future__ import annotations

from collections.abc import Iterator

from curriculum_cli.execute.analysis import lesson_code
from curriculum_cli.findings import Issue, Severity
from curriculum_cli.rules.base import rule
from curriculum_cli.rules.context import LessonContext

#: Rules whose findings only code execution can produce or clear: with
#: execution off (``--no-exec`` or ``exec.enabled: false``) they did not check.
EXECUTION_CODES = frozenset({"C301", "C302", "C303", "C304", "C305", "C306", "C307"})


@rule(
    "C100", "unreadable-artifact", Severity.CRITICAL, "lesson",
    impact="The student cannot open the lesson or notebook at all.",
    fix="Repair the notebook: valid nbformat JSON, every cell's source a string or a list of strings.",
)
def unreadable_artifact(ctx: LessonContext) -> Iterator[Issue]:
    """A practice notebook is malformed: its code cannot be read.

    A notebook that is not valid JSON, not a valid nbformat document, or
    whose cells have the wrong shape (a number as a cell's source).  Its code
    is not checked.  A file that cannot be read at all (missing, binary, not
    UTF-8, over 20 MB, not a regular file) is not a finding but a tool error
    (exit 2), for built lessons and notebooks as for planning documents.
    """
    yield from lesson_code(ctx).issues_for("C100")


@rule(
    "C101", "code-syntax-error", Severity.CRITICAL, "lesson",
    impact="The student gets a SyntaxError before running anything, even in an exercise cell they have not touched.",
    fix="Fix the code so it parses as shown.",
)
def code_syntax_error(ctx: LessonContext) -> Iterator[Issue]:
    """A code block or notebook cell does not parse.

    Checked on the code as shipped, also in exercise cells (a ``with`` block
    whose body is only comments fails before the student types anything; a
    ``___`` placeholder parses and is fine).  Blocks marked skip are exempt.
    """
    yield from lesson_code(ctx).issues_for("C101")


@rule(
    "C102", "undefined-name", Severity.CRITICAL, "lesson",
    impact="Pasting the blocks in order into one notebook stops with a NameError the student cannot fix from the lesson.",
    fix="Define or import the name in this block or an earlier one.",
)
def undefined_name(ctx: LessonContext) -> Iterator[Issue]:
    """A name is used but no earlier block (or cell) defines it.

    A lesson's blocks run in order in one namespace, as a student pasting them
    into one notebook would; a notebook's cells likewise.  Function bodies are
    resolved when called, so they may use names defined later.  One finding
    per block, listing its names.  On a lesson page, a block whose names are
    defined nowhere is a fragment (``model`` standing for "your model"): it is
    not run and not reported, unless a name drifted from a similar one defined
    earlier (``learnig_rate``), or the block is otherwise complete (presented
    as complete, or its own imports and only one name missing).  A NameError
    caused by an earlier failure (or a skipped/exercise block) is not
    reported again.
    """
    yield from lesson_code(ctx).issues_for("C102")


@rule(
    "C103", "named-block-not-standalone", Severity.POLISH, "lesson",
    impact="A block shown as `x.py` looks runnable on its own; run alone it fails with a NameError.",
    fix="Define or import the name in the named block, or drop the filename.",
)
def named_block_not_standalone(ctx: LessonContext) -> Iterator[Issue]:
    """A block presented as a complete file uses a name from an earlier block.

    A filename alone is a label.  The block is held to run alone when its
    caption, first comment or the sentence before it says complete, full,
    copy-ready, standalone, self-contained or on its own, or when the page's
    other named blocks (at least two) are all self-contained.  The finding
    names the block and line that define the name.
    """
    yield from lesson_code(ctx).issues_for("C103")


@rule(
    "C201", "untaught-api", Severity.IMPROVEMENT, "lesson",
    impact="The student meets an API nobody explained and has to guess what it does.",
    fix="Explain the API in the prose before the block, or use one the student was taught.",
)
def untaught_api(ctx: LessonContext) -> Iterator[Issue]:
    """Code uses an import or API that neither the records up to this lesson, the
    planning doc, the allowlist nor the lesson's prose teaches.

    Only packages in ``exec.tracked_packages`` (default torch) are judged;
    records teach an API by a code span or by naming it without backticks
    (``torch.no_grad()``, ``F.relu``).  One finding per lesson and API.
    Only APIs resolved to a module path through the block's imports
    (``F.relu`` -> ``torch.nn.functional.relu``) or seen by runtime tracing
    (``x.grad.zero_()`` -> ``torch.Tensor.zero_``) are checked; a bare
    attribute (``torch.float32``) only when some record names it.  When a
    later lesson teaches the API, the message names it.
    """
    yield from lesson_code(ctx).issues_for("C201")


@rule(
    "C202", "api-outside-scope", Severity.CRITICAL, "lesson",
    impact="The lesson uses exactly what its plan deferred, before the student has the concept behind it.",
    fix="Rewrite the code without it, or move it to the lesson the scope defers it to.",
)
def api_outside_scope(ctx: LessonContext) -> Iterator[Issue]:
    """Code uses an API that the planning doc's scope NOT list names.

    A NOT item naming a module (```torch.nn.functional```, ``torch.optim``)
    covers its submodules and members.
    """
    yield from lesson_code(ctx).issues_for("C202")


@rule(
    "C203", "unexplained-keyword", Severity.IMPROVEMENT, "lesson",
    impact="A keyword argument with no word of explanation reads as magic the student must copy.",
    fix="Say what the argument does in the prose or a comment, or drop it.",
)
def unexplained_keyword(ctx: LessonContext) -> Iterator[Issue]:
    """A keyword argument is neither taught (records, planning doc), mentioned in
    the lesson's prose (any of its artifacts) or an earlier lesson's, nor in a
    planning doc up to this lesson, nor in a comment of its block.

    Only calls into ``exec.tracked_packages`` (default torch) are judged, so
    ``figsize=`` or ``indent=`` never are; a method's package is known from
    where its object came from, or from run-time tracing.  One finding per
    lesson and keyword.
    """
    yield from lesson_code(ctx).issues_for("C203")


@rule(
    "C301", "block-crashes", Severity.CRITICAL, "lesson",
    impact="The student runs the code exactly as shown and it crashes.",
    fix="Fix the block, or mark it `<!-- curriculum: raises Error -->` if the error is the point.",
)
def block_crashes(ctx: LessonContext) -> Iterator[Issue]:
    """A block raises when run in order (the detail holds the traceback, in artifact lines).

    A block marked ``raises`` may raise (the named exception, when it names
    one).  Later blocks failing only because of an earlier failure are not
    reported again.
    """
    yield from lesson_code(ctx).issues_for("C301")


@rule(
    "C302", "block-timeout", Severity.CRITICAL, "lesson",
    impact="The student waits on a cell that never finishes.",
    fix="Make the example smaller or faster.",
)
def block_timeout(ctx: LessonContext) -> Iterator[Issue]:
    """A block ran longer than ``exec.timeout`` seconds."""
    yield from lesson_code(ctx).issues_for("C302")


@rule(
    "C303", "block-memory", Severity.CRITICAL, "lesson",
    impact="The student's kernel dies or their machine swaps.",
    fix="Use smaller tensors.",
)
def block_memory(ctx: LessonContext) -> Iterator[Issue]:
    """A block exceeded ``exec.memory_mb`` megabytes."""
    yield from lesson_code(ctx).issues_for("C303")


@rule(
    "C304", "claimed-output-mismatch", Severity.CRITICAL, "lesson",
    impact="The student sees a different output than the lesson promised and doubts what they understood.",
    fix="Correct the claimed output (`curriculum fix --update-outputs`).",
)
def claimed_output_mismatch(ctx: LessonContext) -> Iterator[Issue]:
    """A claimed output (``print(x.grad)  # tensor(6.)``) differs from what the line prints.

    A claim is a trailing comment on a ``print(...)`` line (or a notebook
    cell's last expression) that starts like a repr (``tensor(``, a number,
    ``[``, ``True``...) or with ``Output:`` / ``->`` / ``prints:``.  Prose may
    follow the repr; ``# ?`` placeholders and remarks are not claims.
    Whitespace is ignored and floats compare within ``exec.float_tolerance``.
    """
    yield from lesson_code(ctx).issues_for("C304")


@rule(
    "C305", "not-verified-here", Severity.POLISH, "lesson",
    impact="None for the student if their setup has what this machine lacks; the block was not checked.",
    fix="Install the missing package, or list it in `exec.assumed_packages`.",
)
def not_verified_here(ctx: LessonContext) -> Iterator[Issue]:
    """A block could not be verified on this machine (a package not installed, no
    network, no GPU, a dataset or model download).

    One finding per artifact, listing every reason.  Not a lesson defect:
    reported as POLISH so it is visible without failing a run at the default
    ``fail_on`` (improvement).  A missing module whose name is a near-typo of
    a module the student has (``import numpyy``) is C301 instead.  Ignore it
    with ``C305``.
    """
    yield from lesson_code(ctx).issues_for("C305")


@rule(
    "C306", "raises-marker-did-not-raise", Severity.IMPROVEMENT, "lesson",
    impact="The lesson says this code fails, the student runs it and it works: the point is lost.",
    fix="Make the example raise as described, or remove the marker.",
)
def raises_marker_did_not_raise(ctx: LessonContext) -> Iterator[Issue]:
    """A block marked ``raises`` (``<!-- curriculum: raises ValueError -->``, or the
    notebook tag ``raises-exception``) ran without error."""
    yield from lesson_code(ctx).issues_for("C306")


@rule(
    "C307", "code-not-verified", Severity.CRITICAL, "lesson",
    impact="Nobody knows whether the student can run this code: it was not checked.",
    fix="Fix the executor problem named in the message (or run with `--no-exec` to skip execution knowingly).",
)
def code_not_verified(ctx: LessonContext) -> Iterator[Issue]:
    """The executor could not run a lesson's code, or could not vouch for the result.

    The worker process died or was killed, the sandbox could not guarantee a
    property it promises on this machine (so the code was not run at all), a
    message from the lesson process failed authentication, or the executor
    itself failed.  Reported on the first block not verified; the blocks after
    it were not run.  Never a pass: an execution that proves nothing is a
    finding, not silence.
    """
    yield from lesson_code(ctx).issues_for("C307")
