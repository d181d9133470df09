"""Claimed outputs: what is a claim, how it is compared, how it is fixed."""

from __future__ import annotations

from pathlib import Path

import pytest

from curriculum_cli.execute.blocks import BlockResult, CodeBlock, Output
from curriculum_cli.execute.claims import Claim, claim_text, find_claims, same_output
from curriculum_cli.execute.fix import update_outputs
from curriculum_cli.execute.static import comments_and_strings


@pytest.mark.parametrize(
    ("comment", "core"),
    [
        ("tensor(6.)", "tensor(6.)"),
        ("tensor(9., grad_fn=<PowBackward0>)", "tensor(9., grad_fn=<PowBackward0>)"),
        ("torch.Size([2, 3])", "torch.Size([2, 3])"),
        ("6.0", "6.0"),
        ("[1, 2, 3]", "[1, 2, 3]"),
        ("True", "True"),
        ("tensor(6.)  — correct, because", "tensor(6.)"),
        ("6.0 (2 * 3)", "6.0"),
        ("Output: 5", "5"),
        ("-> 3", "3"),
        ("prints: hello", "hello"),
        ("'abc'", "'abc'"),
        ("<class 'torch.Tensor'>", "<class 'torch.Tensor'>"),
    ],
)
def test_claims(comment: str, core: str) -> None:
    parsed = claim_text(" " + comment)
    assert parsed is not None and parsed[0] == core


@pytest.mark.parametrize(
    "comment",
    ["?", "???", "predict: ?", "the gradient", "prints the shape", "2 dimensions", "(batch, features)",
     "<- here", "torch.no_grad disables tracking", "tensor([...])"],
)
def test_not_claims(comment: str) -> None:
    assert claim_text(" " + comment) is None


def test_comparison_is_whitespace_and_float_tolerant() -> None:
    assert same_output("tensor(6.)", "tensor(6.0000)", 1e-4)
    assert same_output("tensor([[1, 2], [3, 4]])", "tensor([[1, 2],\n        [3, 4]])", 1e-4)
    assert same_output("0.3", "0.30000000000000004", 1e-4)
    assert not same_output("tensor(6.)", "tensor(3.)", 1e-4)
    assert not same_output("tensor(6.)", "6.0", 1e-4)


def test_find_claims_on_prints_and_cell_last_expression() -> None:
    source = "x = 1\nprint(x)  # 1\nprint(\n    x,\n)  # 1\nx  # 1\n"
    comments, _ = comments_and_strings(source)
    assert [(c.first_line, c.line) for c in find_claims(source, comments)] == [(2, 2), (3, 5)]
    assert [c.line for c in find_claims(source, comments, cell_last_expression=True)] == [2, 5, 6]


class Printer:
    """Fake executor: every print line outputs the text registered for it."""

    def __init__(self, outputs: dict[int, str]) -> None:
        self.outputs = outputs

    def run_chain(self, blocks: list[CodeBlock]) -> list[BlockResult]:
        return [
            BlockResult(b.index, "ok", outputs=[Output(line, text) for line, text in self.outputs.items()])
            for b in blocks
        ]


def test_update_outputs_rewrites_markdown_keeping_prose(tmp_path: Path) -> None:
    lesson = tmp_path / "lesson.md"
    lesson.write_text("# L\n\n```python\nprint(x)  # tensor(6.)  — because 2 * 3\nprint(y)  # 1\n```\n")
    changes = update_outputs([lesson], executor=Printer({1: "tensor(3.)", 2: "1"}))
    assert [(c.line, c.old, c.new, c.applied) for c in changes] == [(4, "tensor(6.)", "tensor(3.)", True)]
    assert lesson.read_text().splitlines()[3] == "print(x)  # tensor(3.)  — because 2 * 3"
    assert not list(tmp_path.glob(".*.tmp"))


def test_update_outputs_in_notebook_json(tmp_path: Path) -> None:
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook

    path = tmp_path / "n.ipynb"
    nbformat.write(new_notebook(cells=[new_code_cell('print(s)  # "a"')]), str(path))
    before = path.read_text()
    changes = update_outputs([path], executor=Printer({1: '"b"'}))
    assert [c.applied for c in changes] == [True]
    after = path.read_text()
    assert after.replace('\\"b\\"', '\\"a\\"') == before
    assert nbformat.read(str(path), as_version=4).cells[0].source == 'print(s)  # "b"'


def test_update_outputs_refuses_a_file_changed_meanwhile(tmp_path: Path) -> None:
    lesson = tmp_path / "lesson.md"
    lesson.write_text("```python\nprint(x)  # 6\n```\n")

    class Meddler(Printer):
        def run_chain(self, blocks: list[CodeBlock]) -> list[BlockResult]:
            lesson.write_text("```python\nprint(x)  # 6\n```\n\nedited\n")
            return super().run_chain(blocks)

    changes = update_outputs([lesson], executor=Meddler({1: "7"}))
    assert [(c.applied, c.reason is not None) for c in changes] == [(False, True)]
    assert lesson.read_text().endswith("edited\n")


def test_update_outputs_keeps_crlf_and_bom(tmp_path: Path) -> None:
    lesson = tmp_path / "lesson.md"
    lesson.write_bytes(b"\xef\xbb\xbf# L\r\n\r\n```python\r\nprint(x)  # 6\r\n```\r\n")
    changes = update_outputs([lesson], executor=Printer({1: "7"}))
    assert [c.applied for c in changes] == [True]
    assert lesson.read_bytes() == b"\xef\xbb\xbf# L\r\n\r\n```python\r\nprint(x)  # 7\r\n```\r\n"


# ----------------------------------------------------------------- census forms of claims


def _claim(comment: str) -> Claim:
    parsed = claim_text(comment)
    assert parsed is not None, comment
    return Claim(1, 1, 1, parsed[0], parsed[1])


@pytest.mark.parametrize(
    ("comment", "printed", "same"),
    [
        (" 1.3560", "layer1.weight.grad = 1.3560", True),  # the value after the label
        (" 1.3570", "layer1.weight.grad = 1.3560", False),
        (" 0.25", "loss: 0.25", True),
        (" 0.33", "0.3333333", True),  # at the precision shown
        (" 0.34", "0.3333333", False),
        (" tensor(6.)", "tensor(6.5000)", False),  # "6." is torch's integral print, not a precision
        (" 1e-08", "9.99999993922529e-09", True),  # float32 written as the decimal meant
        (" tensor(6.) — fresh gradient", "tensor(6.)", True),
        (" g = 1.3560", "g = 1.3560", True),  # a claim written with its label
        (" g = 1.3570", "g = 1.3560", False),
    ],
)
def test_claims_compare_the_value_at_the_precision_shown(comment: str, printed: str, same: bool) -> None:
    from curriculum_cli.execute.claims import matches

    assert matches(_claim(comment), [printed], 1e-4) is same


@pytest.mark.parametrize("comment", [" tensor([0.xxxx])", " -1.2345", " <tensor>", " 0.1234"])
def test_placeholders_are_not_claims(comment: str) -> None:
    from curriculum_cli.execute.claims import claim_text

    assert claim_text(comment) is None


def test_the_fix_for_a_labelled_print_is_the_value_only() -> None:
    from curriculum_cli.execute.claims import expected_text

    assert expected_text(_claim(" 1.3570"), ["g = 1.3560"]) == "1.3560"
    labelled = Claim(1, 1, 1, "g = 1.3570", "g = 1.3570")
    assert expected_text(labelled, ["g = 1.3560"]) == "g = 1.3560"


@pytest.mark.parametrize(
    ("comment", "printed", "same"),
    [
        (" 3.2, 8.7", "driest = 3.2, wettest = 8.7", True),  # print(f"driest = {lo:.1f}, wettest = {hi:.1f}")
        (" 3.2, 8.6", "driest = 3.2, wettest = 8.7", False),  # the second value is wrong
        (" 8.7, 3.2", "driest = 3.2, wettest = 8.7", False),  # in order
        (" 3.2 8.7", "3.2104 8.6951", True),  # print(lo, hi), at the precision shown
        (" 3.2 8.6", "3.2104 8.6951", False),
        (" 5, 0.750", "week 2: rainiest day = 5, share = 0.750", True),  # numbers in labels are skipped
        (" 5, 0.750, 1.0", "rainiest day = 5, share = 0.750", False),  # claims more than it prints
    ],
)
def test_a_claim_listing_several_values_compares_each(comment: str, printed: str, same: bool) -> None:
    from curriculum_cli.execute.claims import matches

    claim = _claim(comment)
    assert claim.text == comment.strip()
    assert matches(claim, [printed], 1e-4) is same


def test_the_fix_for_several_values_keeps_the_claims_form() -> None:
    from curriculum_cli.execute.claims import expected_text

    assert expected_text(_claim(" 3.2, 8.6"), ["driest = 3.2, wettest = 8.7"]) == "3.2, 8.7"
    assert expected_text(_claim(" 3.2 8.6"), ["3.2 8.7"]) == "3.2 8.7"
