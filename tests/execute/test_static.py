"""The static pass: undefined names at F821 quality, across a chain of blocks."""

from __future__ import annotations

import pytest

from curriculum_cli.execute.blocks import CodeBlock
from curriculum_cli.execute.static import analyze_chain


def _chain(*sources: str, filenames: dict[int, str] | None = None, notebook: bool = False):
    blocks = [CodeBlock("l.md", i, 1, s, filename=(filenames or {}).get(i)) for i, s in enumerate(sources)]
    return analyze_chain(blocks, notebook=notebook)


def _undefined(*sources: str, **kw) -> list[tuple[int, str, int]]:
    return [(u.block, u.name, u.line) for u in _chain(*sources, **kw).undefined]


@pytest.mark.parametrize(
    "source",
    [
        "print(len([1]), __name__, __file__)\n",
        "[i for i in range(3)]\n{k: v for k, v in {}.items()}\n",
        "def f(a, *args, b=1, **kw):\n    return a, args, b, kw\n",
        "def f():\n    return g()\ndef g():\n    return 1\n",
        "class A:\n    z = 1\n    w = z + 1\n",
        "try:\n    pass\nexcept Exception as e:\n    print(e)\n",
        "if (n := 3) > 2:\n    print(n)\n",
        "match [1, 2]:\n    case [a, *rest]:\n        print(a, rest)\n    case {'k': v, **kw}:\n        print(v, kw)\n",
        "def f():\n    global G\n    G = 1\nf()\nprint(G)\n",
        "def outer():\n    a = 1\n    def inner():\n        nonlocal a\n        a += 1\n        return a\n    return inner\n",
        "x: int = 3\nprint(x)\n",
        "from os.path import *\nprint(join)\n",
        "import os.path\nprint(os.path.join('a'))\n",
        "f = lambda q: q + 1\n",
        "with open(__file__) as handle:\n    pass\nprint(handle)\n",
        "for i in range(2):\n    pass\nelse:\n    print(i)\n",
        "def f():\n    return [y for y in range(3) if (t := y)]\n",
        "class B:\n    def m(self):\n        return __class__\n",
    ],
)
def test_no_false_positives(source: str) -> None:
    assert _undefined(source) == []


@pytest.mark.parametrize(
    ("source", "name", "line"),
    [
        ("x = 1\nprint(y)\n", "y", 2),
        ("[i for i in range(3)]\nprint(i)\n", "i", 2),
        ("class A:\n    z = 1\n    def m(self):\n        return z\n", "z", 4),
        ("x = 1\ndel x\nprint(x)\n", "x", 3),
        ("print(a)\na = 1\n", "a", 1),
        ("f = lambda q: q + zz\n", "zz", 1),
        ("def f(a: Undef = 3):\n    pass\n", "Undef", 1),
        ("def f():\n    return never\n", "never", 2),
        ("x: int\nprint(x)\n", "x", 2),
    ],
)
def test_undefined(source: str, name: str, line: int) -> None:
    assert _undefined(source) == [(0, name, line)]


def test_names_from_earlier_blocks_and_functions_resolved_at_call_time() -> None:
    assert _undefined("import torch\nw = torch.ones(2)\n", "print(w)\n") == []
    assert _undefined("def f():\n    return later\n", "later = 1\nf()\n") == []
    assert _undefined("print(w)\n", "w = 1\n") == [(0, "w", 1)]


def test_star_import_silences_later_names() -> None:
    assert _undefined("from torch import *\n", "print(tensor)\n") == []


def test_notebook_names() -> None:
    assert _undefined("display(1)\n", notebook=True) == []
    assert _undefined("display(1)\n") == [(0, "display", 1)]


def test_named_block_borrowing() -> None:
    chain = _chain("import torch\nw = 1\n", "print(torch.ones(1) * w)\nv = 2\nprint(v)\n", filenames={1: "s.py"})
    assert [(b.block, b.name, b.line, b.from_block, b.from_line) for b in chain.borrowed] == [
        (1, "torch", 1, 0, 1),
        (1, "w", 1, 0, 2),
    ]


def test_syntax_error_and_exercise_blocks() -> None:
    blocks = [
        CodeBlock("n.ipynb", 0, 1, "z = ___\n", kind="cell", mode="exercise"),
        CodeBlock("n.ipynb", 1, 5, "print(z)\n", kind="cell"),
        CodeBlock("n.ipynb", 2, 9, "with open('f'):\n    # TODO\n", kind="cell"),
    ]
    chain = analyze_chain(blocks, notebook=True)
    assert chain.undefined == []
    assert chain.blocks[2].syntax is not None and chain.blocks[2].syntax.line == 2


def test_api_resolution_through_aliases_and_keywords() -> None:
    chain = _chain(
        "import torch\nimport torch.nn.functional as F\nfrom torch import nn\nimport numpy as np\n",
        "h = F.relu(nn.Linear(2, 3)(torch.ones(2)), inplace=False)\nnp.zeros(3)\n"
        "y = torch.ones(1)\ny.backward(retain_graph=True)\nprint(torch.float32)\n",
    )
    apis = [(a.api, a.line, a.kind) for b in chain.blocks for a in b.apis]
    assert apis == [
        ("torch", 1, "import"), ("torch.nn.functional", 2, "import"), ("torch.nn", 3, "import"),
        ("numpy", 4, "import"), ("torch.nn.functional.relu", 1, "call"), ("torch.nn.Linear", 1, "call"),
        ("torch.ones", 1, "call"), ("numpy.zeros", 2, "call"), ("torch.ones", 3, "call"),
        ("torch.float32", 5, "attribute"),
    ]
    keywords = [(k.callee, k.keyword, k.line) for k in chain.blocks[1].keywords]
    assert keywords == [("torch.nn.functional.relu", "inplace", 1), (".backward", "retain_graph", 4)]


def test_shadowed_alias_is_not_resolved() -> None:
    chain = _chain("import torch\ndef f(torch):\n    return torch.ones(1)\n")
    assert [a.api for a in chain.blocks[0].apis] == ["torch"]


def test_static_pass_handles_a_large_chain() -> None:
    # Speed is measured by benchmarks/, never asserted in tests: this only
    # checks that a 10,000-line chain is analysed completely.
    source = "".join(f"import torch\nx{i} = torch.ones({i})\ndef f{i}(a):\n    return a + x{i}\nprint(f{i}(1))\n" for i in range(400))
    chain = _chain(*[source] * 5)
    assert len(chain.blocks) == 5
    assert not chain.undefined
