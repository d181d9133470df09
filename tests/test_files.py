"""Reading and writing files safely (load/files.py)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from curriculum_cli.errors import InputError, StaleFileError
from curriculum_cli.load.files import atomic_write, read_text


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
