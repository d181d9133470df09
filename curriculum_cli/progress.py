"""A progress line on stderr for long runs: lessons checked and blocks executed.

Drawn only when stderr is a terminal, not with ``--quiet``, and only once a
run has lasted ``delay`` seconds (short runs print nothing extra).  The line is
erased when the run ends, so the report is the same with or without it.
"""

from __future__ import annotations

import shutil
import sys
import threading
import time
from typing import TextIO

_WIDTH = 12


class Progress:
    """Counters by kind (``lessons``, ``blocks``), redrawn at most ten times a second."""

    def __init__(self, stream: TextIO | None = None, *, delay: float = 1.0) -> None:
        self.stream = stream or sys.stderr
        self.delay = delay
        self.started = time.monotonic()
        self._totals: dict[str, int] = {}
        self._done: dict[str, int] = {}
        self._drawn = 0.0
        self._shown = False
        self._lock = threading.Lock()

    @classmethod
    def for_terminal(cls, quiet: bool = False) -> Progress | None:
        """A progress line on stderr when it is a terminal and the run is not quiet, else ``None``."""
        return None if quiet or not sys.stderr.isatty() else cls()

    def total(self, kind: str, amount: int) -> None:
        with self._lock:
            self._totals[kind] = self._totals.get(kind, 0) + amount
        self._draw()

    def advance(self, kind: str, amount: int = 1) -> None:
        with self._lock:
            self._done[kind] = self._done.get(kind, 0) + amount
        self._draw()

    def line(self) -> str:
        parts = []
        for kind, total in self._totals.items():
            done = min(self._done.get(kind, 0), total)
            if total:
                filled = _WIDTH * done // total
                parts.append(f"{kind} [{'#' * filled}{'.' * (_WIDTH - filled)}] {done}/{total}")
        return "curriculum: " + "  ".join(parts)

    def _draw(self) -> None:
        now = time.monotonic()
        if now - self.started < self.delay or now - self._drawn < 0.1:
            return
        with self._lock:
            self._drawn = now
            self._shown = True
            columns = shutil.get_terminal_size((80, 24)).columns
            self.stream.write("\r\x1b[K" + self.line()[: max(columns - 1, 10)])
            self.stream.flush()

    def close(self) -> None:
        """Erase the line, if one was drawn."""
        with self._lock:
            if self._shown:
                self.stream.write("\r\x1b[K")
                self.stream.flush()
                self._shown = False
