"""The worker process: preload once, fork one sandboxed process per chain.

Process tree, per :class:`~curriculum_cli.execute.runner.Executor`::

    linter (never imports torch)
      └─ worker: imports the preload modules once, runs no lesson code, no torch ops
           └─ chain keeper: setsid, new PID + net namespaces when permitted
                └─ chain process: PID 1 of its namespace; rlimits, Landlock,
                   temp cwd; runs the chain's blocks one after another

The worker relays the chain process's messages to the linter and times each
block: on timeout it kills the chain's process group; afterwards it reaps
every descendant (it is a child subreaper) and deletes the temp directory.
Without a PID namespace the keeper *is* the chain process.

Started by :mod:`runner` as ``python -c BOOT <root> <command fd> <result fd>``.
"""

from __future__ import annotations

import gc
import importlib
import os
import resource
import select
import shutil
import signal
import stat
import sys
import tempfile
import time
import traceback
from typing import Any

from curriculum_cli.execute import _child, _protocol, _sandbox

#: Slack for starting the chain process before the first block's clock runs.
_STARTUP_SLACK = 10.0
_THREAD_VARIABLES = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "NUMEXPR_NUM_THREADS")


def main(argv: list[str]) -> None:
    command_fd, result_fd = int(argv[0]), int(argv[1])
    _sandbox.die_with_parent()
    _sandbox.become_subreaper()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # no core files from crashing lessons
    sys.path[:] = [entry for entry in sys.path if entry not in ("", ".")]
    reader = _protocol.Reader()
    start = _protocol.receive(command_fd, reader)
    if start is None:
        return
    loaded, missing = _preload(start.get("preload", []), bool(start.get("trace_apis")))
    _protocol.send(result_fd, {"t": "ready", "pid": os.getpid(), "preloaded": loaded, "missing": missing})
    while (request := _protocol.receive(command_fd, reader)) is not None:
        if request.get("op") != "chain":
            break
        try:
            outcome = _run_chain(request, result_fd, (command_fd, result_fd))
        except Exception:
            outcome = {"failure": {"status": "not-run", "reason": "executor error: " + traceback.format_exc()[-2000:]}}
        _protocol.send(result_fd, {"t": "end", **outcome})
    os._exit(0)  # skip interpreter teardown (torch's takes a while); nothing to flush


def _preload(names: list[str], trace: bool) -> tuple[list[str], list[str]]:
    for variable in _THREAD_VARIABLES:
        os.environ[variable] = "1"  # one thread: fork-safe and deterministic
    loaded, missing = [], []
    for name in names:
        try:
            importlib.import_module(name)
            loaded.append(name)
        except Exception:
            missing.append(name)
    torch = sys.modules.get("torch")
    if torch is not None and trace:
        try:
            torch.overrides.resolve_name(torch.add)  # builds its name table once, before fork
        except Exception:
            pass
    gc.collect()
    gc.freeze()  # keep the chain processes from dirtying every inherited page
    return loaded, missing


def _run_chain(request: dict[str, Any], result_fd: int, private: tuple[int, ...]) -> dict[str, Any]:
    workdir = tempfile.mkdtemp(prefix="curriculum-exec-")
    read_end, write_end = os.pipe()
    keeper = os.fork()
    if keeper == 0:
        code = 70
        try:
            os.close(read_end)
            for fd in private:
                os.close(fd)
            code = _keep_chain(request, write_end, workdir)
        finally:
            os._exit(code)
    os.close(write_end)
    try:
        return _supervise(keeper, read_end, request, result_fd)
    finally:
        # The keeper is reaped by now (or killed and left to _reap_all): never
        # signal its pid again, the number may already belong to someone else.
        os.close(read_end)
        _reap_all()
        shutil.rmtree(workdir, onerror=_force_remove)


def _keep_chain(request: dict[str, Any], fd: int, workdir: str) -> int:
    """In the keeper: enter namespaces, fork the chain process, mirror how it ends."""
    os.setsid()
    _sandbox.die_with_parent()
    namespaces = _sandbox.isolate_namespaces()
    if not namespaces["pid_namespace"]:
        return _chain_process(request, fd, workdir, namespaces)
    chain = os.fork()
    if chain == 0:
        code = 70
        try:
            _sandbox.die_with_parent()
            code = _chain_process(request, fd, workdir, namespaces)
        finally:
            os._exit(code)
    os.close(fd)
    while True:
        try:
            _, status = os.waitpid(chain, 0)
            break
        except ChildProcessError:
            return 70
        except InterruptedError:
            continue
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        if number not in (signal.SIGKILL, signal.SIGSTOP):
            signal.signal(number, signal.SIG_DFL)
        os.kill(os.getpid(), number)
    return os.waitstatus_to_exitcode(status) if os.WIFEXITED(status) else 70


def _chain_process(request: dict[str, Any], fd: int, workdir: str, namespaces: dict[str, bool]) -> int:
    """Sandbox this process, run the chain, report. Returns the exit code."""
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    capture = _redirect_output(workdir)
    _sandbox.point_environment(workdir)
    info: dict[str, Any] = dict(namespaces)
    if not namespaces["net_namespace"]:
        _sandbox.deny_network_in_python()
    info.update(_sandbox.confine_writes(workdir, deny_tcp=not namespaces["net_namespace"]))
    torch = sys.modules.get("torch")
    if torch is not None:
        torch.set_num_threads(1)
    info["capabilities_dropped"] = _sandbox.drop_capabilities()
    _sandbox.die_with_parent()  # credential changes may clear it
    info.update(_sandbox.limit_resources(request.get("memory_mb"), info["capabilities_dropped"]))
    try:
        _protocol.send(fd, {"t": "sandbox", "info": info})
        _child.Chain(request, fd, capture).run()
        _protocol.send(fd, {"t": "done"})
    except OSError:
        return 71  # the pipe is gone (the lesson closed it): nothing left to report to
    except BaseException:
        try:
            _protocol.send(fd, {"t": "internal", "error": traceback.format_exc()[-2000:]})
        except BaseException:
            pass
        return 70
    return 0


def _redirect_output(workdir: str) -> int | None:
    """fd 0 from /dev/null; fds 1 and 2 into an unlinked file the chain reads back."""
    try:
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.close(null)
        capture = tempfile.TemporaryFile(dir=workdir)
        fd = os.dup(capture.fileno())
        capture.close()
        os.dup2(fd, 1)
        os.dup2(fd, 2)
        return fd
    except OSError:
        return None


def _supervise(keeper: int, fd: int, request: dict[str, Any], result_fd: int) -> dict[str, Any]:
    """Relay the chain's messages; kill it when a block runs past the timeout."""
    timeout = float(request["timeout"])
    reader = _protocol.Reader()
    current: int | None = None
    sandbox: dict[str, Any] = {}
    deadline = time.monotonic() + timeout + _STARTUP_SLACK
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            _kill(keeper)
            _wait(keeper, 5.0)
            return {"at": current, "sandbox": sandbox,
                    "failure": {"status": "timeout", "message": f"still running after {timeout:g} s"}}
        ready, _, _ = select.select([fd], [], [], remaining)
        if not ready:
            continue
        data = os.read(fd, 1 << 16)
        if not data:
            break
        reader.feed(data)
        try:
            while (message := reader.pop()) is not None:
                kind = message.get("t")
                if kind == "begin":
                    current = message.get("i")
                elif kind == "result":
                    _protocol.send(result_fd, message)
                    current = None
                elif kind == "sandbox":
                    sandbox = message.get("info") or {}
                elif kind == "internal":
                    _kill(keeper)
                    return {"at": current, "sandbox": sandbox, "failure": {
                        "status": "not-run", "reason": "executor error: " + str(message.get("error"))}}
                elif kind == "done":
                    _wait(keeper, timeout)
                    return {"at": None, "sandbox": sandbox, "failure": None}
                deadline = time.monotonic() + timeout
        except _protocol.ProtocolError as error:
            _kill(keeper)
            return {"at": current, "sandbox": sandbox, "failure": {
                "status": "error", "exception": "ProtocolError",
                "message": f"the lesson process wrote garbage into the result pipe: {error}"}}
    status = _wait(keeper, max(deadline - time.monotonic(), 1.0))
    return {"at": current, "sandbox": sandbox, "failure": _death(status)}


def _death(status: int | None) -> dict[str, Any]:
    """Why a chain process ended before reporting every block."""
    if status is None:
        return {"status": "timeout", "message": "closed its result pipe and kept running"}
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        try:
            name = signal.Signals(number).name
        except ValueError:
            name = f"signal {number}"
        if number == signal.SIGKILL:
            return {"status": "memory", "exception": "ProcessKilled",
                    "message": "killed by SIGKILL (most likely out of memory)"}
        return {"status": "error", "exception": "ProcessCrash", "message": f"the process died from {name}"}
    code = os.waitstatus_to_exitcode(status)
    if code == 71:
        return {"status": "error", "exception": "ProcessExit",
                "message": "the lesson closed the executor's result pipe"}
    return {"status": "error", "exception": "ProcessExit",
            "message": f"the process exited with status {code} (os._exit or a crash in native code)"}


def _wait(pid: int, limit: float) -> int | None:
    """Exit status of ``pid`` within ``limit`` seconds; kill it if it takes longer."""
    end = time.monotonic() + limit
    delay = 0.0005
    while True:
        try:
            done, status = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            return None
        if done:
            return status
        if time.monotonic() > end:
            _kill(pid)
            try:
                os.waitpid(pid, 0)
            except ChildProcessError:
                pass
            return None  # it had to be killed: its own status says nothing
        time.sleep(delay)
        delay = min(delay * 2, 0.02)


def _kill(pid: int) -> None:
    for kill in (os.killpg, os.kill):
        try:
            kill(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass


def _reap_all() -> None:
    """Kill and reap every process left under the worker (it is a subreaper)."""
    for _ in range(200):
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return  # no children at all
        if pid:
            continue
        for orphan in _children(os.getpid()):
            _kill(orphan)
        time.sleep(0.002)


def _children(parent: int) -> list[int]:
    found = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as handle:
                fields = handle.read().rsplit(b")", 1)[1].split()
            if int(fields[1]) == parent:
                found.append(int(entry.name))
        except (OSError, IndexError, ValueError):
            continue
    return found


def _force_remove(function: Any, path: str, _info: Any) -> None:
    try:
        os.chmod(os.path.dirname(path), stat.S_IRWXU)
        os.chmod(path, stat.S_IRWXU)
        function(path)
    except OSError:
        pass
