"""The sandboxed executor: run lesson chains, get one BlockResult per block.

::

    opts = ExecOptions(timeout=30.0, memory_mb=4096, preload=("torch", "numpy"))
    with Executor(opts) as ex:            # one worker imports torch, numpy once
        results = ex.run_chain(blocks)     # one lesson: blocks share a namespace

Lesson code is untrusted and never runs in this process (which never imports
torch either).  ``Executor`` starts one worker process that imports the
preload modules; each ``run_chain`` forks a fresh chain process from it, so
every chain starts with a clean ``__main__`` but pays no import.  What the
sandbox enforces is listed in :mod:`curriculum_cli.execute._sandbox`; after a
chain, :attr:`Executor.sandbox` says which of those measures took effect.

Statuses (see :class:`~curriculum_cli.execute.blocks.BlockResult`):

``ok``
    ran to the end; for a ``raises`` block, raised the expected exception
    (``exception``/``message`` then describe it).
``error``
    raised.  Besides real exception names, the runner reports
    ``DidNotRaise`` (a ``raises`` block finished normally), ``ProcessCrash``
    (the process died from a signal, e.g. a segfault), ``ProcessExit``
    (``os._exit`` or a native crash), ``ProtocolError`` (the lesson wrote into
    the executor's pipe).  ``cascade=True`` marks a NameError on a name an
    earlier failed or skipped block would have bound (``cascade_from``).
``timeout``
    ran past ``timeout`` seconds: the chain process is killed and the rest of
    the chain is ``not-run``.
``memory``
    ``MemoryError``, an allocator failure, or killed by SIGKILL (OOM killer).
``environment``
    not the lesson's fault: a package that is not installed, no network, no
    CUDA, a download that cannot happen offline; ``reason`` says which.
``skipped``
    ``skip`` blocks and ``exercise`` cells without a ``replacement``.
``not-run``
    after a timeout or a dead chain process; ``reason`` says why.

After a block that is not ``ok``, the names it would have bound are its
``poisoned`` set; a later NameError on one of them is a cascade, so the rules
layer reports one finding per root cause.

Not thread-safe: one chain at a time per Executor.
"""

from __future__ import annotations

import math
import os
import select
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from curriculum_cli.execute import _protocol
from curriculum_cli.execute.blocks import (
    EXECUTOR_FAILURE,
    BlockResult,
    CodeBlock,
    Frame,
    Output,
    RunStatus,
)

_STATUSES: frozenset[str] = frozenset(
    ("ok", "error", "timeout", "memory", "skipped", "not-run", "environment")
)
_ROOT = str(Path(__file__).resolve().parents[2])
_BOOT = (
    "import sys; sys.path.insert(0, sys.argv[1]); "
    "from curriculum_cli.execute._worker import main; sys.path.remove(sys.argv[1]); "
    "main(sys.argv[2:])"
)
#: Beyond the per-block timeout, how long to wait for the (trusted) worker.
_WORKER_SLACK = 60.0
#: How long a worker told to stop may take to clean up before it is killed.
_CLEANUP_GRACE = 5.0
#: How long to wait for the preload (``import torch`` on a cold disk).
_READY_TIMEOUT = 300.0


@dataclass(frozen=True, slots=True)
class ExecOptions:
    """How lesson code runs.  Immutable; one Executor uses one set."""

    #: Wall-time limit per block, in seconds.
    timeout: float = 30.0
    #: Memory the lesson may allocate on top of the preloaded modules (MiB);
    #: 0 or None for no limit.
    memory_mb: int | None = 4096
    #: Modules the worker imports once; those not installed are skipped.
    preload: tuple[str, ...] = ("torch", "numpy")
    #: Characters of output kept per block (text and attributed lines each).
    output_limit: int = 20000
    #: Record the torch functions / Tensor methods each block calls.
    trace_apis: bool = True
    #: Interpreter for the worker (needs Python >= 3.11); default: this one.
    python: str | None = None
    #: Total size of the files a chain may write (MiB).
    disk_mb: int = 512

    def __post_init__(self) -> None:
        if not (isinstance(self.timeout, (int, float)) and math.isfinite(self.timeout) and self.timeout > 0):
            raise ValueError(f"timeout must be a positive, finite number of seconds, not {self.timeout!r}")
        if self.disk_mb < 1:
            raise ValueError(f"disk_mb must be at least 1, not {self.disk_mb!r}")


class ExecutorError(RuntimeError):
    """The worker could not be started (a tool error, not a lesson finding)."""


@dataclass(slots=True)
class _Worker:
    process: subprocess.Popen[bytes]
    command_fd: int
    result_fd: int
    reader: _protocol.Reader = field(default_factory=_protocol.Reader)
    ready: dict[str, Any] | None = None


class Executor:
    """Runs lesson chains in sandboxed processes forked from one preloaded worker."""

    def __init__(self, options: ExecOptions | None = None) -> None:
        self.options = options or ExecOptions()
        self._worker: _Worker | None = None
        #: Which sandbox measures took effect in the last chain (see _sandbox).
        self.sandbox: dict[str, Any] = {}

    def __enter__(self) -> Executor:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @property
    def preloaded(self) -> tuple[str, ...]:
        """Preload modules the worker actually imported (waits for it)."""
        return tuple(self._ready()["preloaded"])

    @property
    def worker_pid(self) -> int | None:
        return self._worker.process.pid if self._worker else None

    def start(self) -> None:
        """Start the worker; returns at once (the preload finishes in the background)."""
        if self._worker is not None:
            return
        command_read, command_write = os.pipe()
        result_read, result_write = os.pipe()
        try:
            process = subprocess.Popen(
                [self.options.python or sys.executable, "-c", _BOOT, _ROOT, str(command_read), str(result_write)],
                pass_fds=(command_read, result_write),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL if not os.environ.get("CURRICULUM_EXEC_DEBUG") else None,
                start_new_session=True,
            )
        except OSError as error:
            for fd in (command_read, command_write, result_read, result_write):
                os.close(fd)
            raise ExecutorError(f"cannot start the executor worker: {error}") from error
        os.close(command_read)
        os.close(result_write)
        self._worker = _Worker(process, command_write, result_read)
        start = {"op": "start", "preload": list(self.options.preload), "trace_apis": self.options.trace_apis}
        _protocol.send(command_write, start)

    def close(self) -> None:
        """Stop the worker (and with it anything still running)."""
        worker, self._worker = self._worker, None
        if worker is None:
            return
        try:
            os.close(worker.command_fd)  # end of file: the worker exits
        except OSError:
            pass
        try:
            worker.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            worker.process.kill()
            worker.process.wait()
        os.close(worker.result_fd)

    def run_chain(self, blocks: Sequence[CodeBlock]) -> list[BlockResult]:
        """Run one lesson's blocks in order in one namespace; one result per block."""
        return list(self.iter_chain(blocks))

    def iter_chain(self, blocks: Sequence[CodeBlock]) -> Iterator[BlockResult]:
        """Like :meth:`run_chain`, yielding each result as soon as its block ends."""
        blocks = list(blocks)
        if not blocks:
            return
        worker = self._require_worker()
        request = {
            "op": "chain",
            "blocks": [block_message(block) for block in blocks],
            "timeout": self.options.timeout,
            "memory_mb": self.options.memory_mb,
            "disk_mb": self.options.disk_mb,
            "output_limit": self.options.output_limit,
            "trace_apis": self.options.trace_apis,
        }
        got: dict[int, BlockResult] = {}
        next_position = 0
        ended = False
        try:
            _protocol.send(worker.command_fd, request)
            while True:
                message = self._receive(worker, self.options.timeout + _WORKER_SLACK)
                if message is None:
                    self._abandon_worker()
                    break
                if message.get("t") == "end":
                    ended = True
                    self._finish(message, blocks, got)
                    break
                position = message.get("i")
                if message.get("t") == "result" and isinstance(position, int) and 0 <= position < len(blocks):
                    got[position] = _result_from_message(message, blocks[position])
                while next_position in got:
                    yield got[next_position]
                    next_position += 1
        except OSError:
            self._abandon_worker()
        except GeneratorExit:
            # The caller stopped early: finish reading this chain so the next starts clean.
            if not ended and self._worker is worker:
                self._drain(worker)
            raise
        except BaseException:  # KeyboardInterrupt...: do not wait for the lesson
            self._abandon_worker()
            raise
        first = _first_missing(blocks, got)
        if first is not None:
            got[first] = _unverified(blocks[first], "the executor worker died before the lesson finished")
        _fill_missing(blocks, got, None, "the executor worker died")
        while next_position < len(blocks):
            yield got[next_position]
            next_position += 1

    def _finish(self, message: dict[str, Any], blocks: list[CodeBlock], got: dict[int, BlockResult]) -> None:
        self.sandbox = dict(message.get("sandbox") or {})
        failure = message.get("failure")
        at = message.get("at")
        if isinstance(failure, dict):
            first = at if isinstance(at, int) and at not in got else _first_missing(blocks, got)
            if first is not None:
                got[first] = _failure_result(failure, blocks[first])
                why = {"timeout": "an earlier block timed out"}.get(str(failure.get("status")),
                                                                    "the lesson process ended early")
                _fill_missing(blocks, got, first, why)

    def _require_worker(self) -> _Worker:
        if self._worker is None:
            self.start()
        self._ready()
        assert self._worker is not None
        return self._worker

    def _ready(self) -> dict[str, Any]:
        if self._worker is None:
            self.start()
        worker = self._worker
        assert worker is not None
        if worker.ready is None:
            message = self._receive(worker, _READY_TIMEOUT)
            if message is None or message.get("t") != "ready":
                self._abandon_worker()
                raise ExecutorError("the executor worker did not start")
            worker.ready = message
        return worker.ready

    def _receive(self, worker: _Worker, limit: float) -> dict[str, Any] | None:
        end = time.monotonic() + limit
        while (message := worker.reader.pop()) is None:
            remaining = end - time.monotonic()
            if remaining <= 0:
                return None
            ready, _, _ = select.select([worker.result_fd], [], [], remaining)
            if ready:
                data = os.read(worker.result_fd, 1 << 16)
                if not data:
                    return None
                worker.reader.feed(data)
        return message

    def _drain(self, worker: _Worker) -> None:
        """The caller stopped iterating: read to the chain's end so the next one starts clean."""
        try:
            while (message := self._receive(worker, self.options.timeout + _WORKER_SLACK)) is not None:
                if message.get("t") == "end":
                    return
        except (OSError, _protocol.ProtocolError):
            pass
        self._abandon_worker()

    def _abandon_worker(self) -> None:
        worker, self._worker = self._worker, None
        if worker is None:
            return
        worker.process.send_signal(signal.SIGTERM)  # it kills the chain and removes its temp dir
        try:
            worker.process.wait(timeout=_CLEANUP_GRACE)
        except subprocess.TimeoutExpired:
            worker.process.kill()
            worker.process.wait()
        for fd in (worker.command_fd, worker.result_fd):
            try:
                os.close(fd)
            except OSError:
                pass


def block_message(block: CodeBlock) -> dict[str, Any]:
    replaced = block.replacement is not None
    return {
        "path": block.path,
        "index": block.index,
        "line": block.line,
        "line_map": list(block.line_map),
        "source": block.replacement if replaced else block.source,
        "replaced": replaced,
        "kind": block.kind,
        "mode": block.mode,
        "expected_exception": block.expected_exception,
        "cell": block.cell,
        "filename": block.filename,
    }


def _first_missing(blocks: list[CodeBlock], got: dict[int, BlockResult]) -> int | None:
    return next((position for position in range(len(blocks)) if position not in got), None)


def _fill_missing(blocks: list[CodeBlock], got: dict[int, BlockResult], after: int | None, why: str) -> None:
    for position, block in enumerate(blocks):
        if position not in got and (after is None or position > after):
            got[position] = BlockResult(index=block.index, status="not-run", reason=why)


def _unverified(block: CodeBlock, reason: str) -> BlockResult:
    """The executor (not the lesson) failed here: ``exception`` ``ExecutorError``, rule C307."""
    return BlockResult(index=block.index, status="not-run", exception=EXECUTOR_FAILURE, reason=reason)


def _failure_result(failure: dict[str, Any], block: CodeBlock) -> BlockResult:
    status = failure.get("status")
    if status == "not-run":
        return _unverified(block, _text(failure.get("reason")) or "the executor failed")
    return BlockResult(
        index=block.index,
        status=status if status in _STATUSES else "error",
        exception=_text(failure.get("exception")),
        message=_text(failure.get("message")),
        reason=_text(failure.get("reason")),
    )


def _result_from_message(message: dict[str, Any], block: CodeBlock) -> BlockResult:
    """Validate what the (untrusted) chain process sent: types, not just shape."""
    status = message.get("status")
    cascade_from = message.get("cascade_from")
    return BlockResult(
        index=block.index,
        status=status if status in _STATUSES else "error",
        exception=_text(message.get("exception")),
        message=_text(message.get("message")),
        error_line=_int(message.get("error_line")),
        traceback=[
            Frame(path=str(item[0]), line=int(item[1]), function=str(item[2]))
            for item in _list(message.get("traceback"))
            if isinstance(item, list) and len(item) == 3 and isinstance(item[1], int)
        ],
        outputs=[
            Output(source_line=item[0], text=str(item[1]))
            for item in _list(message.get("outputs"))
            if isinstance(item, list) and len(item) == 2 and isinstance(item[0], int)
        ],
        stdout=_text(message.get("stdout")) or "",
        called={str(name) for name in _list(message.get("called"))},
        seconds=float(message["seconds"]) if isinstance(message.get("seconds"), (int, float)) else 0.0,
        reason=_text(message.get("reason")),
        poisoned={str(name) for name in _list(message.get("poisoned"))},
        cascade=message.get("cascade") is True,
        cascade_from=cascade_from if isinstance(cascade_from, int) else None,
    )


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


__all__ = ["EXECUTOR_FAILURE", "ExecOptions", "Executor", "ExecutorError", "RunStatus"]
