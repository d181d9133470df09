"""The result cache in ``.curriculum_cache/`` at a curriculum root.

Two kinds of entry, each a JSON file named by a SHA-256 key:

``run/``
    a whole check of one curriculum root (findings, counts, notes, checked
    files), keyed by the tool, the resolved configuration, the paths asked
    for, the working directory and every input file under the root.  A run
    over an unchanged curriculum reads one file instead of parsing and
    executing anything.
``exec/``
    the results of running one chain (a built lesson's blocks, or a
    notebook's cells), keyed by the tool, the blocks as sent to the sandbox
    and the execution options (preload list, limits): editing a planning doc
    or another lesson does not re-run this lesson's code.

Both keys also hold the interpreter and the installed distributions
(installing torch changes what lesson code does).

A corrupt, foreign or unreadable entry is a miss, never an error; writes are
atomic, and a cache that cannot be written (read-only folder) is skipped.
``--no-cache`` or ``CURRICULUM_NO_CACHE=1`` turns it off.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import os
import stat
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from curriculum_cli.load.files import atomic_write

CACHE_DIR = ".curriculum_cache"
#: Bumped when the layout of an entry changes; older entries are then misses.
FORMAT = 1
#: Input files hashed by content; other files by size and modification time.
_TEXT_SUFFIXES = frozenset({".md", ".mdx", ".tsx", ".ipynb", ".yaml", ".yml", ".toml", ".json", ".py", ".txt", ".csv"})
_SKIP_DIRS = frozenset({"node_modules", "__pycache__"})
#: Entries kept per root and kind (the least recently used are removed).
_KEEP_RUNS = 16
_KEEP = {"run": _KEEP_RUNS, "exec": 4000}


def disabled_by_env() -> bool:
    return os.environ.get("CURRICULUM_NO_CACHE", "").strip().lower() not in ("", "0", "false", "no")


@lru_cache(maxsize=1)
def tool_fingerprint() -> str:
    """The version plus the size and mtime of every module of the tool (a source edit invalidates)."""
    from curriculum_cli.version import tool_version

    package = Path(__file__).resolve().parent
    digest = hashlib.sha256(f"{tool_version()}\n{FORMAT}\n".encode())
    for path in sorted(package.rglob("*.py")):
        info = path.stat()
        digest.update(f"{path.relative_to(package)}:{info.st_size}:{info.st_mtime_ns}\n".encode())
    return digest.hexdigest()


@lru_cache(maxsize=1)
def environment_fingerprint() -> str:
    """The interpreter and the installed distributions (lesson code may import any of them)."""
    import sys

    names: list[str] = [sys.executable, sys.version]
    for entry in sys.path:
        if entry.endswith(("site-packages", "dist-packages")) and os.path.isdir(entry):
            with contextlib.suppress(OSError):
                names.extend(sorted(n for n in os.listdir(entry) if n.endswith((".dist-info", ".egg-info", ".pth"))))
    return hashlib.sha256("\n".join(names).encode()).hexdigest()


def _digest(*parts: object) -> str:
    digest = hashlib.sha256(f"{tool_fingerprint()}\n{environment_fingerprint()}".encode())
    for part in parts:
        digest.update(b"\x00")
        digest.update(json.dumps(part, sort_keys=True, default=str).encode())
    return digest.hexdigest()


def input_files(root: Path) -> Iterable[Path]:
    """Every file under ``root`` a check may read (hidden folders and the cache excluded), sorted."""
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in _SKIP_DIRS)
        for name in sorted(files):
            yield Path(folder) / name


def tree_digest(root: Path) -> str:
    """A hash of every input file under ``root``: its name and content (size and mtime for other files)."""
    digest = hashlib.sha256()
    for path in input_files(root):
        try:
            info = path.stat()
            digest.update(str(path.relative_to(root)).encode() + b"\x00")
            if not stat.S_ISREG(info.st_mode):  # a FIFO or device is never read (it could block or never end)
                digest.update(f"special:{stat.S_IFMT(info.st_mode)}".encode())
            elif path.suffix.lower() in _TEXT_SUFFIXES and info.st_size <= 20 * 1024 * 1024:
                digest.update(hashlib.sha256(path.read_bytes()).digest())
            else:
                digest.update(f"{info.st_size}:{info.st_mtime_ns}".encode())
        except OSError:
            digest.update(b"unreadable")
    return digest.hexdigest()


def run_key(root: Path, selection: Sequence[Path], config: Any, extra: object = None) -> str:
    """Key of a whole check of ``root``: tool, configuration, selection, working directory, inputs."""
    return _digest(
        "run",
        config.model_dump(mode="json"),
        sorted(str(p) for p in selection),
        os.getcwd(),
        extra,
        tree_digest(root),
    )


def chain_key(messages: list[dict[str, Any]], options: dict[str, Any]) -> str:
    """Key of one chain's execution: the blocks as sent to the sandbox and the execution options."""
    return _digest("exec", messages, options)


class Cache:
    """The ``.curriculum_cache`` folder of one curriculum root."""

    def __init__(self, root: Path) -> None:
        self.folder = Path(root) / CACHE_DIR

    def load(self, kind: str, key: str) -> Any | None:
        """The entry's data, or ``None`` when missing, corrupt or written for another key."""
        try:
            entry = json.loads((self.folder / kind / f"{key}.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(entry, dict) or entry.get("format") != FORMAT or entry.get("key") != key:
            return None
        with contextlib.suppress(OSError):
            os.utime(self.folder / kind / f"{key}.json")  # recently used: kept by _prune
        return entry.get("data")

    def store(self, kind: str, key: str, data: Any) -> None:
        """Write an entry atomically; a cache that cannot be written is silently skipped."""
        try:
            folder = self.folder / kind
            folder.mkdir(parents=True, exist_ok=True)
            ignore = self.folder / ".gitignore"
            if not ignore.exists():
                atomic_write(ignore, "# written by curriculum: the cache is never committed\n*\n")
            atomic_write(folder / f"{key}.json", json.dumps({"format": FORMAT, "key": key, "data": data}))
            self._prune(folder, _KEEP.get(kind, _KEEP_RUNS))
        except Exception:  # noqa: BLE001 - a cache write must never fail a run
            return

    @staticmethod
    def _prune(folder: Path, keep: int) -> None:
        """Remove the least recently used entries beyond ``keep``."""
        entries = list(folder.glob("*.json"))
        if len(entries) <= keep:
            return
        entries.sort(key=lambda p: p.stat().st_mtime_ns, reverse=True)
        for old in entries[keep:]:
            with contextlib.suppress(OSError):
                old.unlink()


# --------------------------------------------------------------------------- (de)serialization


def results_to_data(results: Sequence[Any]) -> list[dict[str, Any]]:
    """``BlockResult`` values as JSON-ready dicts (sets as sorted lists)."""
    out = []
    for result in results:
        data = dataclasses.asdict(result)
        data["called"] = sorted(result.called)
        data["poisoned"] = sorted(result.poisoned)
        out.append(data)
    return out


def results_from_data(data: Any) -> list[Any] | None:
    """The inverse of :func:`results_to_data`; ``None`` for anything malformed."""
    from curriculum_cli.execute.blocks import BlockResult, Frame, Output

    if not isinstance(data, list):
        return None
    try:
        return [
            BlockResult(
                **{
                    **item,
                    "traceback": [Frame(**frame) for frame in item["traceback"]],
                    "outputs": [Output(**output) for output in item["outputs"]],
                    "called": set(item["called"]),
                    "poisoned": set(item["poisoned"]),
                }
            )
            for item in data
        ]
    except (TypeError, KeyError):
        return None


def report_to_data(report: Any) -> dict[str, Any]:
    return {
        "findings": [finding.model_dump(mode="json") for finding in report.findings],
        "stats": report.stats,
        "notes": report.notes,
        "checked": report.checked,
    }


def report_from_data(data: Any) -> Any | None:
    """A :class:`~curriculum_cli.api.Report` from a run entry; ``None`` for anything malformed."""
    from pydantic import ValidationError

    from curriculum_cli.api import Report
    from curriculum_cli.findings import Finding

    try:
        return Report(
            findings=[Finding.model_validate(item) for item in data["findings"]],
            stats={str(k): int(v) for k, v in data["stats"].items()},
            notes=[str(note) for note in data["notes"]],
            checked={str(k): str(v) for k, v in data["checked"].items()},
        )
    except (TypeError, KeyError, ValueError, AttributeError, ValidationError):
        return None
