"""Writing rules for what the student sees (built lessons and notebooks only)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from curriculum_cli.execute.analysis import lesson_artifacts
from curriculum_cli.execute.sources import Artifact
from curriculum_cli.execute.static import comments_and_strings
from curriculum_cli.findings import Edit, Issue, Severity
from curriculum_cli.rules.base import rule
from curriculum_cli.rules.context import LessonContext

#: `` — `` (or `` &mdash; ``) between two words (not a lone ``—`` table cell), also at a line end.
_SPACED_EM = re.compile(r"(?<=[^\s|])[ \t]+(?:—|&mdash;|&#8212;)(?:[ \t]+(?=[^\s|])|[ \t]*$)")
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


def find_dashes(text: str, code: bool = False) -> list[Dash]:
    """Dashes written as `` — `` or ``--`` in ``text`` (code spans and HTML comments ignored).

    In ``code`` (comments and strings of a block) ``--`` is the accepted ASCII
    stand-in for a dash: only a spaced em dash counts.
    """
    masked = _CODE_SPAN.sub(lambda m: " " * len(m.group(0)), text)
    masked = _HTML_COMMENT.sub(lambda m: " " * len(m.group(0)), masked)
    out: list[Dash] = []
    for pattern in (_SPACED_EM,) if code else (_SPACED_EM, _DOUBLE_HYPHEN):
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
    for attribute in artifact.attributes:
        yield attribute.line, attribute.text, "attribute"
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
    """A spaced em dash (`` — `` or `` &mdash; ``) or a ``--`` used as a dash in
    student-visible text.

    Checked in built-lesson prose, text attributes (``title=``,
    ``description=``), notebook markdown, and code comments and strings (where
    only a spaced em dash counts: ``--`` is the accepted ASCII stand-in in
    code); not in planning docs or reviews.  Not dashes: ``--flag`` CLI
    options, ``<!-- -->`` and ``{/* */}`` comments, ``---`` rules and table
    separators, YAML front matter, inline code spans.  One finding per file,
    listing its lines (a second one for dashes ``--fix`` cannot rewrite, such
    as one ending a line; a line with its own ``ignore[W101]`` is reported
    alone, so that the suppression applies to it).
    """
    for artifact in lesson_artifacts(ctx):
        suppressed = _suppressed_lines(artifact)
        hits: list[tuple[int, str, str, list[Dash]]] = []
        for line, text, where in _texts(artifact):
            dashes = find_dashes(text, code=not where.startswith(("prose", "markdown", "attribute")))
            if dashes:
                hits.append((line, text, where, dashes))
        hits.sort(key=lambda hit: hit[0])
        alone = [hit for hit in hits if suppressed(hit[0])]
        grouped = [hit for hit in hits if not suppressed(hit[0])]
        for hit in alone:
            yield _dash_issue(artifact, [hit])
        # Dashes ``--fix`` can rewrite and those it cannot are two findings, so
        # that fixing the first never hides the second.
        fixable = [hit for hit in grouped if _edits([hit], artifact.path)]
        for group in (fixable, [hit for hit in grouped if hit not in fixable]):
            if group:
                yield _dash_issue(artifact, group)


def _edits(hits: list[tuple[int, str, str, list[Dash]]], path: str) -> tuple[Edit, ...]:
    return tuple(
        edit
        for line, text, where, dashes in hits
        if not where.startswith("a string")
        for edit in dash_edits(path, line, text, dashes)
    )


def _dash_issue(artifact: Artifact, hits: list[tuple[int, str, str, list[Dash]]]) -> Issue:
    line, _, where, dashes = hits[0]
    first = dashes[0]
    lines = sorted({hit[0] for hit in hits})
    edits = _edits(hits, artifact.path)
    count = sum(len(hit[3]) for hit in hits)
    more = f"; {count} in all, on lines {', '.join(map(str, lines))}" if len(lines) > 1 else ""
    return Issue(
        f"spaced dash in {where}: “{first.excerpt}”{more}",
        line=line,
        column=first.column if where in ("prose", "markdown cell") else None,
        path=artifact.path,
        subject=first.excerpt if len(lines) == 1 else f"{count} spaced dashes",
        fix=f"write an unspaced em dash: “{first.fixed}”" + (" (and likewise on the other lines)" if len(lines) > 1 else ""),
        edits=edits,
    )


def _suppressed_lines(artifact: Artifact) -> Callable[[int], bool]:
    """Lines an inline ``ignore[W101]`` covers (they get their own finding)."""
    if "curriculum" not in artifact.text:
        return lambda line: False
    from curriculum_cli.suppress import scan

    directives = [d for d in scan(artifact.path, artifact.text) if any("W101".startswith(code) for code in d.codes)]
    return lambda line: any(d.first <= line <= d.last for d in directives)


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
