"""Notebook cells read as IPython reads them.

IPython runs some lines before Python sees them: shell escapes (``!pip install
-q transformers``), line magics (``%load_ext tensorboard``, ``%matplotlib
inline``) and cell magics (``%%bash``, ``%%time``).  :func:`to_python` turns
such a cell into the Python it would run, line for line (so every line keeps
its number): a shell or magic line becomes ``pass`` at its indentation, the
statement of ``%time`` / ``%timeit`` is kept, a ``%%time`` cell runs its body,
and a cell magic whose body is not Python (``%%bash``, ``%%writefile``) is not
Python at all.

The packages a ``pip install`` line installs are collected under the name they
are imported by (``scikit-learn`` -> ``sklearn``), so a missing one is "not
verified here" rather than a lesson defect.
"""

from __future__ import annotations

import ast
import re
import shlex
import warnings
from dataclasses import dataclass, field

#: Cell magics whose body is Python that IPython runs.
PYTHON_CELL_MAGICS = frozenset({"time", "timeit", "capture", "prun", "debug"})
#: Line magics followed by a Python statement that runs (``%time y = f(x)``).
PYTHON_LINE_MAGICS = frozenset({"time", "timeit", "prun"})
#: Distribution name -> import name, where they differ.  One line per package.
IMPORT_NAMES: dict[str, str] = {
    "scikit-learn": "sklearn",
    "scikit-image": "skimage",
    "opencv-python": "cv2",
    "opencv-python-headless": "cv2",
    "opencv-contrib-python": "cv2",
    "pillow": "PIL",
    "beautifulsoup4": "bs4",
    "pyyaml": "yaml",
    "controlnet-aux": "controlnet_aux",
    "python-dotenv": "dotenv",
    "sentence-transformers": "sentence_transformers",
    "faiss-cpu": "faiss",
    "faiss-gpu": "faiss",
    "huggingface-hub": "huggingface_hub",
    "protobuf": "google",
}

_SHELL = re.compile(r"^(?P<indent>[ \t]*)(?:!|%(?!%))")
_ASSIGNED_SHELL = re.compile(r"^(?P<head>[ \t]*[A-Za-z_]\w*\s*=\s*)(?:!|%(?!%))")
_CELL_MAGIC = re.compile(r"^\s*%%(?P<name>\w+)")
_LINE_MAGIC = re.compile(r"^(?P<indent>[ \t]*)%(?P<name>\w+)\s*(?P<rest>.*)$")
_HELP = re.compile(r"^[ \t]*(?:\?{1,2}[\w.]+|[\w.]+\?{1,2})[ \t]*$")
_PIP = re.compile(r"^\s*[!%]\s*(?:python3?\s+-m\s+)?pip3?\s+(?P<args>.*)$")


@dataclass(slots=True)
class IPythonCell:
    """What IPython would hand to Python, and what the cell installs."""

    python: str
    #: False for a cell magic whose body is not Python (``%%bash``).
    is_python: bool = True
    #: Import names of the packages ``pip install`` lines install.
    installs: set[str] = field(default_factory=set)
    #: 1-based lines that were IPython syntax (for messages).
    ipython_lines: list[int] = field(default_factory=list)


def has_ipython_syntax(source: str) -> bool:
    """Does ``source`` hold a line only IPython can run?"""
    return any(_is_ipython_line(line) for line in source.splitlines())


def _is_ipython_line(line: str) -> bool:
    return bool(_SHELL.match(line) or _ASSIGNED_SHELL.match(line) or _HELP.match(line))


def to_python(source: str) -> IPythonCell:
    """The Python IPython runs for cell ``source`` (same number of lines)."""
    if _parses(source):
        return IPythonCell(source)  # plain Python: a ``%`` line inside a string stays as written
    lines = source.split("\n")
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    cell = IPythonCell(source)
    if first is not None:
        magic = _CELL_MAGIC.match(lines[first])
        if magic:
            cell.ipython_lines.append(first + 1)
            lines[first] = ""
            if magic["name"] not in PYTHON_CELL_MAGICS:
                cell.is_python = False
                cell.python = "\n".join("" for _ in lines)
                return cell
    depth = 0
    for number, line in enumerate(lines):
        if depth == 0:
            lines[number] = _line_to_python(line, number + 1, cell)
        depth = max(0, depth + _bracket_balance(lines[number]))
    cell.python = "\n".join(lines)
    return cell


def _parses(source: str) -> bool:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ast.parse(source)
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return False
    return True


def _line_to_python(line: str, number: int, cell: IPythonCell) -> str:
    pip = _PIP.match(line)
    if pip:
        cell.installs |= pip_packages(pip["args"])
    magic = _LINE_MAGIC.match(line)
    if magic and magic["name"] in PYTHON_LINE_MAGICS and magic["rest"].strip():
        cell.ipython_lines.append(number)
        return magic["indent"] + magic["rest"]
    shell = _SHELL.match(line)
    if shell:
        cell.ipython_lines.append(number)
        return shell["indent"] + "pass"
    assigned = _ASSIGNED_SHELL.match(line)
    if assigned:
        cell.ipython_lines.append(number)
        return assigned["head"] + "[]"
    if _HELP.match(line):
        cell.ipython_lines.append(number)
        return line[: len(line) - len(line.lstrip())] + "pass"
    return line


def _bracket_balance(line: str) -> int:
    """Open minus closed brackets on ``line`` outside strings and comments (approximate)."""
    balance = 0
    quote: str | None = None
    for char in line:
        if quote:
            if char == quote:
                quote = None
        elif char in "\"'":
            quote = char
        elif char == "#":
            break
        elif char in "([{":
            balance += 1
        elif char in ")]}":
            balance -= 1
    return balance


def pip_packages(args: str) -> set[str]:
    """Import names of the requirements in ``pip`` arguments (only for ``install``)."""
    try:
        words = shlex.split(args, comments=True)
    except ValueError:
        words = args.split()
    if "install" not in words:
        return set()
    words = words[words.index("install") + 1 :]
    out: set[str] = set()
    skip_next = False
    for word in words:
        if skip_next:
            skip_next = False
            continue
        if word in ("-r", "--requirement", "-c", "--constraint", "-e", "--editable", "-i", "--index-url",
                    "--extra-index-url", "-f", "--find-links", "--target", "-t"):
            skip_next = True
            continue
        if word.startswith("-"):
            continue
        name = requirement_name(word)
        if name:
            out.add(import_name(name))
    return out


def requirement_name(requirement: str) -> str | None:
    """``transformers==4.40`` -> ``transformers``; ``git+https://.../peft.git`` -> ``peft``."""
    egg = re.search(r"#egg=([\w.\-]+)", requirement)
    if egg:
        return egg.group(1)
    if "://" in requirement or requirement.startswith("git+"):
        tail = requirement.rstrip("/").split("/")[-1].split("@")[0]
        return re.sub(r"\.git$", "", tail) or None
    match = re.match(r"[A-Za-z0-9][\w.\-]*", requirement)
    return match.group(0) if match else None


def import_name(distribution: str) -> str:
    """The module a distribution is imported as (``scikit-learn`` -> ``sklearn``)."""
    key = re.sub(r"[-_.]+", "-", distribution).lower()
    return IMPORT_NAMES.get(key, key.replace("-", "_"))
