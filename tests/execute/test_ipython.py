"""Notebook cells read as IPython reads them: shell and magic lines are not Python."""

from __future__ import annotations

import ast
import json
import warnings

import pytest

from curriculum_cli.execute._ipython import pip_packages, to_python
from curriculum_cli.execute.sources import read_artifact


def test_shell_and_magic_lines_become_pass_line_for_line() -> None:
    source = "!pip install -q tiktoken\n%load_ext tensorboard\nimport json\nif True:\n    !ls -l\nprint(1)\n"
    cell = to_python(source)
    ast.parse(cell.python)
    assert cell.python.count("\n") == source.count("\n")
    assert cell.python.splitlines()[2] == "import json"
    assert cell.ipython_lines == [1, 2, 5]


def test_timing_magics_keep_their_statement() -> None:
    assert to_python("%time y = 2 ** 10\n").python == "y = 2 ** 10\n"
    cell = to_python("%%time\ntotal = sum(range(3))\n")
    assert cell.is_python and ast.parse(cell.python)
    assert "total = sum(range(3))" in cell.python


def test_a_cell_magic_with_another_language_is_not_python() -> None:
    cell = to_python("%%bash\necho 'not python'\n")
    assert not cell.is_python


def test_a_percent_inside_brackets_is_python_not_a_magic() -> None:
    source = "x = (7\n%3)\n"
    assert to_python(source).python == source


def test_a_plain_cell_is_unchanged() -> None:
    source = "x = 10 % 3\nprint(x != 1)\n"
    assert to_python(source).python == source


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ("install -q transformers accelerate", {"transformers", "accelerate"}),
        ("install scikit-learn==1.4 'opencv-python-headless>=4'", {"sklearn", "cv2"}),
        ("install -r requirements.txt controlnet_aux", {"controlnet_aux"}),
        ("install git+https://github.com/example/peft.git", {"peft"}),
        ("uninstall -y tiktoken", set()),
    ],
)
def test_pip_install_packages_by_import_name(args: str, expected: set[str]) -> None:
    assert pip_packages(args) == expected


def _notebook(*cells: tuple[str, str], nbformat_minor: int = 5) -> str:
    return json.dumps({
        "nbformat": 4, "nbformat_minor": nbformat_minor, "metadata": {},
        "cells": [
            {"cell_type": kind, "metadata": {}, "source": text, **({"outputs": [], "execution_count": None} if kind == "code" else {})}
            for kind, text in cells
        ],
    })


def test_notebook_cells_are_read_as_ipython_and_installs_are_collected() -> None:
    text = _notebook(("code", "!pip install -q diffusers\nimport diffusers\n"), ("code", "%matplotlib inline\nx = 1\n"))
    artifact = read_artifact("n.ipynb", text)
    assert artifact.installs == {"diffusers"}
    assert [ast.parse(b.source) is not None for b in artifact.blocks] == [True, True]


def test_cells_without_ids_read_without_any_warning(capfd: pytest.CaptureFixture[str]) -> None:
    text = _notebook(("code", "x = 1\n"), ("markdown", "text"), nbformat_minor=5)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        artifact = read_artifact("n.ipynb", text)
    assert len(artifact.blocks) == 1
    captured = capfd.readouterr()
    assert captured.err == "" and captured.out == ""


def test_markdown_block_with_pip_line_parses() -> None:
    text = "# T\n\n```python\n!pip install einops\nimport einops\n```\n"
    (block,) = read_artifact("l.md", text).blocks
    assert ast.parse(block.source)


def test_a_percent_line_inside_a_string_stays_as_written() -> None:
    source = 'template = """\n%d items\n"""\nprint(template % 3)\n'
    assert to_python(source).python == source
