"""Artifacts -> code blocks and student-visible prose, every line kept.

Three kinds of artifact carry lesson code:

Markdown / MDX
    fenced blocks whose info string names Python (``python``, ``py``,
    ``python3``, ``ipython``); the filename comes from ``title="x.py"`` or
    ``filename=x.py`` in the info string.
TSX
    ``<CodeBlock language="python" filename="x.py" code={`...`} />``
    components; the template literal is cooked like JavaScript does
    (``\\``` ``, ``\\\\``, ``\\${``, ``${"literal"}``) and every cooked line is
    mapped back to its line in the ``.tsx`` file; common indentation is removed.
Jupyter notebooks
    code cells in order (read with nbformat); each cell's lines are mapped to
    the lines of its ``source`` strings in the ``.ipynb`` JSON file, and the
    block is labelled ``cell N`` (N counts every cell, from 1).

Markers (documented in the README):

* a comment on the line before a block: ``<!-- curriculum: skip -->``,
  ``<!-- curriculum: raises ValueError -->`` (Markdown) or
  ``{/* curriculum: skip */}`` (MDX/TSX); also a first code line
  ``# curriculum: skip`` / ``# curriculum: raises ValueError`` in any block;
* notebook cell tags ``curriculum-skip`` (or nbmake's ``skip-execution``),
  ``raises-exception`` (nbmake's) and ``curriculum-raises``.

Notebook exercise cells (a ``TODO`` / ``YOUR CODE`` comment, a ``___``
placeholder or a bare ``...`` line) run the solution given in a following
markdown cell (a fenced Python block, often inside ``<details>``) in their
place; without a solution they get mode ``exercise`` and are not run.
"""

from __future__ import annotations

import json
import logging
import re
import textwrap
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from curriculum_cli.execute._ipython import has_ipython_syntax, to_python
from curriculum_cli.execute.blocks import BlockMode, CodeBlock
from curriculum_cli.load.files import lines_of
from curriculum_cli.load.notebook import notebook_shape_problem

ArtifactKind = Literal["markdown", "tsx", "notebook"]

PYTHON_LANGUAGES = frozenset({"python", "py", "python3", "ipython", "ipython3"})


@dataclass(slots=True)
class Prose:
    """A piece of student-visible text that is not code, at its artifact line."""

    line: int
    text: str


@dataclass(slots=True)
class Artifact:
    """One built lesson or notebook: its code blocks and its prose."""

    path: str
    kind: ArtifactKind
    text: str
    blocks: list[CodeBlock] = field(default_factory=list)
    prose: list[Prose] = field(default_factory=list)
    #: Problems reading the artifact itself (unreadable notebook JSON...).
    problems: list[str] = field(default_factory=list)
    #: Text attributes the student sees (``title="..."``, ``description="..."`` in TSX).
    attributes: list[Prose] = field(default_factory=list)
    #: Import names of packages the artifact installs itself (``!pip install ...``).
    installs: set[str] = field(default_factory=set)

    @property
    def prose_text(self) -> str:
        return "\n".join(p.text for p in self.prose)


def artifact_kind(path: str) -> ArtifactKind:
    suffix = Path(path).suffix.lower()
    if suffix == ".ipynb":
        return "notebook"
    if suffix in (".tsx", ".jsx"):
        return "tsx"
    return "markdown"


def read_artifact(path: str, text: str | None = None) -> Artifact:
    """Extract blocks and prose from the artifact at ``path`` (or from ``text``)."""
    if text is None:
        text = Path(path).read_text(encoding="utf-8")
    kind = artifact_kind(path)
    artifact = Artifact(path, kind, text)
    if kind == "notebook":
        _read_notebook(artifact)
    elif kind == "tsx":
        _read_tsx(artifact)
    else:
        _read_markdown(artifact)
    return artifact


# --------------------------------------------------------------------------- markers

_MARKER = re.compile(
    r"curriculum\s*:\s*(?P<verb>skip|raises)\b\s*(?P<exc>[A-Za-z_][\w.]*)?", re.IGNORECASE
)
_COMMENT_MARKER_LINE = re.compile(r"^\s*(?:<!--.*-->|\{\s*/\*.*\*/\s*\}|//.*|/\*.*\*/)\s*$")
_CODE_MARKER = re.compile(r"^\s*#\s*curriculum\s*:\s*(skip|raises)\b\s*([A-Za-z_][\w.]*)?", re.IGNORECASE)


def _marker_before(lines: list[str], line: int) -> tuple[BlockMode, str | None] | None:
    """Marker comment on the non-blank line before 1-based ``line``."""
    index = line - 2
    while index >= 0 and not lines[index].strip():
        index -= 1
    if index < 0 or not _COMMENT_MARKER_LINE.match(lines[index]):
        return None
    match = _MARKER.search(lines[index])
    if not match:
        return None
    return _mode(match.group("verb"), match.group("exc"))


def _mode(verb: str, exc: str | None) -> tuple[BlockMode, str | None]:
    return ("skip", None) if verb.lower() == "skip" else ("raises", exc)


def _apply_code_marker(block: CodeBlock) -> None:
    first = next((l for l in block.source.splitlines() if l.strip()), "")
    match = _CODE_MARKER.match(first)
    if match:
        block.mode, block.expected_exception = _mode(match.group(1), match.group(2))


# --------------------------------------------------------------------------- how a block is presented

#: Words in a block's caption, filename or first comment that say it is not a program.
_PSEUDOCODE = re.compile(r"pseudo[-_ ]?code|\bsketch\b|\bnot runnable\b", re.IGNORECASE)
#: Words in a caption or the sentence before a block that present it as complete.
_COMPLETE = re.compile(
    r"\b(?:complete|full|copy[- ]ready|standalone|stand-alone|self-contained|on its own|runs? (?:it )?alone)\b",
    re.IGNORECASE,
)
_CONTEXT_SKIP = re.compile(r"^\s*(?:<!--.*-->|\{\s*/\*.*\*/\s*\}|/?>|<CodeBlock\b.*)\s*$")


def _context_before(lines: list[str], line: int, count: int = 2) -> str:
    """The last ``count`` non-blank lines before 1-based ``line`` (markers and tags left out)."""
    out: list[str] = []
    index = line - 2
    while index >= 0 and len(out) < count:
        text = lines[index].strip()
        if text and _FENCE_OPEN.match(text):
            break  # the previous block
        if text and not _CONTEXT_SKIP.match(text):
            out.append(text)
        index -= 1
    return " ".join(reversed(out))


def _as_filename(title: str | None) -> str | None:
    """A ``title`` attribute is a filename only when it looks like one."""
    if title and re.fullmatch(r"[\w./\-]+\.\w{1,5}", title.strip()):
        return title.strip()
    return None


def _finish_block(block: CodeBlock, artifact: Artifact, context: str, notebook: bool = False) -> None:
    """IPython lines, pseudocode and "complete" labels of a block, read once at extraction."""
    if notebook or block.language.startswith("ipython") or has_ipython_syntax(block.source):
        cell = to_python(block.source)
        artifact.installs |= cell.installs
        block.ipython_lines = cell.ipython_lines
        block.source = cell.python
        if not cell.is_python and block.mode == "run":
            block.mode, block.not_run = "skip", "a cell magic whose body is not Python"
    first_comment = next((l.strip() for l in block.source.splitlines() if l.strip()), "")
    first_comment = first_comment if first_comment.startswith("#") else ""
    filename = block.filename or ""
    not_python_file = bool(filename) and "." in filename and not filename.lower().endswith((".py", ".pyw", ".ipynb"))
    if block.mode == "run" and (_PSEUDOCODE.search(f"{filename} {first_comment} {context}") or not_python_file):
        block.mode, block.not_run = "skip", "pseudocode" if not not_python_file else f"shown as {filename}"
    block.complete = bool(_COMPLETE.search(f"{first_comment} {context}"))


# --------------------------------------------------------------------------- markdown

_FENCE_OPEN = re.compile(r"^(?P<indent> {0,3})(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
_FILENAME = re.compile(r"""(?:title|filename|file)\s*=\s*(?:"([^"]+)"|'([^']+)'|(\S+))""")
_FRONT_MATTER = re.compile(r"^---\s*$")


def _filename(info: str) -> str | None:
    match = _FILENAME.search(info)
    if not match:
        return None
    return next(g for g in match.groups() if g)


def _read_markdown(artifact: Artifact) -> None:
    lines = lines_of(artifact.text)
    index = 0
    if lines and _FRONT_MATTER.match(lines[0]):  # YAML front matter is not prose
        end = next((i for i in range(1, len(lines)) if _FRONT_MATTER.match(lines[i])), None)
        if end is not None:
            index = end + 1
    in_comment = False
    while index < len(lines):
        raw = lines[index]
        match = _FENCE_OPEN.match(raw) if not in_comment else None
        if match and not (match["fence"][0] == "`" and "`" in match["info"]):
            close = _fence_end(lines, index, match["fence"])
            info = match["info"].strip()
            language = info.split(maxsplit=1)[0].lower() if info else ""
            if language in PYTHON_LANGUAGES:
                body = lines[index + 1 : close]
                indent = len(match["indent"])
                source = "\n".join(l[indent:] if l[:indent].isspace() else l for l in body)
                block = CodeBlock(
                    path=artifact.path,
                    index=len(artifact.blocks),
                    line=index + 2,
                    source=source + ("\n" if body else ""),
                    kind="fence",
                    language=language,
                    filename=_filename(info),
                )
                marker = _marker_before(lines, index + 1)
                if marker:
                    block.mode, block.expected_exception = marker
                _apply_code_marker(block)
                _finish_block(block, artifact, _context_before(lines, index + 1))
                artifact.blocks.append(block)
            index = close + 1
            continue
        if "<!--" in raw and "-->" not in raw.split("<!--", 1)[1]:
            in_comment = True
        elif in_comment and "-->" in raw:
            in_comment = False
        elif not in_comment:
            artifact.prose.append(Prose(index + 1, raw))
        index += 1


def _fence_end(lines: list[str], start: int, fence: str) -> int:
    closing = re.compile(rf"^ {{0,3}}{re.escape(fence[0])}{{{len(fence)},}}\s*$")
    for index in range(start + 1, len(lines)):
        if closing.match(lines[index]):
            return index
    return len(lines)


# --------------------------------------------------------------------------- tsx

_CODEBLOCK = re.compile(r"<CodeBlock\b")
_ATTR = re.compile(r"""\b(?P<name>language|lang|filename|title|caption|description|label)\s*=\s*(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|\{\s*["'](?P<br>[^"']*)["']\s*\})""")
_CODE_ATTR = re.compile(r"\bcode\s*=\s*\{\s*`")
_ESCAPES = {"n": "\n", "t": "\t", "r": "", "`": "`", "$": "$", "\\": "\\", "'": "'", '"': '"', "{": "{", "}": "}"}


def _line_at(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _cook_template(text: str, start: int) -> tuple[str, list[int], int]:
    """Cook the template literal whose body starts at ``start``.

    Returns the cooked string, the file line of each cooked line, and the
    offset just after the closing backtick.
    """
    out: list[str] = []
    line = _line_at(text, start)
    line_map = [line]
    index = start
    while index < len(text):
        char = text[index]
        if char == "`":
            return "".join(out), line_map, index + 1
        if char == "\\" and index + 1 < len(text):
            nxt = text[index + 1]
            cooked = _ESCAPES.get(nxt, nxt)
            if nxt == "\n":
                line += 1
                cooked = ""
            index += 2
        elif text.startswith("${", index):
            end = _balanced_end(text, index + 1)
            expression = text[index + 2 : end].strip()
            cooked = _literal_value(expression)
            line += text.count("\n", index, end)
            index = end + 1
        else:
            cooked = char
            if char == "\n":
                line += 1
            index += 1
        for piece in cooked:
            out.append(piece)
            if piece == "\n":
                line_map.append(line)
    return "".join(out), line_map, len(text)


def _balanced_end(text: str, brace: int) -> int:
    depth = 0
    index = brace
    while index < len(text):
        char = text[index]
        if char in "\"'":  # a JS string inside the expression
            close = index + 1
            while close < len(text) and text[close] != char:
                close += 2 if text[close] == "\\" else 1
            index = close
        elif char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return index
        index += 1
    return len(text) - 1


def _literal_value(expression: str) -> str:
    if len(expression) >= 2 and expression[0] == expression[-1] and expression[0] in "\"'`":
        return expression[1:-1]
    return "${" + expression + "}"


def _read_tsx(artifact: Artifact) -> None:
    text = artifact.text
    lines = lines_of(text)
    code_spans: list[tuple[int, int]] = []
    for match in _CODEBLOCK.finditer(text):
        tag_end = _tag_end(text, match.end())
        tag = text[match.start() : tag_end]
        attrs = {m["name"]: m["dq"] or m["sq"] or m["br"] or "" for m in _ATTR.finditer(_strip_code_attr(tag))}
        code = _CODE_ATTR.search(tag)
        if not code:
            continue
        body_start = match.start() + code.end()
        cooked, line_map, after = _cook_template(text, body_start)
        code_spans.append((body_start, after))
        language = (attrs.get("language") or attrs.get("lang") or "python").lower()
        if language not in PYTHON_LANGUAGES:
            continue
        source = textwrap.dedent(cooked)
        block = CodeBlock(
            path=artifact.path,
            index=len(artifact.blocks),
            line=line_map[0],
            source=source if source.endswith("\n") else source + "\n",
            kind="component",
            language=language,
            filename=attrs.get("filename") or _as_filename(attrs.get("title")),
            line_map=line_map,
        )
        marker = _marker_before(lines, _line_at(text, match.start()))
        if marker:
            block.mode, block.expected_exception = marker
        _apply_code_marker(block)
        caption = " ".join(attrs.get(name, "") for name in ("caption", "title", "description", "label"))
        _finish_block(block, artifact, caption + " " + _context_before(lines, _line_at(text, match.start())))
        artifact.blocks.append(block)
    artifact.prose.extend(_jsx_text(text, code_spans))
    artifact.attributes.extend(_text_attributes(text, code_spans))


def _strip_code_attr(tag: str) -> str:
    code = _CODE_ATTR.search(tag)
    if not code:
        return tag
    _, _, after = _cook_template(tag, code.end())
    return tag[: code.start()] + tag[after:]


def _tag_end(text: str, start: int) -> int:
    """Offset after the ``/>`` or ``>`` closing the tag opened before ``start``."""
    index = start
    while index < len(text):
        char = text[index]
        if char == "`":
            _, _, index = _cook_template(text, index + 1)
            continue
        if char in "\"'":
            close = text.find(char, index + 1)
            index = len(text) if close < 0 else close + 1
            continue
        if char == ">":
            return index + 1
        index += 1
    return len(text)


_TEXT_ATTRIBUTE = re.compile(r"""\b(?:title|description|subtitle|caption|summary|label|alt)\s*=\s*(?:"([^"]*)"|'([^']*)'|\{\s*"([^"]*)"\s*\})""")
_JSX_COMMENT = re.compile(r"\{\s*/\*.*?\*/\s*\}|/\*.*?\*/", re.DOTALL)


def _text_attributes(text: str, skip: list[tuple[int, int]]) -> list[Prose]:
    """String attributes that render as text (``<LessonHeader description="...">``)."""
    comments = [(m.start(), m.end()) for m in _JSX_COMMENT.finditer(text)]
    out: list[Prose] = []
    for match in _TEXT_ATTRIBUTE.finditer(text):
        if any(a <= match.start() < b for a, b in [*skip, *comments]):
            continue
        value = next(g for g in match.groups() if g is not None)
        if value.strip():
            out.append(Prose(_line_at(text, match.start()), value))
    return out


_JSX_TEXT = re.compile(r">([^<>{}]+)(?=[<{])")


def _jsx_text(text: str, skip: list[tuple[int, int]]) -> list[Prose]:
    """Text between JSX tags (what the student reads), outside code literals."""
    out: list[Prose] = []
    for match in _JSX_TEXT.finditer(text):
        start = match.start(1)
        if any(a <= start < b for a, b in skip) or not match.group(1).strip():
            continue
        first = _line_at(text, start)
        for offset, piece in enumerate(match.group(1).split("\n")):
            if piece.strip():
                out.append(Prose(first + offset, piece))
    return out


# --------------------------------------------------------------------------- notebooks

_EXERCISE = re.compile(r"#\s*(?:TODO|YOUR CODE|FILL ME|EXERCISE)\b|\b_{3,}\b|^\s*\.\.\.\s*$", re.MULTILINE | re.IGNORECASE)
_SOLUTION_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})[ \t]*(python|py|python3|ipython)?[^\n]*\n(.*?)^[ \t]*\1", re.MULTILINE | re.DOTALL)
_SKIP_TAGS = {"curriculum-skip", "skip-execution"}
_RAISES_TAGS = {"raises-exception", "curriculum-raises"}


def is_exercise(source: str) -> bool:
    """Does a notebook cell look like an exercise the student completes?"""
    return bool(_EXERCISE.search(source))


def _read_notebook(artifact: Artifact) -> None:
    import nbformat  # local: only notebooks need it

    try:
        data = json.loads(artifact.text)
    except (ValueError, RecursionError) as error:
        line = getattr(error, "lineno", None)
        where = f" (line {line})" if line else ""
        artifact.problems.append(f"notebook is not valid JSON{where}: {getattr(error, 'msg', error)}")
        return
    shape = notebook_shape_problem(data)
    if shape:
        artifact.problems.append(f"malformed notebook: {shape}")
        return
    try:
        notebook = _quiet_reads(nbformat, artifact.text)
    except Exception as error:  # noqa: BLE001 - nbformat raises many types on bad notebooks
        message = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        artifact.problems.append(f"cannot read notebook: {message[:300]}")
        return
    maps = notebook_line_maps(artifact.text)
    cells = notebook.cells
    for number, cell in enumerate(cells, start=1):
        source = cell.source if isinstance(cell.source, str) else "".join(cell.source)
        line_map = maps[number - 1] if number - 1 < len(maps) else []
        first = line_map[0] if line_map else 1
        if cell.cell_type == "markdown":
            fence: str | None = None
            for offset, raw in enumerate(lines_of(source)):
                opening = _FENCE_OPEN.match(raw.lstrip())
                if opening and (fence is None or opening["fence"].startswith(fence)):
                    fence = None if fence else opening["fence"][:3]
                    continue
                if fence is None:
                    line = line_map[offset] if offset < len(line_map) else first
                    artifact.prose.append(Prose(line, raw))
            continue
        if cell.cell_type != "code" or not source.strip():
            continue
        block = CodeBlock(
            path=artifact.path,
            index=len(artifact.blocks),
            line=first,
            source=source if source.endswith("\n") else source + "\n",
            kind="cell",
            cell=number,
            line_map=line_map,
        )
        tags = {str(t) for t in cell.get("metadata", {}).get("tags", [])}
        if tags & _SKIP_TAGS:
            block.mode = "skip"
        elif tags & _RAISES_TAGS:
            block.mode = "raises"
        _apply_code_marker(block)
        _finish_block(block, artifact, "", notebook=True)
        if block.mode == "run" and is_exercise(source):
            solution = _solution_after(cells, number)
            if solution is None:
                block.mode = "exercise"
            else:
                solved = to_python(solution)
                artifact.installs |= solved.installs
                block.replacement = solved.python
        artifact.blocks.append(block)


def _quiet_reads(nbformat: Any, text: str) -> Any:
    """``nbformat.reads`` without its warnings and log lines (cells without ``id``
    are valid before nbformat 4.5; nothing of the tool's own goes to stderr)."""
    previous = logging.root.manager.disable
    logging.disable(logging.CRITICAL)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return nbformat.reads(text, as_version=4)
    finally:
        logging.disable(previous)


def _solution_after(cells: list[object], number: int) -> str | None:
    """A fenced Python block in the markdown cells right after cell ``number``."""
    for cell in cells[number:]:
        if getattr(cell, "cell_type", "") != "markdown":
            return None
        source = getattr(cell, "source", "")
        match = _SOLUTION_FENCE.search(source if isinstance(source, str) else "".join(source))
        if match:
            return match.group(3)
    return None


def notebook_line_maps(text: str) -> list[list[int]]:
    """For each cell of notebook JSON ``text``, the file line of each source line.

    A small scanner over the JSON: it finds the ``source`` value of every
    object in the top-level ``cells`` array and records, for each line of the
    joined source, the file line of the string where that line starts.
    """
    maps: list[list[int]] = []
    scanner = _JsonScanner(text)
    for start in scanner.cell_sources():
        maps.append(_source_map(text, start))
    return maps


def _source_map(text: str, start: int) -> list[int]:
    strings: list[tuple[int, str]] = []
    if text[start] == "[":
        index = start + 1
        while index < len(text) and text[index] != "]":
            if text[index] == '"':
                end = _string_end(text, index)
                strings.append((index, json.loads(text[index : end + 1])))
                index = end
            index += 1
    elif text[start] == '"':
        end = _string_end(text, start)
        strings.append((start, json.loads(text[start : end + 1])))
    line_map: list[int] = []
    at_line_start = True
    for offset, value in strings:
        line = _line_at(text, offset)
        for char in value:
            if at_line_start:
                line_map.append(line)
                at_line_start = False
            if char == "\n":
                at_line_start = True
    if not line_map:
        line_map.append(_line_at(text, start))
    return line_map


def _string_end(text: str, start: int) -> int:
    index = start + 1
    while index < len(text):
        if text[index] == "\\":
            index += 2
            continue
        if text[index] == '"':
            return index
        index += 1
    return len(text) - 1


class _JsonScanner:
    """Just enough JSON structure to find ``cells[i].source`` offsets (linear)."""

    def __init__(self, text: str) -> None:
        self.text = text

    def cell_sources(self) -> list[int]:
        text = self.text
        out: list[int] = []
        stack: list[str] = []  # "{" or "["
        top_key: str | None = None  # the root key whose value we are in
        expect_key = False
        index = 0
        while index < len(text):
            char = text[index]
            if char == '"':
                end = _string_end(text, index)
                after = end + 1
                while after < len(text) and text[after] in " \t\r\n":
                    after += 1
                if expect_key and after < len(text) and text[after] == ":":
                    key = json.loads(text[index : end + 1])
                    depth = len(stack)
                    if depth == 1:
                        top_key = key
                    elif depth == 3 and top_key == "cells" and key == "source":
                        value_at = after + 1
                        while value_at < len(text) and text[value_at] in " \t\r\n":
                            value_at += 1
                        out.append(value_at)
                    expect_key = False
                index = end + 1
                continue
            if char in "{[":
                stack.append(char)
                expect_key = char == "{"
            elif char in "}]":
                if stack:
                    stack.pop()
            elif char == ",":
                expect_key = bool(stack) and stack[-1] == "{"
            index += 1
        return out
