"""--append: byte-exact prefix, atomic replace, file mode kept, concurrent edits refused."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from curriculum_cli.config import Config
from curriculum_cli.review import ConcurrentEditError, append_review, review_lesson

from .conftest import critical_code_findings, report_of


def test_old_content_is_an_exact_byte_prefix(lesson_dir: Path) -> None:
    plan = lesson_dir / "lessons" / "gradients.md"
    plan.write_bytes("\ufeff".encode() + plan.read_bytes() + b"trailing text without newline")
    old = plan.read_bytes()
    result = review_lesson(plan, Config(), date="2026-03-01", report=report_of(critical_code_findings(lesson_dir)))
    append_review(plan, result.text, result.expected)
    new = plan.read_bytes()
    assert new.startswith(old)
    assert new[len(old):].decode().endswith(result.text)
    assert "\n---\n\n## Review — 2026-03-01 (Iteration 1/3)\n" in new[len(old):].decode()


def test_crlf_document_keeps_its_line_endings(lesson_dir: Path) -> None:
    plan = lesson_dir / "lessons" / "gradients.md"
    plan.write_bytes(plan.read_bytes().replace(b"\n", b"\r\n"))
    old = plan.read_bytes()
    result = review_lesson(plan, Config(), date="2026-03-01", report=report_of([]))
    append_review(plan, result.text, result.expected)
    new = plan.read_bytes()
    assert new.startswith(old)
    assert b"\n" not in new[len(old):].replace(b"\r\n", b"")


def test_file_mode_is_preserved_and_no_temp_file_left(lesson_dir: Path) -> None:
    plan = lesson_dir / "lessons" / "gradients.md"
    os.chmod(plan, 0o640)
    result = review_lesson(plan, Config(), date="2026-03-01", report=report_of([]))
    append_review(plan, result.text, result.expected)
    assert stat.S_IMODE(plan.stat().st_mode) == 0o640
    assert sorted(p.name for p in plan.parent.iterdir()) == ["gradients.md"]


def test_concurrent_edit_is_refused(lesson_dir: Path) -> None:
    plan = lesson_dir / "lessons" / "gradients.md"
    result = review_lesson(plan, Config(), date="2026-03-01", report=report_of([]))
    plan.write_text(plan.read_text(encoding="utf-8") + "\nAn edit made meanwhile.\n", encoding="utf-8")
    edited = plan.read_bytes()
    with pytest.raises(ConcurrentEditError):
        append_review(plan, result.text, result.expected)
    assert plan.read_bytes() == edited
    assert sorted(p.name for p in plan.parent.iterdir()) == ["gradients.md"]


def test_expected_may_be_the_text_or_the_mtime(lesson_dir: Path) -> None:
    plan = lesson_dir / "lessons" / "gradients.md"
    result = review_lesson(plan, Config(), date="2026-03-01", report=report_of([]))
    append_review(plan, result.text, plan.stat().st_mtime_ns)
    second = review_lesson(plan, Config(), date="2026-03-02", report=report_of([]))
    with pytest.raises(ConcurrentEditError):
        append_review(plan, second.text, "not the document")
    append_review(plan, second.text, plan.read_text(encoding="utf-8"))
    assert "(Iteration 2/3)" in plan.read_text(encoding="utf-8")
