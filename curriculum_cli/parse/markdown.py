"""Markdown source -> a document tree whose every node keeps its source line.

Built on markdown-it-py tokens (CommonMark + GFM tables).  Lines are 1-based.
Tables are re-read from their source lines so that rows with more or fewer
cells than the header are kept (markdown-it pads or truncates them) and
escaped pipes (``\\|``) stay inside their cell.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.token import Token

# --------------------------------------------------------------------------- nodes
from curriculum_cli.load.files import lines_of


@dataclass(slots=True)
class Row:
    line: int
    cells: list[str]
    #: Cells a GFM renderer makes of the source line: every unescaped ``|``
    #: splits, even inside a code span (``None``: same as ``cells``).
    rendered: int | None = None

    @property
    def rendered_cells(self) -> int:
        return len(self.cells) if self.rendered is None else self.rendered

    def get(self, index: int | None, default: str = "") -> str:
        if index is None or index >= len(self.cells):
            return default
        return self.cells[index]


@dataclass(slots=True)
class Table:
    line: int
    end_line: int
    header: list[str]
    rows: list[Row]

    def column(self, *names: str) -> int | None:
        """Index of the first header cell matching one of ``names`` (see :func:`match_name`)."""
        for name in names:
            for index, cell in enumerate(self.header):
                if match_name(cell, name):
                    return index
        return None

    def ragged_rows(self) -> list[Row]:
        """Rows whose cells (as written, or as a GFM renderer splits them) differ in number from the header."""
        width = len(self.header)
        return [row for row in self.rows if len(row.cells) != width or row.rendered_cells != width]


@dataclass(slots=True)
class ListItem:
    line: int
    text: str
    #: ``True`` for ``[x]``, ``False`` for ``[ ]``, ``None`` when not a checklist item.
    checked: bool | None = None
    number: int | None = None
    children: list[ListBlock] = field(default_factory=list)
    #: Tables, code fences and HTML blocks nested in the item (in source order).
    blocks: list[Block] = field(default_factory=list)

    def walk(self) -> Iterator[ListItem]:
        yield self
        for child in self.children:
            for item in child.items:
                yield from item.walk()


@dataclass(slots=True)
class ListBlock:
    line: int
    ordered: bool
    items: list[ListItem] = field(default_factory=list)

    def nested_blocks(self) -> Iterator[Block]:
        """Tables, fences and HTML blocks inside the items, at any depth."""
        for item in self.items:
            for sub in item.walk():
                yield from sub.blocks


@dataclass(slots=True)
class CodeFence:
    line: int
    info: str
    content: str
    #: First line of the content (the line after the opening fence).
    content_line: int
    closed: bool = True

    @property
    def language(self) -> str:
        return self.info.split(maxsplit=1)[0].lower() if self.info.strip() else ""


@dataclass(slots=True)
class Paragraph:
    line: int
    end_line: int
    text: str


@dataclass(slots=True)
class Field:
    """A bold-label field: ``**Type:** STRETCH`` -> label ``Type``, value ``STRETCH``."""

    line: int
    label: str
    value: str


@dataclass(slots=True)
class HtmlBlock:
    line: int
    text: str


Block = Table | ListBlock | CodeFence | Paragraph | HtmlBlock


@dataclass(slots=True)
class Section:
    level: int
    title: str
    line: int
    end_line: int
    blocks: list[Block] = field(default_factory=list)
    children: list[Section] = field(default_factory=list)

    def walk(self) -> Iterator[Section]:
        yield self
        for child in self.children:
            yield from child.walk()

    def all_blocks(self) -> Iterator[Block]:
        """Blocks of this section and of every subsection, in source order
        (tables and fences nested in list items follow their list)."""
        for section in self.walk():
            for block in section.blocks:
                yield block
                if isinstance(block, ListBlock):
                    yield from block.nested_blocks()

    def tables(self, deep: bool = True) -> list[Table]:
        blocks = self.all_blocks() if deep else iter(self.blocks)
        return [b for b in blocks if isinstance(b, Table)]

    def lists(self, deep: bool = True) -> list[ListBlock]:
        blocks = self.all_blocks() if deep else iter(self.blocks)
        return [b for b in blocks if isinstance(b, ListBlock)]

    def paragraphs(self, deep: bool = True) -> list[Paragraph]:
        blocks = self.all_blocks() if deep else iter(self.blocks)
        return [b for b in blocks if isinstance(b, Paragraph)]

    def fields(self, deep: bool = True) -> list[Field]:
        """Bold-label fields in paragraphs and list items of this section."""
        out: list[Field] = []
        blocks = self.all_blocks() if deep else iter(self.blocks)
        for block in blocks:
            if isinstance(block, Paragraph):
                out.extend(fields_in(block.text, block.line))
            elif isinstance(block, ListBlock):
                for item in block.items:
                    for sub in item.walk():
                        out.extend(fields_in(sub.text, sub.line))
        return out

    def items(self, deep: bool = True) -> list[ListItem]:
        """Every list item (nested ones too) in source order."""
        return [sub for block in self.lists(deep) for item in block.items for sub in item.walk()]

    def text(self) -> str:
        """Plain-ish text of the section body (paragraphs and list items)."""
        parts: list[str] = []
        for block in self.all_blocks():
            if isinstance(block, Paragraph):
                parts.append(block.text)
            elif isinstance(block, ListBlock):
                parts.extend(item.text for item in block.items for item in item.walk())
        return "\n".join(parts)


@dataclass(slots=True)
class Document:
    path: str
    source: str
    root: Section

    @property
    def lines(self) -> list[str]:
        return lines_of(self.source)

    def sections(self) -> Iterator[Section]:
        """Every section (not the root) in source order."""
        for child in self.root.children:
            yield from child.walk()

    @property
    def title(self) -> Section | None:
        return next((s for s in self.sections() if s.level == 1), None)


# --------------------------------------------------------------------------- helpers

_WORD = re.compile(r"[a-z0-9]+")


def words(text: str) -> list[str]:
    """Lower-case alphanumeric words of ``text`` (markup and punctuation dropped)."""
    return _WORD.findall(text.lower())


def match_name(text: str, name: str) -> bool:
    """True when ``text`` starts with the words of ``name`` (case and punctuation ignored)."""
    want = words(name)
    have = words(text)
    return bool(want) and have[: len(want)] == want


_FIELD = re.compile(r"^\s*(?:[-*+]\s+)?\*\*(?P<label>[^*]+?)(?::\*\*|\*\*\s*:)\s*(?P<value>.*)$")


def fields_in(text: str, first_line: int) -> list[Field]:
    out = []
    for offset, raw in enumerate(text.split("\n")):
        match = _FIELD.match(raw)
        if match:
            out.append(Field(first_line + offset, match["label"].strip(), match["value"].strip()))
    return out


_HTML_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)


def strip_markup(text: str) -> str:
    """Drop HTML comments, emphasis markers and backticks; collapse spaces."""
    text = re.sub(r"(\*\*|__|\*|`)", "", _HTML_COMMENT.sub("", text))
    return " ".join(text.split())


_PIPE_SPLIT = re.compile(r"(?<!\\)\|")


def split_row(line: str) -> list[str]:
    """Split a table source line into cells, honouring escaped pipes and code spans."""
    text = line.strip()
    if text.startswith("|"):
        text = text[1:]
    if text.endswith("|") and not text.endswith("\\|"):
        text = text[:-1]
    if "`" not in text and "\\" not in text:
        return [cell.strip() for cell in text.split("|")]
    cells: list[str] = []
    current: list[str] = []
    in_code = False
    index = 0
    while index < len(text):
        char = text[index]
        if char == "\\" and index + 1 < len(text) and text[index + 1] == "|":
            current.append("|")
            index += 2
            continue
        if char == "`":
            in_code = not in_code
        if char == "|" and not in_code:
            cells.append("".join(current).strip())
            current = []
        else:
            current.append(char)
        index += 1
    cells.append("".join(current).strip())
    if in_code:  # an unbalanced backtick: fall back to plain splitting
        cells = [c.strip().replace("\\|", "|") for c in _PIPE_SPLIT.split(text)]
    return cells


def rendered_cell_count(line: str) -> int:
    """Cells a GFM renderer makes of a table source line: it splits on every
    unescaped ``|``, code spans included (``\\|`` is the only way to keep one)."""
    text = line.strip()
    if text.startswith("|"):
        text = text[1:]
    if text.endswith("|") and not text.endswith("\\|"):
        text = text[:-1]
    return len(_PIPE_SPLIT.split(text))


# --------------------------------------------------------------------------- parser


@lru_cache(maxsize=1)
def _markdown() -> MarkdownIt:
    # Inline parsing is not needed (the tree keeps inline source text), and
    # tables are read by ``_split_tables`` (markdown-it's table rule pads or
    # truncates ragged rows and dominates parse time on large documents).
    return MarkdownIt("commonmark", {"html": True}).disable(["inline", "text_join"])


_DELIMITER = re.compile(r"^\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?$")


def _split_tables(content: str, first_line: int) -> list[Block]:
    """Split a paragraph's lines into paragraphs and GFM tables (header, delimiter, rows).

    A table starts at a line containing ``|`` followed by a delimiter row
    (``|---|:--:|``) and runs while lines contain ``|``.  Ragged rows are kept.
    """
    lines = content.split("\n")
    blocks: list[Block] = []
    pending: list[str] = []
    pending_start = first_line
    index = 0
    while index < len(lines):
        line = lines[index].strip()
        if "|" in line and index + 1 < len(lines) and _DELIMITER.match(lines[index + 1].strip()):
            if pending:
                blocks.append(Paragraph(pending_start, pending_start + len(pending) - 1, "\n".join(pending)))
                pending = []
            start = first_line + index
            header = split_row(line)
            index += 2
            rows: list[Row] = []
            while index < len(lines) and "|" in lines[index]:
                cells = split_row(lines[index])
                rendered = rendered_cell_count(lines[index])
                rows.append(Row(first_line + index, cells, None if rendered == len(cells) else rendered))
                index += 1
            blocks.append(Table(start, first_line + index - 1, header, rows))
            pending_start = first_line + index
            continue
        if not pending:
            pending_start = first_line + index
        pending.append(lines[index])
        index += 1
    if pending:
        blocks.append(Paragraph(pending_start, pending_start + len(pending) - 1, "\n".join(pending)))
    return blocks


_CHECK = re.compile(r"^\[(?P<mark>[ xX])\]\s+")


def _line(token: Token) -> int:
    return token.map[0] + 1 if token.map else 0


class _Builder:
    def __init__(self, tokens: list[Token], lines: list[str]) -> None:
        self.tokens = tokens
        self.lines = lines
        self.index = 0

    def blocks(self, stop: str | None = None) -> list[Block | tuple[int, str, int]]:
        """Read blocks until ``stop`` closing token; headings come back as tuples."""
        out: list[Block | tuple[int, str, int]] = []
        while self.index < len(self.tokens):
            token = self.tokens[self.index]
            if stop and token.type == stop:
                self.index += 1
                return out
            self.index += 1
            kind = token.type
            if kind == "heading_open":
                inline = self.tokens[self.index]
                self.index += 2  # inline, heading_close
                out.append((int(token.tag[1]), inline.content.strip(), _line(token)))
            elif kind == "paragraph_open":
                inline = self.tokens[self.index]
                self.index += 2
                start, _ = token.map or (0, 0)
                out.extend(_split_tables(inline.content, start + 1))
            elif kind in ("fence", "code_block"):
                out.append(self._fence(token))
            elif kind in ("bullet_list_open", "ordered_list_open"):
                out.append(self._list(token))
            elif kind == "html_block":
                out.append(HtmlBlock(_line(token), token.content))
            elif kind == "blockquote_open":
                out.extend(b for b in self.blocks("blockquote_close") if not isinstance(b, tuple))
        return out

    def _fence(self, token: Token) -> CodeFence:
        start, end = token.map or (0, 0)
        if token.type == "code_block":
            return CodeFence(start + 1, "", token.content, start + 1)
        closing = self.lines[end - 1] if end - 1 < len(self.lines) else ""
        closing = closing.lstrip(" \t>").rstrip()  # indentation and blockquote markers
        fence_char = token.markup[:1] or "`"
        # A closing fence is only fence characters, at least as many as the opening
        # (```` ```python ```` cannot close a fence: it is content).
        closed = end - start >= 2 and len(closing) >= len(token.markup) and closing == fence_char * len(closing)
        return CodeFence(start + 1, token.info.strip(), token.content, start + 2, closed)

    def _list(self, token: Token) -> ListBlock:
        ordered = token.type == "ordered_list_open"
        close = "ordered_list_close" if ordered else "bullet_list_close"
        block = ListBlock(_line(token), ordered)
        number = int(token.attrs.get("start", 1) or 1) if ordered else None
        while self.index < len(self.tokens):
            inner = self.tokens[self.index]
            self.index += 1
            if inner.type == close:
                break
            if inner.type == "list_item_open":
                item = self._item(inner, number)
                block.items.append(item)
                if number is not None:
                    number += 1
        return block

    def _item(self, token: Token, number: int | None) -> ListItem:
        children = self.blocks("list_item_close")
        texts = [c.text for c in children if isinstance(c, Paragraph)]
        text = texts[0] if texts else ""
        checked = None
        match = _CHECK.match(text)
        if match:
            checked = match["mark"] in "xX"
            text = text[match.end():]
        if token.info and token.info.isdigit():
            number = int(token.info)
        item = ListItem(_line(token), text, checked, number)
        item.children = [c for c in children if isinstance(c, ListBlock)]
        item.blocks = [c for c in children if isinstance(c, (Table, CodeFence, HtmlBlock))]
        return item


def parse_markdown(source: str, path: str = "<string>") -> Document:
    """Parse Markdown ``source`` into a :class:`Document`. Never raises on any text."""
    lines = lines_of(source)
    tokens = _markdown().parse(source)
    builder = _Builder(tokens, lines)
    root = Section(0, "", 1, max(len(lines), 1))
    stack = [root]
    for block in builder.blocks():
        if isinstance(block, tuple):
            level, title, line = block
            while stack[-1].level >= level:
                stack.pop().end_line = line - 1
            section = Section(level, title, line, len(lines))
            stack[-1].children.append(section)
            stack.append(section)
        else:
            stack[-1].blocks.append(block)
    for section in stack[1:]:
        section.end_line = max(len(lines), section.line)
    return Document(path, source, root)
