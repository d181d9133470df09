"""W101: spaced em dashes and ``--`` dashes in what the student sees."""

from __future__ import annotations

from pathlib import Path

import pytest

from curriculum_cli.rules.writing import find_dashes


@pytest.mark.parametrize(
    "text",
    ["Gradients — the slopes — are stored", "word -- word", "word--word", "ends with a dash —"],
)
def test_dashes(text: str) -> None:
    assert find_dashes(text)


@pytest.mark.parametrize(
    "text",
    [
        "numbers—lots of them",
        "pass `--verbose` to see more",
        "pip install --upgrade torch",
        "<!-- a comment -->",
        "---",
        "|---|---|",
        "| — | x |",
        "x = a - b",
        '"--verbose"',
        "#----------",
        "i-- and --i",
        "see `a -- b` here",
    ],
)
def test_not_dashes(text: str) -> None:
    assert find_dashes(text) == []


def test_fix_is_unspaced() -> None:
    (dash,) = find_dashes("the slope — steep")
    assert dash.fixed == "the slope—steep"


# ---------------------------------------------------------------- whole artifacts


def _w101(tmp_path: Path, name: str, text: str) -> list[tuple[int | None, str]]:
    from curriculum_cli import api

    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    report = api.check([path], overrides={"exec": {"enabled": False}, "select": ["W101"]})
    assert report.errors == []
    return [(f.line, f.message) for f in report.findings]


TSX = """export default function Lesson() {
  return (
    <LessonPage>
      <LessonHeader title="Slopes" description="What a slope is — and why it matters" />
      {/* an author's note — not shown */}
      <InsightBlock title="Plain title">
        <p>Text with a dash &mdash; spaced.</p>
      </InsightBlock>
      <CodeBlock language="python" filename="a.py" code={`x = 1  # ratio -- not a dash defect
label = "loss -- lower"
`} />
    </LessonPage>
  );
}
"""


def test_tsx_attributes_and_entities_are_read_but_comments_and_code_dashes_are_not(tmp_path: Path) -> None:
    found = _w101(tmp_path, "Lesson.tsx", TSX)
    assert len(found) == 1
    line, message = found[0]
    assert line == 4 and "lines 4, 7" in message


def test_one_finding_per_file_listing_its_lines(tmp_path: Path) -> None:
    text = "# T\n\nOne — two.\n\nThree -- four.\n\nFive—six.\n\n```python\nx = 1\n```\n"
    found = _w101(tmp_path, "lesson.md", text)
    assert [line for line, _ in found] == [3] and "lines 3, 5" in found[0][1]


def test_a_clean_page_has_no_dash_finding(tmp_path: Path) -> None:
    text = "# T\n\nFive—six, and `a -- b` in code.\n\n```python\n# step -- then the next\nprint('a -- b')\n```\n"
    assert _w101(tmp_path, "lesson.md", text) == []
