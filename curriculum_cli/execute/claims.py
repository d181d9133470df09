"""Claimed outputs: a trailing comment that says what a line prints.

A claim is the trailing comment of a ``print(...)`` statement (or of a
notebook cell's last expression) when the comment reads like output:

* it starts like a Python repr: ``tensor(``, ``torch.``, ``array(``, ``[``,
  ``(``, ``{``, a number, ``True``/``False``/``None``, a quoted string, ``<``;
* or it has an explicit prefix: ``Output:``, ``->``, ``prints:``, ``=>``.

Prose may follow the repr (``# tensor(6.)  — correct``, ``# 6.0 (2 * 3)``):
the claim is the balanced repr at the start.  Prediction placeholders
(``# ?``, ``# predict: ?``), remarks (``# the gradient``) and claims with an
ellipsis (``# tensor([...])``) are not checked.

A claim matches when, whitespace removed, it equals the first output line of
its statement, or all its output lines joined; numbers compare within a
relative tolerance.  A claim listing several values (``# 2.94, 4.02`` on
``print(f"mean = {m:.2f}, std = {s:.2f}")`` or ``print(a, b)``) matches when
each value, in order, equals a number the line prints, at the precision shown.
"""

from __future__ import annotations

import ast
import math
import re
import warnings
from dataclasses import dataclass

from curriculum_cli.execute.blocks import Output

_PREFIX = re.compile(r"^\s*(?:output|out|prints?|result|returns?)\s*:\s*|^\s*(?:->|=>|→)\s*", re.IGNORECASE)
_REPR_START = re.compile(
    r"""^(?:tensor\(|torch\.|array\(|np\.|Parameter|\[|\(|\{|[-+]?(?:\d|\.\d)|True\b|False\b|None\b|['"]|<|nan\b|inf\b|-inf\b)"""
)
_NUMBER = re.compile(r"[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?|nan|inf")
_OPEN = {"(": ")", "[": "]", "{": "}", "<": ">"}


@dataclass(frozen=True, slots=True)
class Claim:
    """A claimed output on one line of a block."""

    #: Block source lines of the claiming statement (first, last).
    first_line: int
    last_line: int
    #: Line (block source) of the comment and the claim text as written.
    line: int
    text: str
    #: Whole comment text after the prefix (core + prose).
    full: str

    @property
    def label(self) -> str:
        """``g = `` for a claim written with its label (``# g = 1.3560``), else empty."""
        if _REPR_START.match(self.text):
            return ""
        match = _LABEL.match(self.text)
        return self.text[: match.end()] if match else ""


def claim_text(comment: str) -> tuple[str, str] | None:
    """``(core, full)`` when ``comment`` (without ``#``) reads as output, else None."""
    text = comment.strip()
    explicit = _PREFIX.match(text)
    if explicit:
        text = text[explicit.end():].strip()
    elif not _REPR_START.match(text):
        labelled = _LABEL.match(text)
        if labelled is None or not _REPR_START.match(text[labelled.end() :]):
            return None
        value = claim_text(text[labelled.end() :])  # ``g = 1.3560``: a label, then a value
        return (text[: labelled.end()] + value[0], text) if value else None
    if not text or "?" in text[:3] or "..." in text or "…" in text:
        return None
    values = _VALUES.match(text)
    core = values.group(0).rstrip() if values else _core(text)
    if not core or not (values or _plausible(core)) or is_placeholder(core):
        return None
    rest = text[len(core) :].strip()
    if rest and not explicit and rest[0] not in "(—–-,;#[=0123456789'\"":
        return None  # ``# 2 dimensions``, ``# torch.no_grad disables ...``: remarks
    return core, text


_NUM = r"[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?"
#: Several bare values: ``2.94, 4.02`` or ``2.94 4.02`` (what ``print(a, b)`` or a
#: print with several labels shows).
_VALUES = re.compile(rf"^{_NUM}(?:\s*[,;]\s*{_NUM}|\s+{_NUM})+(?![\w.])")
#: A number standing on its own in printed text (not the ``1`` of ``layer1``).
_PRINTED_NUMBER = re.compile(rf"(?<![\w.]){_NUM}(?![\w])")


def claimed_values(text: str) -> list[str] | None:
    """The values of a claim listing several (``2.94, 4.02``), else None."""
    if not _VALUES.fullmatch(text.strip()):
        return None
    return re.findall(_NUM, text)


_PLACEHOLDER_TEXT = re.compile(r"[xX]{2,}|\?\?|\bN\.N+|^<[A-Za-z_][\w ]*>$")
_DIGITS = re.compile(r"\d[\d.]*")


def is_placeholder(core: str) -> bool:
    """A claim that shows a shape, not a value: ``tensor([0.xxxx])``, ``<tensor>``, ``-1.2345``."""
    if _PLACEHOLDER_TEXT.search(core):
        return True
    for number in _DIGITS.findall(core):
        digits = number.replace(".", "")
        if len(digits) >= 4 and ("0123456789".startswith(digits) or "123456789".startswith(digits)):
            return True
    return False


_BARE_NUMBER = re.compile(r"^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?%?$")


def _plausible(core: str) -> bool:
    """Reject shapes of remarks that start like a repr: ``(batch, features)``, ``<- here``."""
    first = core[0]
    if first in "-+.0123456789":
        return bool(_BARE_NUMBER.match(core.rstrip(",;")))
    if first in "([{":
        return bool(re.search(r"\d|['\"]|True|False|None|^.\s*.$", core)) or len(core) == 2
    if first == "<":
        return len(core) > 1 and core[1].isalpha()
    return True


def _core(text: str) -> str:
    """The balanced repr at the start of ``text``; prose after it is dropped."""
    if text[0] in "'\"":
        end = text.find(text[0], 1)
        return text if end < 0 else text[: end + 1]
    depth: list[str] = []
    for index, char in enumerate(text):
        if char in _OPEN:
            depth.append(_OPEN[char])
        elif depth and char == depth[-1]:
            depth.pop()
            if not depth:
                rest = text[index + 1 :]
                if not rest.strip() or rest[:1] in " ,;—–-" and not re.match(r"\s*[)\]}>]", rest):
                    return text[: index + 1]
        elif not depth and char.isspace():
            return text[:index]
    return text


def find_claims(source: str, comments: list[tuple[int, str]], cell_last_expression: bool = False) -> list[Claim]:
    """Claims in ``source`` given its ``(line, comment)`` pairs."""
    try:
        with warnings.catch_warnings():  # SyntaxWarnings about lesson code are not the tool's output
            warnings.simplefilter("ignore")
            tree = ast.parse(source)
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return []
    by_line = dict(comments)
    out: list[Claim] = []
    statements = [n for n in ast.walk(tree) if isinstance(n, ast.Expr)]
    last = tree.body[-1] if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    for node in statements:
        is_print = isinstance(node.value, ast.Call) and isinstance(node.value.func, ast.Name) and node.value.func.id == "print"
        if not is_print and not (cell_last_expression and node is last):
            continue
        end = node.end_lineno or node.lineno
        comment = by_line.get(end)
        if comment is None:
            continue
        parsed = claim_text(comment)
        if parsed:
            out.append(Claim(node.lineno, end, end, parsed[0], parsed[1]))
    return out


def outputs_for(claim: Claim, outputs: list[Output]) -> list[str]:
    return [o.text for o in outputs if claim.first_line <= o.source_line <= claim.last_line]


def matches(claim: Claim, lines: list[str], tolerance: float) -> bool:
    """Does the claim agree with the printed ``lines`` (first line, or all joined)?

    A claim on a labelled print (``print(f"g = {g:.4f}")  # 1.3560``) is
    compared with the value after the label.
    """
    if not lines:
        return True
    values = claimed_values(claim.text)
    if values is not None:
        return _values_printed(values, " ".join(lines), tolerance)
    candidates = {lines[0], " ".join(lines)}
    candidates |= {value for value in map(after_label, list(candidates)) if value}
    return any(same_output(expected, actual, tolerance) for expected in (claim.text, claim.full) for actual in candidates)


#: ``name = value`` / ``Label: value`` at the start of a printed line.
_LABEL = re.compile(r"^\s*[A-Za-z_][\w .\[\]'\"()/-]{0,60}?\s*(?:=|:)\s+(?=\S)")


def after_label(line: str) -> str | None:
    """The value a labelled print shows (``g = 1.3560`` -> ``1.3560``), or None."""
    match = _LABEL.match(line)
    return line[match.end() :] if match else None


def _values_printed(values: list[str], printed: str, tolerance: float) -> bool:
    """Every claimed value, in order, among the numbers the line prints (labels
    may hold numbers of their own: ``epoch 3: loss = 0.41``)."""
    numbers = iter(_PRINTED_NUMBER.findall(printed))
    return all(any(_close(value, number, tolerance) for number in numbers) for value in values)


def expected_text(claim: Claim, lines: list[str]) -> str:
    """What the claim should say: the printed value, after the label when the claim has none."""
    actual = actual_text(lines)
    values = claimed_values(claim.text)
    printed = _PRINTED_NUMBER.findall(actual)
    if values is not None and len(printed) == len(values):  # the claim's form, the printed numbers
        parts = re.split(f"({_NUM})", claim.text)
        numbers = iter(printed)
        return "".join(next(numbers) if index % 2 else part for index, part in enumerate(parts))
    value = after_label(actual)
    label = actual[: len(actual) - len(value)] if value else ""
    if value and not "".join(claim.text.split()).startswith("".join(label.split())):
        return value
    return actual


def actual_text(lines: list[str]) -> str:
    """What a corrected claim should say (all lines, whitespace collapsed)."""
    return " ".join(" ".join(line.split()) for line in lines).replace("[ ", "[").replace("( ", "(")


def same_output(expected: str, actual: str, tolerance: float) -> bool:
    """Whitespace-insensitive equality with numbers compared within ``tolerance``."""
    a, b = "".join(expected.split()), "".join(actual.split())
    if a == b:
        return True
    a_numbers, b_numbers = _NUMBER.findall(a), _NUMBER.findall(b)
    if len(a_numbers) != len(b_numbers) or _NUMBER.sub("#", a) != _NUMBER.sub("#", b):
        return False
    return all(_close(x, y, tolerance) for x, y in zip(a_numbers, b_numbers))


def _close(x: str, y: str, tolerance: float) -> bool:
    """Claimed number ``x`` against printed ``y``: within ``tolerance``, or equal at
    the precision the claim shows (``0.33`` for ``0.3333``)."""
    try:
        fx, fy = float(x), float(y)
    except ValueError:
        return x == y
    if math.isnan(fx) or math.isnan(fy):
        return math.isnan(fx) and math.isnan(fy)
    if math.isclose(fx, fy, rel_tol=tolerance, abs_tol=tolerance * 1e-3):
        return True
    shown = _decimals(x)
    return shown is not None and 1 <= shown < (_decimals(y) or 0) and abs(fx - fy) <= 0.5 * 10.0**-shown * (1 + 1e-9)


def _decimals(number: str) -> int | None:
    """Digits after the point of a plain decimal (``1.36`` -> 2), None with an exponent."""
    if "e" in number.lower() or "." not in number:
        return 0 if number.lstrip("+-").isdigit() else None
    return len(number.split(".", 1)[1])
