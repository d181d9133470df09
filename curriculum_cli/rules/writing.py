"""Writing rules for what the student sees (built lessons and notebooks only)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from curriculum_cli.execute.analysis import lesson_artifacts
from curriculum_cli.execute.sources import Artifact
from curriculum_cli.execute.static import comments_and_strings
from curriculum_cli.findings import Edit, Issue, Severity
from curriculum_cli.rules.base import rule
from curriculum_cli.rules.context import LessonContext

#: `` — `` between two words (not a lone ``—`` table cell), also at a line end.
_SPACED_EM = re.compile(r"(?<=[^\s|])[ \t]+—(?:[ \t]+(?=[^\s|])|[ \t]*$)")
#: ``--`` as a dash: spaced between words, or glued between two letters.
_DOUBLE_HYPHEN = re.compile(r"(?<=[^\s|\-<!])[ \t]+--(?:[ \t]+(?=[^\s|\->])|[ \t]*$)|(?<=[A-Za-z])--(?=[A-Za-z])")
_CODE_SPAN = re.compile(r"(`+)(.+?)\1")
_HTML_COMMENT = re.compile(r"<!--.*?-->|\{/\*.*?\*/\}")


@dataclass(frozen=True, slots=True)
class Dash:
    column: int
    excerpt: str
    fixed: str
    #: Length of the dash as written (`` — ``, `` -- ``, ``--``), from ``column``.
    length: int = 0


def find_dashes(text: str) -> list[Dash]:
    """Dashes written as `` — `` or ``--`` in ``text`` (code spans and HTML comments ignored)."""
    masked = _CODE_SPAN.sub(lambda m: " " * len(m.group(0)), text)
    masked = _HTML_COMMENT.sub(lambda m: " " * len(m.group(0)), masked)
    out: list[Dash] = []
    for pattern in (_SPACED_EM, _DOUBLE_HYPHEN):
        for match in pattern.finditer(masked):
            start = max(0, match.start() - 12)
            end = min(len(text), match.end() + 12)
            excerpt = text[start:end].strip()
            fixed = (text[start : match.start()] + "—" + text[match.end() : end]).strip()
            out.append(Dash(match.start() + 1, excerpt, fixed, match.end() - match.start()))
    return sorted(out, key=lambda d: d.column)


def _texts(artifact: Artifact) -> Iterator[tuple[int, str, str]]:
    """``(line, text, where)`` of every student-visible text of ``artifact``."""
    for prose in artifact.prose:
        yield prose.line, prose.text, "prose" if artifact.kind != "notebook" else "markdown cell"
    for block in artifact.blocks:
        comments, strings = comments_and_strings(block.source)
        for line, text in comments:
            yield block.artifact_line(line), text, f"a comment in {block.label}"
        for line, text in strings:
            if text.lstrip("rRbBuUfF")[:3] in ('"""', "'''"):
                for offset, piece in enumerate(text.split("\n")):
                    yield block.artifact_line(line + offset), piece, f"a string in {block.label}"
            else:
                yield block.artifact_line(line), text, f"a string in {block.label}"


@rule(
    "W101", "spaced-dash", Severity.POLISH, "lesson",
    impact="Inconsistent dashes look careless and make the lesson read as unedited.",
    fix="Write an unspaced em dash: `word—word`.",
)
def spaced_dash(ctx: LessonContext) -> Iterator[Issue]:
    """A spaced em dash (`` — ``) or a ``--`` used as a dash in student-visible text.

    Checked in built-lesson prose, notebook markdown, code comments and string
    literals; not in planning docs or reviews.  Not dashes: ``--flag`` CLI
    options, ``<!-- -->`` comments, ``---`` rules and table separators, YAML
    front matter, inline code spans.
    """
    for artifact in lesson_artifacts(ctx):
        for line, text, where in _texts(artifact):
            dashes = find_dashes(text)
            if not dashes:
                continue
            first = dashes[0]
            yield Issue(
                f"spaced dash in {where}: “{first.excerpt}”",
                line=line,
                column=first.column if where in ("prose", "markdown cell") else None,
                path=artifact.path,
                subject=first.excerpt,
                fix=f"write an unspaced em dash: “{first.fixed}”",
                edits=dash_edits(artifact.path, line, text, dashes) if not where.startswith("a string") else (),
            )


#: Characters of context kept around a dash in an edit, so it replaces that dash and no other.
_CONTEXT = 8


def dash_edits(path: str, line: int, text: str, dashes: list[Dash]) -> tuple[Edit, ...]:
    """Edits turning each dash of ``text`` (which starts on ``line``) into an unspaced em dash.

    A dash at the end of a line is left alone (joining the lines is not mechanical).
    """
    edits = []
    for dash in dashes:
        start, end = dash.column - 1, dash.column - 1 + dash.length
        if not text[start:end].strip() or end >= len(text) or text[end] == "\n":
            continue
        line_start = text.rfind("\n", 0, start) + 1
        line_end = text.find("\n", end)
        line_end = len(text) if line_end < 0 else line_end
        before = text[max(line_start, start - _CONTEXT) : start]
        after = text[end : min(line_end, end + _CONTEXT)]
        edits.append(Edit(path=path, line=line + text.count("\n", 0, start), old=before + text[start:end] + after,
                          new=before + "—" + after))
    return tuple(edits)
