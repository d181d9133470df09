"""The result cache, --jobs, --changed-since and the progress line."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from curriculum_cli import api
from curriculum_cli.cli import run
from curriculum_cli.progress import Progress

LESSONS = Path(__file__).parents[2] / "lessons"
TENSORS = Path("series-1/module-1-1/content/tensor-basics.md")
Capture = pytest.CaptureFixture[str]


@pytest.fixture
def course(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the bundled example with the cache switched on, the working directory beside it."""
    root = tmp_path / "course"
    shutil.copytree(LESSONS, root, ignore=shutil.ignore_patterns(".curriculum_cache"))
    monkeypatch.delenv("CURRICULUM_NO_CACHE", raising=False)
    monkeypatch.chdir(tmp_path)
    return root


def _check(capsys: Capture, *args: str) -> tuple[int, str]:
    code = run(["check", "--no-exec", *args])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out


def _add_dash(root: Path) -> None:
    path = root / TENSORS
    path.write_text(path.read_text().replace("numbers\nlive in", "numbers \u2014 live in", 1))


def test_second_run_reads_the_cache_and_prints_the_same_bytes(course: Path, capsys: Capture, monkeypatch: pytest.MonkeyPatch) -> None:
    _add_dash(course)
    first = _check(capsys, "course")
    assert first[0] == 0 and "W101" in first[1]
    folder = course / ".curriculum_cache"
    assert (folder / ".gitignore").read_text().splitlines()[-1] == "*"
    assert len(list((folder / "run").glob("*.json"))) == 1

    def fail(*_: object, **__: object) -> None:
        raise AssertionError("the curriculum was loaded again")

    monkeypatch.setattr(api, "load_curriculum", fail)
    assert _check(capsys, "course") == first


def test_an_edit_invalidates_the_cache(course: Path, capsys: Capture) -> None:
    clean = _check(capsys, "course")
    assert "No findings" in clean[1]
    _add_dash(course)
    assert "W101" in _check(capsys, "course")[1]


def test_configuration_is_part_of_the_key(course: Path, capsys: Capture) -> None:
    _add_dash(course)
    assert "W101" in _check(capsys, "course")[1]
    assert "No findings" in _check(capsys, "course", "--ignore", "W101")[1]


@pytest.mark.parametrize("garbage", ["{not json", '{"format": 1, "key": "other", "data": {}}', '{"format": 1}', "[]"])
def test_corrupt_or_foreign_entries_are_ignored(course: Path, capsys: Capture, garbage: str) -> None:
    _add_dash(course)
    first = _check(capsys, "course")
    for entry in (course / ".curriculum_cache" / "run").glob("*.json"):
        data = json.loads(entry.read_text())
        entry.write_text(garbage.replace('"other"', json.dumps(data["key"])) if "other" in garbage else garbage)
    assert _check(capsys, "course") == first


def test_special_files_under_the_root_are_not_read(course: Path, capsys: Capture) -> None:
    import os

    from curriculum_cli.cache import tree_digest

    os.mkfifo(course / "notes.md.fifo.md")  # reading it would block forever
    (course / "zero.md").symlink_to("/dev/zero")
    assert len(tree_digest(course)) == 64


def test_no_cache_option_and_environment(course: Path, capsys: Capture, monkeypatch: pytest.MonkeyPatch) -> None:
    _check(capsys, "course", "--no-cache")
    assert not (course / ".curriculum_cache").exists()
    monkeypatch.setenv("CURRICULUM_NO_CACHE", "1")
    _check(capsys, "course")
    assert not (course / ".curriculum_cache").exists()


def test_execution_results_are_cached_per_chain(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from curriculum_cli.cache import Cache
    from curriculum_cli.config import Config
    from curriculum_cli.execute.analysis import ExecutorService
    from curriculum_cli.execute.blocks import BlockResult, CodeBlock

    runs: list[int] = []

    class Fake:
        def iter_chain(self, blocks: list[CodeBlock]) -> list[BlockResult]:
            runs.append(len(blocks))
            return [BlockResult(index=b.index, status="ok", called={"torch.add"}) for b in blocks]

        def close(self) -> None:
            pass

    def service() -> ExecutorService:
        found = ExecutorService(Config(), Cache(tmp_path), jobs=2)
        monkeypatch.setattr(found, "_executor", lambda slot: Fake())
        return found

    chain = [CodeBlock(path="a.md", index=0, line=3, source="x = 1"), CodeBlock(path="a.md", index=1, line=7, source="y = x")]
    first = service().run_chain(chain)
    again = service().run_chain(chain)
    assert runs == [2] and again == first and again[0].called == {"torch.add"}
    other = [CodeBlock(path="a.md", index=0, line=3, source="x = 2")]
    service().prefetch([other, chain])
    assert runs == [2, 1]


SLEEPY = "# {name}\n\nText.\n\n```python\nprint({a} + 1)  # {claim}\n```\n"


def test_jobs_do_not_change_the_output(tmp_path: Path, capsys: Capture, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    for name, a, claim in (("one", 1, 2), ("two", 2, 4), ("three", 3, 5)):
        (tmp_path / f"{name}.md").write_text(SLEEPY.format(name=name.title(), a=a, claim=claim))
    outputs = []
    for jobs in ("1", "2", "3"):
        code = run(["check", "--jobs", jobs, "one.md", "two.md", "three.md"])
        outputs.append((code, capsys.readouterr().out))
    assert outputs[0][0] == 1 and outputs[0][1].count("C304") == 2
    assert outputs[1] == outputs[0] and outputs[2] == outputs[0]


# ------------------------------------------------------------------ --changed-since


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", *args], cwd=root, check=True, capture_output=True)


def test_changed_since_checks_only_affected_lessons(course: Path, capsys: Capture) -> None:
    _git(course, "init", "-q")
    _git(course, "add", ".")
    _git(course, "commit", "-q", "-m", "start")
    report = api.check([course], changed_since="HEAD", overrides={"exec": {"enabled": False}})
    assert report.stats.get("lessons", 0) == 0 and report.findings == []
    _add_dash(course)
    report = api.check([course], changed_since="HEAD", overrides={"exec": {"enabled": False}})
    assert report.stats["lessons"] == 1 and [f.code for f in report.findings] == ["W101"]
    record = course / "series-1" / "module-1-2" / "record.md"
    record.write_text(record.read_text() + "\n")
    report = api.check([course], changed_since="HEAD", overrides={"exec": {"enabled": False}})
    assert report.stats["lessons"] == 4  # tensor-basics, and every lesson of module 1.2 (which reads that record)
    (course / "curriculum.yaml").write_text("stop_terms: []\n")
    report = api.check([course], changed_since="HEAD", overrides={"exec": {"enabled": False}})
    assert report.stats["lessons"] == 6


def test_changed_since_with_files_outside_a_curriculum(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("one", "two"):
        (tmp_path / f"{name}.md").write_text(SLEEPY.format(name=name.title(), a=1, claim=2))
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "add", ".")
    _git(tmp_path, "commit", "-q", "-m", "start")
    (tmp_path / "two.md").write_text(SLEEPY.format(name="Two", a=1, claim=2) + "\nMore \u2014 prose.\n")
    report = api.check(["one.md", "two.md"], changed_since="HEAD", overrides={"exec": {"enabled": False}})
    assert list(report.checked) == ["two.md"] and [f.code for f in report.findings] == ["W101"]


def test_changed_since_outside_git_or_with_a_bad_ref_is_exit_2(course: Path, capsys: Capture) -> None:
    code = run(["check", "--no-exec", "--changed-since", "HEAD", "course"])
    err = capsys.readouterr().err
    assert code == 2 and "--changed-since HEAD" in err and "Traceback" not in err
    _git(course, "init", "-q")
    _git(course, "add", ".")
    _git(course, "commit", "-q", "-m", "start")
    code = run(["check", "--no-exec", "--changed-since", "no-such-ref", "course"])
    err = capsys.readouterr().err
    assert code == 2 and "no-such-ref" in err


# ------------------------------------------------------------------ progress


def test_progress_line_is_drawn_after_the_delay_and_erased() -> None:
    stream = io.StringIO()
    progress = Progress(stream, delay=0.0)
    progress.total("lessons", 4)
    progress.advance("lessons", 2)
    progress.close()
    text = stream.getvalue()
    assert "lessons [" in text and "] 0/4" in text and text.endswith("\r\x1b[K")


def test_short_runs_draw_nothing() -> None:
    stream = io.StringIO()
    progress = Progress(stream, delay=60.0)
    progress.total("lessons", 4)
    progress.advance("lessons", 4)
    progress.close()
    assert stream.getvalue() == ""


def test_no_progress_when_not_a_terminal_or_quiet(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    assert Progress.for_terminal(quiet=True) is None
    assert Progress.for_terminal() is not None
    monkeypatch.setattr(sys.stderr, "isatty", lambda: False, raising=False)
    assert Progress.for_terminal() is None
