"""How a real course writes code: fragments, pseudocode, installs, drifted names.

Each form has a near miss that must stay silent and a defect that must be found.
Artifacts are read from small texts; execution results are scripted.
"""

from __future__ import annotations

from collections import defaultdict

from curriculum_cli.execute.analysis import Chain, check_chain
from curriculum_cli.execute.blocks import BlockResult, CodeBlock
from curriculum_cli.execute.inventory import ApiRow, build_inventory
from curriculum_cli.execute.sources import read_artifact
from curriculum_cli.execute.static import analyze_chain


def _check(
    path: str,
    text: str,
    results: dict[int, BlockResult] | None = None,
    records: tuple[str, ...] = (),
    explained: set[str] | None = None,
) -> tuple[dict[str, list], list[CodeBlock]]:
    artifact = read_artifact(path, text)
    chain = Chain(artifact, analyze_chain(artifact.blocks, notebook=artifact.kind == "notebook"))
    if results is not None:
        chain.results = {b.index: results.get(b.index, BlockResult(b.index, "skipped" if b.mode == "skip" else "ok")) for b in artifact.blocks}
    issues: dict[str, list] = defaultdict(list)
    rows = [ApiRow("earlier (1.1)", 0, text) for text in records]
    inventory = build_inventory(rows, 1, ["`torch.tensor()`"])
    check_chain(
        chain, inventory, 1e-4, issues, ["torch", "numpy"],
        explained=(lambda word: word in explained) if explained is not None else None,
    )
    found = {code: [(i.line, i.subject) for i in items] for code, items in issues.items() if items}
    return found, artifact.blocks


def _md(*blocks: str, lead: str = "Some text.") -> str:
    return "# Lesson\n\n" + "\n".join(f"{lead}\n\n```python\n{b}```\n" for b in blocks)


def test_a_fragment_standing_for_your_model_is_neither_reported_nor_run() -> None:
    found, blocks = _check("l.md", _md("for xb, yb in train_loader:\n    loss = criterion(model(xb), yb)\n"), {})
    assert "C102" not in found
    assert blocks[0].mode == "skip" and blocks[0].not_run == "fragment"


def test_a_name_that_drifted_from_an_earlier_one_is_critical_once_per_block() -> None:
    text = _md("learning_rate = 0.1\nweights = [1.0, 2.0]\n", "step = learnig_rate * 2\nprint(step, learnig_rate)\n")
    found, _ = _check("l.md", text)
    assert [subject for _, subject in found["C102"]] == ["learnig_rate"]


def test_a_block_with_its_own_imports_and_one_missing_name_is_critical() -> None:
    found, _ = _check("l.md", _md("import math\nprint(math.sqrt(radius))\n"))
    assert [subject for _, subject in found["C102"]] == ["radius"]


def test_undefined_names_in_a_notebook_cell_are_one_finding() -> None:
    import json

    cells = [{"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None, "source": "print(alpha + beta)\nprint(alpha)\n"}]
    text = json.dumps({"nbformat": 4, "nbformat_minor": 4, "metadata": {}, "cells": cells})
    found, _ = _check("n.ipynb", text)
    assert [subject for _, subject in found["C102"]] == ["alpha,beta"]


def test_pseudocode_blocks_are_not_run_and_may_not_parse() -> None:
    text = (
        "# L\n\n```python title=\"training_pseudocode.py\"\nfor each batch:\n    update weights\n```\n\n"
        "The loop, as pseudocode:\n\n```python\nrepeat until done: step()\n```\n\n"
        "```python title=\"shapes.txt\"\n(64, 3) -> (64, 10)\n```\n"
    )
    found, blocks = _check("l.md", text, {})
    assert [b.mode for b in blocks] == ["skip", "skip", "skip"]
    assert "C101" not in found and "C102" not in found


def test_a_block_that_does_not_parse_is_still_c101() -> None:
    found, _ = _check("l.md", _md("total = sum(values, start=0, 1)\n"))
    assert "C101" in found


def test_named_blocks_are_labels_unless_presented_as_complete() -> None:
    label = "# L\n\n```python\nimport math\nr = 2.0\n```\n\nThen:\n\n```python title=\"area.py\"\nprint(math.pi * r ** 2)\n```\n"
    found, _ = _check("l.md", label)
    assert "C103" not in found
    complete = label.replace("Then:", "The complete program:")
    found, _ = _check("l.md", complete)
    assert {subject for _, subject in found["C103"]} == {"math", "r"}


def test_missing_modules_are_one_c305_per_artifact_unless_a_typo() -> None:
    text = _md("import tiktoken\n", "import transformers\n", "import numpyy\n")
    missing = {
        0: BlockResult(0, "environment", reason="module 'tiktoken' is not installed"),
        1: BlockResult(1, "environment", reason="module 'transformers' is not installed"),
        2: BlockResult(2, "environment", reason="module 'numpyy' is not installed"),
    }
    found, _ = _check("l.md", text, missing)
    assert len(found["C305"]) == 1
    assert "tiktoken" in found["C305"][0][1] and "transformers" in found["C305"][0][1]
    assert [subject for _, subject in found["C301"]] == ["ModuleNotFoundError: numpyy"]


def test_a_package_the_notebook_installs_is_never_a_typo() -> None:
    import json

    cells = [{"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None, "source": "!pip install -q numpyy\nimport numpyy\n"}]
    text = json.dumps({"nbformat": 4, "nbformat_minor": 4, "metadata": {}, "cells": cells})
    found, _ = _check("n.ipynb", text, {0: BlockResult(0, "environment", reason="module 'numpyy' is not installed")})
    assert "C301" not in found and len(found["C305"]) == 1


PLOT = """import json
import matplotlib.pyplot as plt
import torch
fig, ax = plt.subplots(figsize=(4, 3))
ax.plot([1, 2], [3, 4], linewidth=2)
print(json.dumps({"a": 1}, indent=2))
x = torch.tensor(2.0, requires_grad=True)
"""


def test_only_tracked_packages_are_judged_for_apis_and_keywords() -> None:
    found, _ = _check("l.md", _md(PLOT), records=("`requires_grad=True`",))
    assert "C201" not in found and "C203" not in found


def test_untaught_torch_functional_is_still_c201_once_per_lesson() -> None:
    text = _md("import torch\nimport torch.nn.functional as F\nx = torch.tensor([1.0])\nF.relu(x)\n", "F.relu(x)\n")
    found, _ = _check("l.md", text)
    assert [subject for _, subject in found["C201"]] == ["torch.nn.functional", "torch.nn.functional.relu"]


def test_a_record_naming_an_api_without_backticks_or_by_alias_teaches_it() -> None:
    text = _md("import torch\nimport torch.nn.functional as F\nx = torch.tensor([1.0])\nF.relu(x)\n")
    found, _ = _check("l.md", text, records=("ReLU via F.relu, from torch.nn.functional",))
    assert "C201" not in found


def test_an_unexplained_retain_graph_is_c203_once_per_keyword() -> None:
    block = "import torch\nw = torch.tensor(1.0, requires_grad=True)\nloss = w * 3\nloss.backward(retain_graph=True)\n"
    text = _md(block, "def again(t):\n    t.backward(retain_graph=True)\n")
    found, _ = _check("l.md", text, records=("`requires_grad=True`",))
    assert [subject for _, subject in found["C203"]] == ["retain_graph="]


def test_a_keyword_explained_in_an_earlier_lesson_counts() -> None:
    block = "import torch\nw = torch.tensor(1.0, requires_grad=True)\n(w * 3).backward(retain_graph=True)\n"
    found, _ = _check("l.md", _md(block), records=("`requires_grad=True`",), explained={"retain_graph"})
    assert "C203" not in found
