"""Reading and writing files safely (load/files.py)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from curriculum_cli.errors import InputError, StaleFileError
from curriculum_cli.load import files
from curriculum_cli.load.files import atomic_write, read_file, read_text, write_like


def test_atomic_write_replaces_content_and_keeps_mode(tmp_path: Path) -> None:
    target = tmp_path / "doc.md"
    target.write_text("old\n")
    os.chmod(target, 0o640)
    atomic_write(target, "new\n")
    assert target.read_text() == "new\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["doc.md"]  # no temp file left


def test_atomic_write_refuses_a_file_changed_since_it_was_read(tmp_path: Path) -> None:
    target = tmp_path / "doc.md"
    target.write_text("as read\n")
    read = target.read_bytes()
    target.write_text("edited meanwhile\n")
    with pytest.raises(StaleFileError):
        atomic_write(target, "ours\n", expected=read)
    assert target.read_text() == "edited meanwhile\n"
    assert [p.name for p in tmp_path.iterdir()] == ["doc.md"]


def test_atomic_write_reports_os_errors_as_input_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot write"):
        atomic_write(tmp_path / "missing-folder" / "doc.md", "text")


def test_read_text_normalizes_bom_and_line_endings(tmp_path: Path) -> None:
    target = tmp_path / "doc.md"
    target.write_bytes(b"\xef\xbb\xbf# Title\r\nline\rlast\n")
    assert read_text(target) == "# Title\nline\nlast\n"


def test_read_text_refuses_nul_bytes_anywhere(tmp_path: Path) -> None:
    target = tmp_path / "doc.md"
    target.write_bytes(b"# Title\n" + b"x" * 20000 + b"\x00")
    with pytest.raises(InputError, match="binary"):
        read_text(target)


# --------------------------------------------------------------------------- reading only regular files


def test_read_text_refuses_a_fifo_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "doc.md"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match="FIFO"):
        read_text(fifo)


def test_read_text_refuses_a_symlink_to_a_device(tmp_path: Path) -> None:
    link = tmp_path / "doc.md"
    link.symlink_to("/dev/zero")
    with pytest.raises(InputError, match="character device"):
        read_text(link)


def test_read_text_refuses_a_socket(tmp_path: Path) -> None:
    import socket

    path = tmp_path / "s.md"
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(path))
        with pytest.raises(InputError, match="socket"):
            read_text(path)


def test_size_is_checked_before_reading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    big = tmp_path / "big.md"
    with open(big, "wb") as handle:
        handle.truncate(files.MAX_BYTES + 1)  # sparse: nothing is allocated
    monkeypatch.setattr(files.os, "fdopen", _no_read)
    with pytest.raises(InputError, match="larger than"):
        read_text(big)


def _no_read(*_: object, **__: object) -> None:
    raise AssertionError("the file was opened for reading before its size was checked")


def test_read_stops_at_the_limit_when_a_file_grows(tmp_path: Path) -> None:
    doc = tmp_path / "doc.md"
    doc.write_bytes(b"x" * 100)
    with pytest.raises(InputError, match="larger than"):
        files.read_bytes(doc, limit=10)
    assert files.read_bytes(doc, limit=100) == b"x" * 100


# --------------------------------------------------------------------------- rewriting keeps what the file was


def test_rewrite_keeps_crlf_and_bom(tmp_path: Path) -> None:
    doc = tmp_path / "doc.md"
    doc.write_bytes(b"\xef\xbb\xbf# Title\r\nold\r\n")
    original = read_file(doc)
    assert original.text == "# Title\nold\n"
    write_like(doc, original.text.replace("old", "new"), original)
    assert doc.read_bytes() == b"\xef\xbb\xbf# Title\r\nnew\r\n"


def test_write_like_refuses_a_concurrent_edit(tmp_path: Path) -> None:
    doc = tmp_path / "doc.md"
    doc.write_text("one\n")
    original = read_file(doc)
    doc.write_text("someone else\n")
    with pytest.raises(StaleFileError):
        write_like(doc, "ours\n", original)
    assert doc.read_text() == "someone else\n"


def test_rewrite_goes_through_a_symlink(tmp_path: Path) -> None:
    real = tmp_path / "real.md"
    real.write_text("old\n")
    link = tmp_path / "link.md"
    link.symlink_to(real.name)
    atomic_write(link, "new\n")
    assert link.is_symlink() and real.read_text() == "new\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.md", "real.md"]


def test_rewrite_keeps_hard_links(tmp_path: Path) -> None:
    first = tmp_path / "a.md"
    first.write_text("old\n")
    second = tmp_path / "b.md"
    os.link(first, second)
    atomic_write(first, "new\n")
    assert second.read_text() == "new\n" and first.stat().st_ino == second.stat().st_ino
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.md", "b.md"]  # the backup is gone


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can give a file to another owner")
def test_rewrite_keeps_the_owner(tmp_path: Path) -> None:
    doc = tmp_path / "doc.md"
    doc.write_text("old\n")
    os.chown(doc, 1234, 5678)
    atomic_write(doc, "new\n")
    info = doc.stat()
    assert (info.st_uid, info.st_gid) == (1234, 5678)


def test_new_files_honour_the_umask(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        atomic_write(tmp_path / "report.json", "{}")
        os.umask(0o077)
        atomic_write(tmp_path / "private.json", "{}")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "report.json").stat().st_mode) == 0o644
    assert stat.S_IMODE((tmp_path / "private.json").stat().st_mode) == 0o600


def test_stale_temp_files_of_dead_processes_are_removed(tmp_path: Path) -> None:
    doc = tmp_path / "doc.md"
    doc.write_text("old\n")
    dead = _dead_pid()
    stale = tmp_path / f".doc.md.curriculum-{dead}-0badc0de.tmp"
    stale.write_text("half")
    live = tmp_path / f".doc.md.curriculum-{os.getppid()}-0badc0de.tmp"  # a running writer
    live.write_text("in progress")
    unrelated = tmp_path / ".doc.md.abc123.tmp"
    unrelated.write_text("not ours")
    atomic_write(doc, "new\n")
    assert not stale.exists() and live.exists() and unrelated.exists()


def _dead_pid() -> int:
    import subprocess

    child = subprocess.Popen(["true"])
    child.wait()
    return child.pid


def test_temp_files_are_named_recognisably(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[str] = []
    real_replace = os.replace

    def spy(source: str, target: str) -> None:
        seen.append(Path(source).name)
        real_replace(source, target)

    monkeypatch.setattr(files.os, "replace", spy)
    atomic_write(tmp_path / "doc.md", "x")
    assert len(seen) == 1 and files._temp_pattern("doc.md").fullmatch(seen[0])
    assert f"-{os.getpid()}-" in seen[0]
