"""What the chain process does to itself before any lesson code runs.

Every step is best effort and reports whether it took effect; the runner
records that in :attr:`Executor.sandbox`.  On Linux, in order:

``own session``
    ``setsid`` so the whole chain (and anything it spawns without leaving the
    session) dies with one ``killpg``; ``PR_SET_PDEATHSIG`` so it dies with
    the worker, and the worker with the linter.
``pid namespace``
    ``unshare(CLONE_NEWPID)`` (needs root or user namespaces): the lesson runs
    as PID 1 of its own namespace, so when it ends the kernel kills every
    process it started, even ones that called ``setsid``.  Without it the
    worker, a child subreaper, kills orphans by walking ``/proc``.
``net namespace``
    ``unshare(CLONE_NEWNET)``: no interfaces at all.  Without it, Python-level
    ``socket`` connects and name lookups raise
    ``OSError("network disabled by curriculum")`` (C extensions that open
    their own sockets are then *not* stopped).
``no capabilities``
    when running as root, every capability is dropped (the uid stays 0 so the
    interpreter's root-owned files stay readable): the lesson cannot
    ``setns`` out of its namespaces nor ignore ``RLIMIT_NPROC``.
``rlimits``
    ``RLIMIT_AS`` = the preloaded size + ``memory_mb``; ``RLIMIT_CORE`` 0;
    ``RLIMIT_FSIZE`` 256 MiB; ``RLIMIT_NPROC`` = the user's processes + 256
    (a fork bomb stalls, then times out).
``landlock``
    Linux >= 5.13: writes, creations and deletions are allowed only beneath
    the chain's temporary directory, ``/dev`` and ``/dev/shm``; with Landlock
    ABI >= 4 and no net namespace, TCP connect/bind is denied too.  Without
    Landlock, writes elsewhere are *not* prevented (only discouraged: cwd,
    HOME, TMPDIR and the usual cache variables point into the temp dir).

Not enforced: reading files the user can read, CPU use other than the
wall-time limit, GPU use, and anything root could undo from inside (the
lesson runs with the linter's uid).
"""

from __future__ import annotations

import ctypes
import os
import resource
import signal
import socket
import sys
import tempfile
from typing import Any

CLONE_NEWNET = 0x40000000
CLONE_NEWPID = 0x20000000
_PR_SET_PDEATHSIG = 1
_PR_SET_NO_NEW_PRIVS = 38
_PR_SET_CHILD_SUBREAPER = 36
_PR_CAPBSET_DROP = 24
_CAPABILITY_VERSION_3 = 0x20080522
_FILE_SIZE_LIMIT = 256 * 1024 * 1024
_SYSCALLS = {  # landlock_create_ruleset, landlock_add_rule, landlock_restrict_self
    "x86_64": (444, 445, 446),
    "aarch64": (444, 445, 446),
}

_libc: Any = None


def libc() -> Any:
    global _libc
    if _libc is None:
        _libc = ctypes.CDLL(None, use_errno=True)
    return _libc


def _prctl(option: int, value: int) -> bool:
    if not sys.platform.startswith("linux"):
        return False
    try:
        return libc().prctl(option, value, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def die_with_parent() -> bool:
    return _prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


def become_subreaper() -> bool:
    return _prctl(_PR_SET_CHILD_SUBREAPER, 1)


def unshare(flags: int) -> bool:
    if not sys.platform.startswith("linux"):
        return False
    try:
        return libc().unshare(flags) == 0
    except (OSError, AttributeError):
        return False


def isolate_namespaces() -> dict[str, bool]:
    """Enter new PID and network namespaces where permitted.

    ``CURRICULUM_EXEC_NO_NAMESPACES=1`` skips them (tests of the fallbacks).
    """
    if os.environ.get("CURRICULUM_EXEC_NO_NAMESPACES"):
        return {"pid_namespace": False, "net_namespace": False}
    if unshare(CLONE_NEWPID | CLONE_NEWNET):
        return {"pid_namespace": True, "net_namespace": True}
    return {"pid_namespace": unshare(CLONE_NEWPID), "net_namespace": unshare(CLONE_NEWNET)}


def drop_capabilities() -> bool:
    """As root: give up every capability (kept: uid 0, so root-owned files stay readable).

    Without capabilities the lesson cannot leave its namespaces (``setns``),
    remount, load modules, or ignore RLIMIT_NPROC; files stay protected by
    Landlock and ownership.  Must run after the namespaces are entered.
    """
    if os.geteuid() != 0 or not sys.platform.startswith("linux"):
        return False
    try:
        c = libc()
        for capability in range(64):
            c.prctl(_PR_CAPBSET_DROP, capability, 0, 0, 0)  # fails harmlessly past the last one
        header = (ctypes.c_uint32 * 2)(_CAPABILITY_VERSION_3, 0)
        data = (ctypes.c_uint32 * 6)()  # effective, permitted, inheritable x 2: all zero
        return c.capset(ctypes.byref(header), ctypes.byref(data)) == 0
    except (OSError, AttributeError):
        return False


def limit_resources(memory_mb: int | None, capabilities_dropped: bool = False) -> dict[str, bool]:
    applied = {"memory_limit": False, "nproc_limit": False}
    _set_limit(resource.RLIMIT_CORE, 0)
    _set_limit(resource.RLIMIT_FSIZE, _FILE_SIZE_LIMIT)
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails, not kills
    if memory_mb:
        applied["memory_limit"] = _set_limit(
            resource.RLIMIT_AS, _address_space() + memory_mb * 1024 * 1024
        )
    if os.geteuid() != 0 or capabilities_dropped:
        applied["nproc_limit"] = _set_limit(resource.RLIMIT_NPROC, _own_processes() + 256)
    return applied


def _set_limit(which: int, value: int) -> bool:
    try:
        _, hard = resource.getrlimit(which)
        if hard != resource.RLIM_INFINITY:
            value = min(value, hard)
        resource.setrlimit(which, (value, value))
        return True
    except (ValueError, OSError):
        return False


def _address_space() -> int:
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


def _own_processes() -> int:
    uid = os.getuid()
    count = 0
    try:
        for entry in os.scandir("/proc"):
            if entry.name.isdigit():
                try:
                    count += entry.stat().st_uid == uid
                except OSError:
                    pass
    except OSError:
        return 4096
    return count


def point_environment(workdir: str) -> None:
    """cwd, HOME, TMPDIR, caches into ``workdir``; offline switches for hubs."""
    tmp = os.path.join(workdir, "tmp")
    home = os.path.join(workdir, "home")
    for path in (tmp, home):
        os.makedirs(path, exist_ok=True)
    os.chdir(workdir)
    os.environ.update(
        HOME=home,
        TMPDIR=tmp,
        TEMP=tmp,
        TMP=tmp,
        XDG_CACHE_HOME=os.path.join(home, ".cache"),
        XDG_CONFIG_HOME=os.path.join(home, ".config"),
        TORCH_HOME=os.path.join(home, ".cache", "torch"),
        HF_HOME=os.path.join(home, ".cache", "huggingface"),
        MPLCONFIGDIR=os.path.join(home, ".config", "matplotlib"),
        MPLBACKEND="Agg",
        HF_HUB_OFFLINE="1",
        HF_DATASETS_OFFLINE="1",
        TRANSFORMERS_OFFLINE="1",
        PYTHONDONTWRITEBYTECODE="1",
    )
    tempfile.tempdir = tmp
    sys.dont_write_bytecode = True
    sys.path[:] = [workdir] + [entry for entry in sys.path if entry not in ("", ".")]


def deny_network_in_python() -> None:
    """Fallback when no net namespace: refuse non-local sockets in Python code."""

    def refuse(*args: object, **kwargs: object) -> Any:
        raise OSError(101, "network disabled by curriculum")

    original_connect = socket.socket.connect
    original_connect_ex = socket.socket.connect_ex

    def connect(self: socket.socket, address: Any) -> Any:
        if self.family == getattr(socket, "AF_UNIX", None):
            return original_connect(self, address)
        return refuse()

    def connect_ex(self: socket.socket, address: Any) -> Any:
        if self.family == getattr(socket, "AF_UNIX", None):
            return original_connect_ex(self, address)
        return refuse()

    socket.socket.connect = connect  # type: ignore[method-assign,assignment]
    socket.socket.connect_ex = connect_ex  # type: ignore[method-assign,assignment]
    socket.getaddrinfo = refuse
    socket.gethostbyname = refuse
    socket.create_connection = refuse


# -- Landlock -----------------------------------------------------------------

_FS_WRITE_FILE = 1 << 1
_FS_REMOVE_DIR = 1 << 4
_FS_REMOVE_FILE = 1 << 5
_FS_MAKE = sum(1 << bit for bit in range(6, 13))  # char, dir, reg, sock, fifo, block, sym
_FS_REFER = 1 << 13
_FS_TRUNCATE = 1 << 14
_NET_BIND_TCP = 1 << 0
_NET_CONNECT_TCP = 1 << 1


class _RulesetAttr(ctypes.Structure):
    _fields_ = [("handled_access_fs", ctypes.c_uint64), ("handled_access_net", ctypes.c_uint64)]


class _PathBeneathAttr(ctypes.Structure):
    _pack_ = 1
    _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


def confine_writes(workdir: str, deny_tcp: bool) -> dict[str, bool]:
    """Landlock: writes only beneath ``workdir`` (and /dev); optionally no TCP."""
    numbers = _SYSCALLS.get(os.uname().machine) if sys.platform.startswith("linux") else None
    result = {"landlock_fs": False, "landlock_net": False}
    if not numbers:
        return result
    create, add_rule, restrict = numbers
    syscall = libc().syscall
    abi = syscall(create, None, 0, 1)  # LANDLOCK_CREATE_RULESET_VERSION
    if abi < 1:
        return result
    access = _FS_WRITE_FILE | _FS_REMOVE_DIR | _FS_REMOVE_FILE | _FS_MAKE
    access |= _FS_REFER if abi >= 2 else 0
    access |= _FS_TRUNCATE if abi >= 3 else 0
    net = _NET_BIND_TCP | _NET_CONNECT_TCP if deny_tcp and abi >= 4 else 0
    attr = _RulesetAttr(access, net)
    size = ctypes.sizeof(_RulesetAttr) if abi >= 4 else 8
    ruleset = syscall(create, ctypes.byref(attr), size, 0)
    if ruleset < 0:
        return result
    try:
        for path, allowed in ((workdir, access), ("/dev", _FS_WRITE_FILE | (access & _FS_TRUNCATE)),
                              ("/dev/shm", access)):
            try:
                fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
            except OSError:
                continue
            try:
                rule = _PathBeneathAttr(allowed, fd)
                if syscall(add_rule, ruleset, 1, ctypes.byref(rule), 0) != 0:
                    return result
            finally:
                os.close(fd)
        if not _prctl(_PR_SET_NO_NEW_PRIVS, 1) or syscall(restrict, ruleset, 0) != 0:
            return result
    finally:
        os.close(ruleset)
    return {"landlock_fs": True, "landlock_net": bool(net)}
