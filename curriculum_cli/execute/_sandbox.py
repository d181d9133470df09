"""What the chain process does to itself before any lesson code runs.

Two modes, chosen per chain by what the kernel permits (``CURRICULUM_EXEC_NO_NAMESPACES=1``
forces the second, for tests):

**Namespaces** (root, or a user allowed user namespaces).  The keeper enters
new user (when not root), mount, PID, network, IPC and UTS namespaces and
forks the chain process, PID 1 of its namespace.  That process then builds
its own view of the file system (:func:`build_filesystem`): every mount
read-only, nosuid and nodev; a fresh ``/proc``; a ``/dev`` holding only
null, zero, full, random and urandom; a private ``/dev/shm``; the working
directory a tmpfs of ``disk_mb`` MiB that vanishes with the namespace.  No
network interface but a down loopback; at most :data:`PROCESS_LIMIT`
processes (the namespace's own ``pid_max``); when PID 1 ends the kernel kills
every process it started.

**No namespaces** (a user without user namespaces).  Landlock confines
writes, creations and deletions to the working directory (plus writes to
/dev/null, /dev/zero, /dev/full); a seccomp filter refuses every socket (so
no TCP, UDP, DNS or host Unix socket) and every chmod, chown, utime and
setxattr; the worker, a child subreaper, kills what the chain leaves behind;
``RLIMIT_NPROC`` bounds processes for a non-root user (it does not bind root:
no process limit is claimed then); the worker polls the working directory
against ``disk_mb``.

As root, lesson code runs as :data:`NOBODY` where the Python installation is
(or, in namespace mode, can be made) readable by others; else as uid 0.

In both modes: ``setsid``; ``PR_SET_PDEATHSIG``; every capability dropped;
a seccomp filter refusing Unix sockets, ``ptrace``, ``process_vm_*``, keyrings,
``bpf``, ``perf_event_open``, ``userfaultfd``, io_uring, new namespaces and
mounts; rlimits (``RLIMIT_AS`` = the preloaded size + ``memory_mb``, no core
files, ``RLIMIT_FSIZE`` = min(256 MiB, ``disk_mb``)).  Each step reports
whether it took effect; :func:`missing_guarantees` names what a chain lacks,
and the chain process then refuses to run any lesson code (rule C307).

Not enforced in either mode: reading files the user can read, CPU use other
than the wall-time limit, GPU use.
"""

from __future__ import annotations

import ctypes
import errno
import os
import resource
import signal
import socket
import stat
import struct
import sys
import tempfile
from typing import Any

CLONE_NEWNS = 0x00020000
CLONE_NEWUTS = 0x04000000
CLONE_NEWIPC = 0x08000000
CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000
CLONE_NEWCGROUP = 0x02000000
_NAMESPACES = CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS
_PR_SET_PDEATHSIG = 1
_PR_SET_SECCOMP = 22
_PR_CAPBSET_DROP = 24
_PR_SET_CHILD_SUBREAPER = 36
_PR_SET_NO_NEW_PRIVS = 38
_CAPABILITY_VERSION_3 = 0x20080522
_FILE_SIZE_LIMIT = 256 * 1024 * 1024
#: The uid lesson code runs as when the linter runs as root (``nobody``).
NOBODY = 65534
#: Most processes a chain may have at once in namespace mode (the kernel's minimum pid_max is 301).
PROCESS_LIMIT = 400
#: Size of the private /dev/shm in namespace mode, in MiB.
SHM_MB = 64
#: The devices lesson code gets (character devices only, bound from the host).
DEVICES = ("null", "zero", "full", "random", "urandom")
_WRITABLE_DEVICES = ("/dev/null", "/dev/zero", "/dev/full")

_MS_RDONLY, _MS_NOSUID, _MS_NODEV, _MS_NOEXEC = 1, 2, 4, 8
_MS_BIND, _MS_REC, _MS_PRIVATE = 4096, 16384, 1 << 18
_MOUNT_ATTR_RDONLY, _MOUNT_ATTR_NOSUID, _MOUNT_ATTR_NODEV = 1, 2, 4
_AT_FDCWD, _AT_RECURSIVE = -100, 0x8000

#: Per architecture: audit arch, x32 bit, and the syscall numbers the filters name.
_ARCH: dict[str, dict[str, Any]] = {
    "x86_64": {
        "audit": 0xC000003E, "x32": 0x40000000,
        "landlock": (444, 445, 446), "mount_setattr": 442,
        "socket": 41, "clone": 56, "clone3": 435,
        "denied": (101, 310, 311, 248, 249, 250, 321, 298, 323, 425, 426, 427, 272, 308,
                   165, 166, 155, 428, 429, 430, 431, 432, 433, 442, 304, 246, 175, 313, 176),
        "metadata": (90, 91, 92, 93, 94, 132, 235, 261, 260, 268, 280, 452,
                     188, 189, 190, 197, 198, 199, 463, 466),
    },
    "aarch64": {
        "audit": 0xC00000B7, "x32": None,
        "landlock": (444, 445, 446), "mount_setattr": 442,
        "socket": 198, "clone": 220, "clone3": 435,
        "denied": (117, 270, 271, 217, 218, 219, 280, 241, 282, 425, 426, 427, 97, 268,
                   40, 39, 41, 428, 429, 430, 431, 432, 433, 442, 265, 104, 105, 273, 106),
        "metadata": (52, 53, 54, 55, 88, 452, 5, 6, 7, 14, 15, 16, 463, 466),
    },
}

_libc: Any = None


def libc() -> Any:
    global _libc
    if _libc is None:
        _libc = ctypes.CDLL(None, use_errno=True)
    return _libc


def _arch() -> dict[str, Any] | None:
    return _ARCH.get(os.uname().machine) if sys.platform.startswith("linux") else None


def _prctl(option: int, value: int) -> bool:
    if not sys.platform.startswith("linux"):
        return False
    try:
        return libc().prctl(option, value, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def die_with_parent(signal_number: int = signal.SIGKILL) -> bool:
    return _prctl(_PR_SET_PDEATHSIG, signal_number)


def become_subreaper() -> bool:
    return _prctl(_PR_SET_CHILD_SUBREAPER, 1)


def unshare(flags: int) -> bool:
    if not sys.platform.startswith("linux"):
        return False
    try:
        return libc().unshare(flags) == 0
    except (OSError, AttributeError):
        return False


def namespaces_forced_off() -> bool:
    return bool(os.environ.get("CURRICULUM_EXEC_NO_NAMESPACES"))


def isolate_namespaces() -> bool:
    """In the keeper: enter new mount, PID, network, IPC, UTS (and, not as root, user) namespaces.

    All or nothing: True when every one was entered (the next child is PID 1).
    """
    if namespaces_forced_off() or not sys.platform.startswith("linux"):
        return False
    if os.geteuid() != 0:
        uid, gid = os.geteuid(), os.getegid()
        if not unshare(CLONE_NEWUSER):
            return False
        try:
            _write("/proc/self/setgroups", "deny")
            _write("/proc/self/uid_map", f"{uid} {uid} 1")
            _write("/proc/self/gid_map", f"{gid} {gid} 1")
        except OSError:
            return False
    return unshare(_NAMESPACES)


def _write(path: str, text: str) -> None:
    with open(path, "w", encoding="ascii") as handle:
        handle.write(text)


# -- the file system of namespace mode ------------------------------------------


def _mount(source: str | None, target: str, fstype: str | None, flags: int, data: str | None = None) -> None:
    if libc().mount(_bytes(source), target.encode(), _bytes(fstype), flags, _bytes(data)) != 0:
        number = ctypes.get_errno()
        raise OSError(number, f"mount {target}: {os.strerror(number)}")


def _bytes(value: str | None) -> bytes | None:
    return value.encode() if value is not None else None


def _mount_setattr(path: str, recursive: bool, set_flags: int, clear_flags: int) -> None:
    arch = _arch()
    if arch is None:
        raise OSError(errno.ENOSYS, "mount_setattr is not known on this architecture")
    attr = struct.pack("=QQQQ", set_flags, clear_flags, 0, 0)
    buffer = ctypes.create_string_buffer(attr, len(attr))
    flags = _AT_RECURSIVE if recursive else 0
    if libc().syscall(arch["mount_setattr"], _AT_FDCWD, path.encode(), flags, buffer, len(attr)) != 0:
        number = ctypes.get_errno()
        raise OSError(number, f"mount_setattr {path}: {os.strerror(number)}")


def build_filesystem(workdir: str, disk_mb: int) -> tuple[str | None, int | None]:
    """In PID 1 of new namespaces: the read-only view described above.

    Returns why it failed (or None) and the uid lesson code should run as:
    :data:`NOBODY` when root and the Python installation can be made readable
    to others (a folder others cannot enter, like ``/root``, is covered by an
    empty tmpfs with only the Python paths bound back), else None.
    """
    owner: int | None = None
    try:
        _mount(None, "/", None, _MS_REC | _MS_PRIVATE)
        if os.geteuid() == 0 and _expose_python(workdir):
            owner = NOBODY
        devices = {name: os.open(f"/dev/{name}", os.O_PATH | os.O_CLOEXEC) for name in DEVICES}
        try:
            _mount("tmpfs", "/dev", "tmpfs", _MS_NOSUID | _MS_NOEXEC, "size=64k,nr_inodes=64,mode=755")
            for name, fd in devices.items():
                os.close(os.open(f"/dev/{name}", os.O_CREAT | os.O_WRONLY, 0o666))
                _mount(f"/proc/self/fd/{fd}", f"/dev/{name}", None, _MS_BIND)
        finally:
            for fd in devices.values():
                os.close(fd)
        for name, target in (("fd", "/proc/self/fd"), ("stdin", "/proc/self/fd/0"),
                             ("stdout", "/proc/self/fd/1"), ("stderr", "/proc/self/fd/2")):
            os.symlink(target, f"/dev/{name}")
        os.mkdir("/dev/shm", 0o1777)
        _mount("proc", "/proc", "proc", _MS_NOSUID | _MS_NODEV | _MS_NOEXEC)
        _set_pid_max()
        _mount_setattr("/", True, _MOUNT_ATTR_RDONLY | _MOUNT_ATTR_NOSUID | _MOUNT_ATTR_NODEV, 0)
        _mount_setattr("/dev", True, 0, _MOUNT_ATTR_NODEV)
        _mount("tmpfs", "/dev/shm", "tmpfs", _MS_NOSUID | _MS_NODEV, f"size={SHM_MB}m,mode=1777")
        ids = f",uid={owner},gid={owner}" if owner is not None else ""
        _mount("tmpfs", workdir, "tmpfs", _MS_NOSUID | _MS_NODEV, f"size={max(disk_mb, 1)}m,mode=700{ids}")
    except OSError as error:
        return str(error), None
    return None, owner


def python_paths() -> list[str]:
    """What the interpreter reads from: prefixes and import paths (resolved, existing)."""
    found = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix, *(p for p in sys.path if p)}
    resolved = {os.path.realpath(path) for path in found if os.path.exists(path)}
    return sorted(resolved)


def _closed_ancestor(path: str) -> str | None:
    """The outermost folder above (or at) ``path`` that other users cannot enter."""
    current = ""
    for part in path.strip("/").split("/"):
        current += "/" + part
        try:
            mode = os.stat(current).st_mode
        except OSError:
            return current
        if stat.S_ISDIR(mode) and not mode & 0o001:
            return current
    return None


def readable_by_others(paths: list[str]) -> bool:
    """Every path reachable and readable by a user who owns nothing here."""
    for path in paths:
        if _closed_ancestor(path) is not None:
            return False
        try:
            mode = os.stat(path).st_mode
        except OSError:
            return False
        if not mode & (0o005 if stat.S_ISDIR(mode) else 0o004):
            return False
    return True


def _expose_python(workdir: str) -> bool:
    """Cover folders others cannot enter with a tmpfs and bind the Python paths (and ``workdir``) back in.

    True when every Python path is then readable by others (the chain may drop
    to :data:`NOBODY`); the rest of those folders (``/root/.ssh``...) is hidden.
    """
    paths = python_paths()
    covered = {path: top for path in sorted({*paths, workdir})
               if (top := _closed_ancestor(os.path.dirname(path))) is not None}
    kept: list[str] = []
    for path in covered:  # sorted: a parent comes before what lies inside it
        if not any(path.startswith(outer + "/") for outer in kept):
            kept.append(path)
    sources = {path: os.open(path, os.O_PATH | os.O_CLOEXEC) for path in kept}
    try:
        tops = sorted(set(covered.values()), key=len)
        for top in tops:
            if not any(top.startswith(outer + "/") for outer in tops):
                _mount("tmpfs", top, "tmpfs", _MS_NOSUID | _MS_NODEV, "size=1m,mode=755")
        for path, fd in sources.items():
            if os.path.isdir(f"/proc/self/fd/{fd}"):
                os.makedirs(path, exist_ok=True)
            else:
                os.makedirs(os.path.dirname(path), exist_ok=True)
                os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o644))
            _mount(f"/proc/self/fd/{fd}", path, None, _MS_BIND | _MS_REC)
    finally:
        for fd in sources.values():
            os.close(fd)
    return readable_by_others(paths)


def _set_pid_max() -> None:
    """The namespace's own pid_max (Linux >= 6.14): a cap on processes that binds root too.

    Best effort: on older kernels the limit is ``RLIMIT_NPROC`` when the code
    does not run as uid 0 (see :func:`limit_resources`).
    """
    try:
        _write("/proc/sys/kernel/pid_max", str(PROCESS_LIMIT))
    except OSError:
        pass


def process_limit_in_namespace() -> bool:
    try:
        with open("/proc/sys/kernel/pid_max", encoding="ascii") as handle:
            return int(handle.read()) <= PROCESS_LIMIT
    except (OSError, ValueError):
        return False


# -- capabilities, limits, environment -----------------------------------------


def drop_capabilities(switch_to: int | None = None) -> bool:
    """Give up every capability; as root, first become ``switch_to`` (:data:`NOBODY`) if given.

    Without capabilities the lesson cannot leave its namespaces, remount,
    load modules, or open devices it does not own; as ``nobody`` it cannot
    read or write root's files either, and ``RLIMIT_NPROC`` binds.
    """
    if not sys.platform.startswith("linux"):
        return False
    try:
        c = libc()
        for capability in range(64):
            c.prctl(_PR_CAPBSET_DROP, capability, 0, 0, 0)  # fails harmlessly past the last one
        if switch_to is not None:
            os.setgroups([])
            os.setresgid(switch_to, switch_to, switch_to)
            os.setresuid(switch_to, switch_to, switch_to)
        header = (ctypes.c_uint32 * 2)(_CAPABILITY_VERSION_3, 0)
        data = (ctypes.c_uint32 * 6)()  # effective, permitted, inheritable x 2: all zero
        return c.capset(ctypes.byref(header), ctypes.byref(data)) == 0
    except (OSError, AttributeError):
        return False


def limit_resources(
    memory_mb: int | None, disk_mb: int, in_namespace: bool, processes: dict[int, int] | None = None
) -> dict[str, bool]:
    """rlimits; ``processes``: uid -> processes it had machine-wide, counted before ``/proc`` was replaced."""
    applied = {"memory_limit": False, "nproc_limit": in_namespace and process_limit_in_namespace()}
    _set_limit(resource.RLIMIT_CORE, 0)
    _set_limit(resource.RLIMIT_FSIZE, min(_FILE_SIZE_LIMIT, disk_mb * 1024 * 1024))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails, not kills
    if memory_mb:
        applied["memory_limit"] = _set_limit(
            resource.RLIMIT_AS, _address_space() + memory_mb * 1024 * 1024
        )
    if os.getuid() != 0 and not applied["nproc_limit"]:  # RLIMIT_NPROC never binds uid 0
        running = (processes or {}).get(os.getuid())
        applied["nproc_limit"] = _set_limit(
            resource.RLIMIT_NPROC, (running if running is not None else count_processes(os.getuid())) + 256
        )
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


def count_processes(uid: int) -> int:
    """Processes of ``uid`` that this process's ``/proc`` shows (RLIMIT_NPROC counts all of them)."""
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
    """Friendly errors for Python-level connects and lookups (the kernel refuses anyway)."""

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


# -- seccomp ------------------------------------------------------------------

_BPF_LD_W_ABS, _BPF_JEQ, _BPF_JGE, _BPF_JSET, _BPF_RET = 0x20, 0x15, 0x35, 0x45, 0x06
_RET_ALLOW, _RET_ERRNO, _RET_KILL_PROCESS = 0x7FFF0000, 0x00050000, 0x80000000
_AF_UNIX = 1
_NEW_NAMESPACE_FLAGS = _NAMESPACES | CLONE_NEWUSER | CLONE_NEWCGROUP


def _seccomp_program(arch: dict[str, Any], strict: bool) -> list[tuple[int, int, int, int]]:
    """A classic BPF filter: allow everything but what the docstring of this module lists."""
    program = [(_BPF_LD_W_ABS, 0, 0, 4), (_BPF_JEQ, 1, 0, arch["audit"]), (_BPF_RET, 0, 0, _RET_KILL_PROCESS),
               (_BPF_LD_W_ABS, 0, 0, 0)]
    if arch["x32"]:
        program += [(_BPF_JGE, 0, 1, arch["x32"]), (_BPF_RET, 0, 0, _RET_ERRNO | errno.ENOSYS)]
    denied = [(nr, errno.EPERM) for nr in arch["denied"]] + [(arch["clone3"], errno.ENOSYS)]
    if strict:  # ENETUNREACH: a lesson that needs the network is "not verified here", not broken
        denied += [(nr, errno.EPERM) for nr in arch["metadata"]] + [(arch["socket"], errno.ENETUNREACH)]
    for nr, number in denied:
        program += [(_BPF_JEQ, 0, 1, nr), (_BPF_RET, 0, 0, _RET_ERRNO | number)]
    if not strict:  # socket(AF_UNIX, ...) refused: no host Unix socket (socketpair stays allowed)
        program += [(_BPF_JEQ, 0, 4, arch["socket"]), (_BPF_LD_W_ABS, 0, 0, 16), (_BPF_JEQ, 0, 1, _AF_UNIX),
                    (_BPF_RET, 0, 0, _RET_ERRNO | errno.ENETUNREACH), (_BPF_RET, 0, 0, _RET_ALLOW)]
    program += [(_BPF_JEQ, 0, 4, arch["clone"]), (_BPF_LD_W_ABS, 0, 0, 16), (_BPF_JSET, 0, 1, _NEW_NAMESPACE_FLAGS),
                (_BPF_RET, 0, 0, _RET_ERRNO | errno.EPERM), (_BPF_RET, 0, 0, _RET_ALLOW)]
    program.append((_BPF_RET, 0, 0, _RET_ALLOW))
    return program


class _SockFilter(ctypes.Structure):
    _fields_ = [("code", ctypes.c_uint16), ("jt", ctypes.c_uint8), ("jf", ctypes.c_uint8), ("k", ctypes.c_uint32)]


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_uint16), ("filter", ctypes.POINTER(_SockFilter))]


def install_seccomp(strict: bool) -> bool:
    """Install the filter (``strict`` in no-namespace mode: no sockets, no metadata changes)."""
    arch = _arch()
    if arch is None:
        return False
    program = _seccomp_program(arch, strict)
    filters = (_SockFilter * len(program))(*(_SockFilter(*instruction) for instruction in program))
    fprog = _SockFprog(len(program), filters)
    if not _prctl(_PR_SET_NO_NEW_PRIVS, 1):
        return False
    try:
        return libc().prctl(_PR_SET_SECCOMP, 2, ctypes.byref(fprog), 0, 0) == 0  # SECCOMP_MODE_FILTER
    except (OSError, AttributeError):
        return False


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
    """Landlock: writes only beneath ``workdir`` (and into /dev/null, /dev/zero, /dev/full)."""
    arch = _arch()
    result = {"landlock_fs": False, "landlock_net": False}
    if arch is None:
        return result
    create, add_rule, restrict = arch["landlock"]
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
    file_access = _FS_WRITE_FILE | (access & _FS_TRUNCATE)
    try:
        rules = [(workdir, access)] + [(device, file_access) for device in _WRITABLE_DEVICES]
        for path, allowed in rules:
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


#: What each mode must establish before lesson code runs (else: C307, nothing runs).
REQUIRED = {
    True: ("read_only_fs", "net_namespace", "pid_namespace", "seccomp", "capabilities_dropped"),
    False: ("landlock_fs", "seccomp"),
}


def missing_guarantees(info: dict[str, Any]) -> list[str]:
    """The measures this chain's mode requires but did not get."""
    return [name for name in REQUIRED[bool(info.get("namespaces"))] if not info.get(name)]
