"""Extraction: blocks, filenames, markers, lines in the artifact file."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from curriculum_cli.execute.sources import notebook_line_maps, read_artifact

NOTEBOOK = Path(__file__).parent.parent / "fixtures" / "code" / "course" / "series-2" / "module-2-1" / "notebooks" / "2-1-2-autograd.ipynb"

MARKDOWN = """\
# Title

```python title="a.py"
x = 1
```

<!-- curriculum: raises ValueError -->
```py filename=b.py
int("a")
```

{/* curriculum: skip */}

```python
import nothing
```

- a list item with code:

  ```python
  y = 2
  ```

```bash
ls --all
```
"""


def test_markdown_blocks_filenames_markers_and_lines() -> None:
    artifact = read_artifact("lesson.mdx", MARKDOWN)
    blocks = artifact.blocks
    assert [(b.line, b.filename, b.mode, b.expected_exception) for b in blocks] == [
        (4, "a.py", "run", None),
        (9, "b.py", "raises", "ValueError"),
        (15, None, "skip", None),
        (21, None, "run", None),
    ]
    assert blocks[3].source == "y = 2\n"
    assert not any("ls --all" in p.text for p in artifact.prose)
    assert any(p.line == 1 and p.text == "# Title" for p in artifact.prose)


def test_code_marker_comment_in_block() -> None:
    artifact = read_artifact("l.md", "```python\n# curriculum: raises KeyError\n{}['k']\n```\n")
    assert (artifact.blocks[0].mode, artifact.blocks[0].expected_exception) == ("raises", "KeyError")


TSX = r"""import { CodeBlock } from "./CodeBlock";

export function AutogradLesson() {
  return (
    <section>
      <p>Some prose — here.</p>
      {/* curriculum: skip */}
      <CodeBlock language="python" filename="grad.py" code={`
        import torch
        s = "a \`tick\` and \\n"
        print(f"${"{"}x}")
        w = torch.ones(2)
      `} />
      <CodeBlock language="bash" code={`pip install torch`} />
      <CodeBlock
        filename="two.py"
        language="python"
        code={`print(w)`}
      />
    </section>
  );
}
"""


def test_tsx_template_literal_is_cooked_and_mapped() -> None:
    artifact = read_artifact("AutogradLesson.tsx", TSX)
    first, second = artifact.blocks
    assert first.filename == "grad.py" and first.mode == "skip" and first.kind == "component"
    lines = first.source.splitlines()
    assert lines[1] == "import torch"
    assert lines[2] == 's = "a `tick` and \\n"'
    assert lines[3] == 'print(f"{x}")'
    assert first.artifact_line(2) == 9  # ``import torch`` in the .tsx file
    assert first.artifact_line(5) == 12
    assert second.filename == "two.py" and second.artifact_line(1) == 18
    assert any(p.line == 6 and "prose" in p.text for p in artifact.prose)


def test_notebook_cells_lines_and_exercises() -> None:
    artifact = read_artifact(str(NOTEBOOK))
    cells = {b.cell: b for b in artifact.blocks}
    assert sorted(cells) == [2, 3, 4, 5, 6, 8, 9, 10]
    assert cells[2].line == 20 and cells[2].artifact_line(5) == 24
    assert cells[2].label == "cell 2"
    assert cells[4].mode == "exercise" and cells[4].replacement is None
    assert cells[6].mode == "run" and cells[6].replacement == "d = 2 * x\n"
    # solution fences in markdown cells are not prose
    assert not any("2 * x" in p.text for p in artifact.prose)


def test_notebook_line_maps_single_string_sources_and_tags(tmp_path: Path) -> None:
    notebook = new_notebook(cells=[new_markdown_cell("a\nb"), new_code_cell("x = 1\ny = 2")])
    notebook.cells[1].metadata["tags"] = ["raises-exception"]
    data = nbformat.writes(notebook)
    as_json = json.loads(data)
    as_json["cells"][1]["source"] = "x = 1\ny = 2"  # one string, not a list
    text = json.dumps(as_json, indent=1)
    maps = notebook_line_maps(text)
    line_of = [n for n, l in enumerate(text.splitlines(), 1) if '"x = 1\\ny = 2"' in l][0]
    assert maps[1] == [line_of, line_of]
    artifact = read_artifact("n.ipynb", text)
    assert artifact.blocks[0].mode == "raises" and artifact.blocks[0].cell == 2


def test_broken_notebook_is_a_problem_not_a_crash() -> None:
    artifact = read_artifact("bad.ipynb", "{not json")
    assert artifact.blocks == [] and artifact.problems


def test_placeholders_of_any_length_make_an_exercise() -> None:
    from curriculum_cli.execute.sources import is_exercise

    assert is_exercise("answer = ____\n") and is_exercise("answer = ___\n")
    assert not is_exercise("print(__name__)\n") and not is_exercise("snake_case_name = 1\n")
