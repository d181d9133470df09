"""The worker process: preload once, fork one sandboxed process per chain.

Process tree, per :class:`~curriculum_cli.execute.runner.Executor`::

    linter (never imports torch)
      └─ worker: imports the preload modules once, runs no lesson code, no torch ops
           └─ chain keeper: setsid; new mount, PID, net, IPC, UTS namespaces when permitted
                └─ chain process: PID 1 of its namespace; read-only file system,
                   tmpfs cwd, seccomp, rlimits; runs the chain's blocks one after another

The worker relays the chain process's sealed messages to the linter and times
each block: on timeout (or past ``disk_mb``) it kills the chain's process
group; afterwards it reaps every descendant (it is a child subreaper) and
deletes the temp directory.  Without namespaces the keeper *is* the chain
process.  SIGTERM (also sent by the kernel when the linter dies) makes the
worker stop the chain, delete its temp directory and leave; a new worker
removes the temp directories of dead ones (see :func:`_sweep`).

Started by :mod:`runner` as ``python -c BOOT <root> <command fd> <result fd>``.
"""

from __future__ import annotations

import fcntl
import gc
import importlib
import math
import os
import re
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
#: Longest the worker keeps killing what a chain left behind (seconds).
_REAP_LIMIT = 10.0
#: How often the worker measures the files a chain wrote (seconds).
_DISK_POLL = 0.25
_THREAD_VARIABLES = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "NUMEXPR_NUM_THREADS")


class _Stop(BaseException):
    """SIGTERM (also sent when the linter dies): clean up and leave."""


def _stop(_signal: int, _frame: object) -> None:
    raise _Stop


def main(argv: list[str]) -> None:
    command_fd, result_fd = int(argv[0]), int(argv[1])
    signal.signal(signal.SIGTERM, _stop)
    _sandbox.die_with_parent(signal.SIGTERM)  # the linter died: clean up the temp dir, then go
    _sandbox.become_subreaper()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # no core files from crashing lessons
    sys.path[:] = [entry for entry in sys.path if entry not in ("", ".")]
    lock = None
    try:
        lock = _claim_temp_dir()
        _loop(command_fd, result_fd)
    except _Stop:
        pass
    finally:
        if lock is not None:
            _release_temp_dir(lock)
    os._exit(0)  # skip interpreter teardown (torch's takes a while); nothing to flush


def _loop(command_fd: int, result_fd: int) -> None:
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


# -- temp dirs: curriculum-exec-<worker pid>-XXXX, owned while <pid>.lock is locked ----------

_PREFIX = "curriculum-exec-"
#: Folders of versions before the lock files: ``curriculum-exec-`` and mkdtemp's 8 characters.
_LEGACY = re.compile(r"curriculum-exec-[a-z0-9_]{8}")
_LEGACY_AGE = 24 * 3600.0


def _claim_temp_dir() -> tuple[int, str]:
    """Lock this worker's lock file, then remove what dead workers left behind."""
    root = tempfile.gettempdir()
    path = os.path.join(root, f"{_PREFIX}{os.getpid()}.lock")
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC | os.O_NOFOLLOW, 0o600)
    fcntl.flock(fd, fcntl.LOCK_EX)
    _sweep(root)
    return fd, path


def _release_temp_dir(lock: tuple[int, str]) -> None:
    _remove_owned(tempfile.gettempdir(), os.getpid(), *lock)


def _remove_owned(root: str, pid: int, fd: int, lock_path: str) -> None:
    """Remove the dirs of worker ``pid`` and its lock file; ``fd`` holds the lock until then."""
    for leftover in _owned_by(root, pid):
        shutil.rmtree(leftover, onerror=_force_remove)
    try:
        os.unlink(lock_path)
    except OSError:
        pass
    os.close(fd)


def _owned_by(root: str, pid: int) -> list[str]:
    try:
        names = os.listdir(root)
    except OSError:
        return []
    return [os.path.join(root, name) for name in names if name.startswith(f"{_PREFIX}{pid}-")]


def _sweep(root: str) -> None:
    """Remove the dirs of workers that are gone: their lock is free and their pid is dead."""
    try:
        names = os.listdir(root)
    except OSError:
        return
    for name in names:
        if _LEGACY.fullmatch(name):
            _remove_if_old(os.path.join(root, name))
            continue
        if not (name.startswith(_PREFIX) and name.endswith(".lock")):
            continue
        pid_text = name[len(_PREFIX):-len(".lock")]
        if not pid_text.isdigit() or int(pid_text) == os.getpid() or _alive(int(pid_text)):
            continue
        path = os.path.join(root, name)
        try:
            fd = os.open(path, os.O_RDWR | os.O_CLOEXEC | os.O_NOFOLLOW)
        except OSError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            continue  # its owner still holds it
        _remove_owned(root, int(pid_text), fd, path)


def _remove_if_old(path: str) -> None:
    """A folder named by an earlier version (no owner pid): removed a day after it was last touched."""
    try:
        info = os.lstat(path)
    except OSError:
        return
    if stat.S_ISDIR(info.st_mode) and info.st_uid == os.geteuid() and time.time() - info.st_mtime > _LEGACY_AGE:
        shutil.rmtree(path, onerror=_force_remove)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


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
    timeout = float(request["timeout"])
    if not math.isfinite(timeout) or timeout <= 0:
        raise ValueError(f"the block timeout must be a positive number of seconds, not {timeout!r}")
    workdir = tempfile.mkdtemp(prefix=f"{_PREFIX}{os.getpid()}-")
    key = os.urandom(32)
    read_end, write_end = os.pipe()
    keeper = os.fork()
    if keeper == 0:
        code = 70
        try:
            os.close(read_end)
            for fd in private:
                os.close(fd)
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            code = _keep_chain(request, write_end, workdir, key)
        finally:
            os._exit(code)
    os.close(write_end)
    reaped = False
    try:
        outcome = _supervise(keeper, read_end, request, result_fd, _protocol.Seal(key), workdir)
        reaped = True
        return outcome
    finally:
        # Once reaped, never signal the keeper's pid again: the number may belong to someone else.
        if not reaped:
            _kill(keeper)
        os.close(read_end)
        _reap_all()
        shutil.rmtree(workdir, onerror=_force_remove)


def _keep_chain(request: dict[str, Any], fd: int, workdir: str, key: bytes) -> int:
    """In the keeper: enter namespaces, fork the chain process, mirror how it ends."""
    os.setsid()
    _sandbox.die_with_parent()
    if not _sandbox.isolate_namespaces():
        return _chain_process(request, fd, workdir, False, key)
    chain = os.fork()
    if chain == 0:
        code = 70
        try:
            _sandbox.die_with_parent()
            code = _chain_process(request, fd, workdir, True, key)
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


def _chain_process(request: dict[str, Any], fd: int, workdir: str, in_namespace: bool, key: bytes) -> int:
    """Sandbox this process, run the chain, report. Returns the exit code."""
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    seal = _protocol.Seal(key)
    del key
    disk_mb = int(request.get("disk_mb") or 512)
    processes = {uid: _sandbox.count_processes(uid) for uid in {os.getuid(), _sandbox.NOBODY}}  # host /proc
    info: dict[str, Any] = _isolate(workdir, disk_mb, in_namespace)
    owner = info.get("uid") if info.get("uid") != os.geteuid() else None
    info["capabilities_dropped"] = _sandbox.drop_capabilities(owner)
    info["uid"] = os.geteuid()
    _sandbox.die_with_parent()  # credential changes clear it
    capture = _redirect_output(workdir)
    _sandbox.point_environment(workdir)
    _sandbox.deny_network_in_python()  # friendly errors; the kernel refuses anyway
    if not info["namespaces"]:
        info.update(_sandbox.confine_writes(workdir, deny_tcp=True))
    torch = sys.modules.get("torch")
    if torch is not None:
        torch.set_num_threads(1)
    info.update(_sandbox.limit_resources(request.get("memory_mb"), disk_mb, info["namespaces"], processes))
    info["seccomp"] = _sandbox.install_seccomp(strict=not info["namespaces"])
    missing = _sandbox.missing_guarantees(info)
    try:
        _protocol.send(fd, {"t": "sandbox", "info": info}, seal)
        if missing:
            _protocol.send(fd, {"t": "refused", "missing": missing}, seal)
            return 0
        _child.Chain(request, fd, capture, seal).run()
        _protocol.send(fd, {"t": "done"}, seal)
    except OSError:
        return 71  # the pipe is gone (the lesson closed it): nothing left to report to
    except BaseException:
        try:
            _protocol.send(fd, {"t": "internal", "error": traceback.format_exc()[-2000:]}, seal)
        except BaseException:
            pass
        return 70
    return 0


def _isolate(workdir: str, disk_mb: int, in_namespace: bool) -> dict[str, Any]:
    """The file system of namespace mode (see _sandbox); falls back to no-namespace measures."""
    info: dict[str, Any] = {"namespaces": False, "pid_namespace": in_namespace, "net_namespace": in_namespace,
                            "uid": os.geteuid()}
    if in_namespace:
        problem, owner = _sandbox.build_filesystem(workdir, disk_mb)
        info["read_only_fs"] = problem is None
        info["namespaces"] = problem is None
        if problem:
            info["problem"] = problem
        elif owner is not None:
            info["uid"] = owner
    if (not info["namespaces"] and os.geteuid() == 0 and _sandbox.readable_by_others(_sandbox.python_paths())
            and _sandbox.readable_by_others([os.path.dirname(workdir)])):
        try:
            os.chown(workdir, _sandbox.NOBODY, _sandbox.NOBODY)
            info["uid"] = _sandbox.NOBODY
        except OSError:
            pass
    return info


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


def _supervise(
    keeper: int, fd: int, request: dict[str, Any], result_fd: int, seal: _protocol.Seal, workdir: str
) -> dict[str, Any]:
    """Relay the chain's messages; kill it when a block runs past the timeout or the disk cap."""
    timeout = float(request["timeout"])
    disk = int(request.get("disk_mb") or 512) * 1024 * 1024
    reader = _protocol.Reader(seal)
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
        ready, _, _ = select.select([fd], [], [], min(remaining, _DISK_POLL))
        if _usage(workdir) > disk:
            _kill(keeper)
            _wait(keeper, 5.0)
            return {"at": current, "sandbox": sandbox, "failure": {
                "status": "error", "exception": "DiskLimit",
                "message": f"the lesson wrote more than exec.disk_mb ({disk >> 20} MiB) of files"}}
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
                elif kind in ("internal", "refused"):
                    _kill(keeper)
                    _wait(keeper, 5.0)
                    return {"at": current, "sandbox": sandbox, "failure": {"status": "not-run", "reason": _why(message)}}
                elif kind == "done":
                    status = _wait(keeper, timeout)
                    failure = None if status is not None and os.waitstatus_to_exitcode(status) == 0 else _death(status)
                    return {"at": None, "sandbox": sandbox, "failure": failure}
                deadline = time.monotonic() + timeout
        except _protocol.ProtocolError as error:
            _kill(keeper)
            _wait(keeper, 5.0)
            return {"at": current, "sandbox": sandbox, "failure": {
                "status": "not-run",
                "reason": f"the result pipe carried a message the executor did not write ({error}): "
                          "nothing this lesson process reported is trusted"}}
    status = _wait(keeper, max(deadline - time.monotonic(), 1.0))
    return {"at": current, "sandbox": sandbox, "failure": _death(status)}


def _why(message: dict[str, Any]) -> str:
    if message.get("t") == "refused":
        missing = ", ".join(str(name) for name in message.get("missing") or [])
        return f"the sandbox could not establish {missing} on this machine, so the code was not run"
    return "executor error: " + str(message.get("error"))


def _usage(root: str) -> int:
    """Bytes of disk the files under ``root`` take (a sparse file counts what it holds)."""
    total = 0
    stack = [root]
    while stack:
        try:
            entries = list(os.scandir(stack.pop()))
        except OSError:
            continue
        for entry in entries:
            try:
                if entry.is_dir(follow_symlinks=False):
                    stack.append(entry.path)
                else:
                    total += entry.stat(follow_symlinks=False).st_blocks * 512
            except OSError:
                continue
    return total


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
    """Kill and reap every process left under the worker (it is a subreaper).

    Orphans re-parent to the worker as their parents die, so sweep until none
    is left (a process that keeps forking runs into the process limit meanwhile).
    """
    end = time.monotonic() + _REAP_LIMIT
    while time.monotonic() < end:
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
