"""Student-visible prose of built lessons and notebooks, without code, with source lines.

Used by the untaught-term rule: code blocks, inline code, TSX code props and
notebook code cells are blanked (newlines kept) so offsets map back to lines.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from curriculum_cli.errors import InputError
from curriculum_cli.load.files import read_text
from curriculum_cli.load.notebook import notebook_shape_problem


@dataclass(frozen=True)
class Prose:
    """A piece of prose: ``text`` starts at ``line`` of ``path`` (``cell`` for notebooks)."""

    path: str
    line: int
    text: str
    cell: int | None = None


_FENCE = re.compile(r"^(?P<fence>`{3,}|~{3,})[^\n]*\n.*?(?:^(?P=fence)[ \t]*$|\Z)", re.MULTILINE | re.DOTALL)
_INLINE = re.compile(r"`[^`\n]*`")
_TSX_CODE = re.compile(r"\bcode=\{`(?:\\.|[^`\\])*`\}", re.DOTALL)
_TEMPLATE = re.compile(r"`(?:\\.|[^`\\])*`", re.DOTALL)
_TAG = re.compile(r"<[^<>]*>", re.DOTALL)  # no "<" inside: linear on text full of unclosed "<"
_JSX_COMMENT = re.compile(r"\{\s*/\*.*?\*/\s*\}|/\*.*?\*/", re.DOTALL)
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_TSX_PREAMBLE = re.compile(r"^\s*(?:import|export)\b[^\n]*$", re.MULTILINE)


def _blank(match: re.Match[str]) -> str:
    return re.sub(r"[^\n]", " ", match.group())


def strip_code(text: str, tsx: bool = False) -> str:
    """``text`` with code replaced by spaces (line structure kept)."""
    text = _HTML_COMMENT.sub(_blank, text)  # comments are not shown
    if tsx:
        text = _JSX_COMMENT.sub(_blank, text)
        text = _TSX_CODE.sub(_blank, text)
        text = _TEMPLATE.sub(_blank, text)
        text = _TSX_PREAMBLE.sub(_blank, text)
        text = _TAG.sub(_blank, text)
        text = re.sub(r"[{}]", " ", text)
    text = _FENCE.sub(_blank, text)
    return _INLINE.sub(_blank, text)


def read_prose(path: str) -> list[Prose]:
    """Prose of one artifact; an unreadable artifact has none (other rules report it)."""
    try:
        text = read_text(path)
    except InputError:
        return []
    suffix = Path(path).suffix.lower()
    if suffix == ".ipynb":
        try:
            data = json.loads(text)
        except (ValueError, RecursionError):
            return []
        if notebook_shape_problem(data) is not None:
            return []
        cells = data.get("cells", [])
        out = []
        for number, cell in enumerate(cells, 1):
            if isinstance(cell, dict) and cell.get("cell_type") == "markdown":
                source = cell.get("source", "")
                body = "".join(source) if isinstance(source, list) else str(source)
                out.append(Prose(path, 1, strip_code(body), cell=number))
        return out
    return [Prose(path, 1, strip_code(text, tsx=suffix in (".tsx", ".jsx")))]
