"""Reading and writing files safely, in one place.

Reading accepts only regular files (a FIFO, a device or a socket is refused
before it is opened for reading), checks the size before reading and reads
at most the limit, and handles BOM, CRLF, binary content and bad UTF-8.
:class:`TextFile` remembers the BOM and line endings so a rewrite keeps them.

Writing is atomic: a temp file beside the target (``.NAME.curriculum-PID-XXXX.tmp``),
fsync, then ``os.replace``, so no run leaves a half-written document behind.
A rewrite keeps the file's mode and owner, writes through a symlink (the
link stays, its target is replaced), and keeps hard links (a file with
several links is rewritten in place after a backup copy).  Temp files that a
killed run left next to a file we write are removed when their process is
gone.  New files honour the umask.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import stat
from dataclasses import dataclass
from pathlib import Path

from curriculum_cli.errors import InputError, StaleFileError

#: Larger files are refused (a planning doc is a few hundred KB at most).
MAX_BYTES = 20 * 1024 * 1024

_BOM = b"\xef\xbb\xbf"
_MB = 1024 * 1024


@dataclass(frozen=True)
class TextFile:
    """A text file as read: its exact bytes, its normalized text, and how to write it back."""

    raw: bytes
    #: BOM removed, line endings normalized to ``\\n``.
    text: str
    #: The file's line ending (``\\r\\n`` when its first line ending is CRLF).
    newline: str = "\n"
    bom: bool = False

    def encode(self, text: str) -> bytes:
        """``text`` (``\\n`` line endings) as bytes in this file's line endings, with its BOM."""
        body = text.replace("\r\n", "\n")
        if self.newline != "\n":
            body = body.replace("\n", self.newline)
        return (_BOM if self.bom else b"") + body.encode("utf-8")


def _kind(mode: int) -> str:
    for test, name in (
        (stat.S_ISFIFO, "a FIFO"), (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
    ):
        if test(mode):
            return name
    return "not a regular file"


def _check_regular(path: Path | str, info: os.stat_result, limit: int) -> None:
    if stat.S_ISDIR(info.st_mode):
        raise InputError(f"{path}: is a directory")
    if not stat.S_ISREG(info.st_mode):
        raise InputError(f"{path}: not a regular file ({_kind(info.st_mode)}); only regular files are read")
    if info.st_size > limit:
        raise InputError(f"{path}: file is {info.st_size // _MB} MB, larger than the {limit // _MB} MB limit")


def read_bytes(path: Path | str, limit: int = MAX_BYTES) -> bytes:
    """The bytes of the regular file ``path``, at most ``limit`` of them.

    The type and size are checked before reading (and again on the open
    descriptor); a FIFO, socket or device, a missing or unreadable file, or
    one over ``limit`` bytes is an :class:`InputError` with a one-line reason.
    """
    try:
        _check_regular(path, os.stat(path), limit)
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
        with os.fdopen(fd, "rb") as handle:
            _check_regular(path, os.fstat(fd), limit)
            data = handle.read(limit + 1)
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory") from None
    except PermissionError:
        raise InputError(f"{path}: permission denied") from None
    except OSError as error:
        raise InputError(f"{path}: cannot read ({error.strerror or error})") from None
    if len(data) > limit:
        raise InputError(f"{path}: file is larger than the {limit // _MB} MB limit")
    return data


def decode(path: Path | str, data: bytes) -> TextFile:
    """``data`` read from ``path`` as a :class:`TextFile` (InputError for binary or non-UTF-8 bytes)."""
    if b"\x00" in data:
        raise InputError(f"{path}: binary file (contains NUL bytes), expected UTF-8 text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise InputError(f"{path}:{line}: not valid UTF-8 text (byte 0x{data[error.start]:02x})") from None
    first_end = re.search(r"\r\n|\n|\r", text)
    newline = first_end.group() if first_end and first_end.group() == "\r\n" else "\n"
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return TextFile(raw=data, text=text, newline=newline, bom=data.startswith(_BOM))


def lines_of(text: str) -> list[str]:
    """The lines of ``text`` as an editor numbers them: split at ``\\n`` only.

    ``str.splitlines`` also splits at form feeds, U+2028 and other separators,
    which would shift every later line number away from the file's own.
    """
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    return lines


def read_file(path: Path | str) -> TextFile:
    """Read ``path`` as a :class:`TextFile` (see :func:`read_bytes` and :func:`decode`)."""
    return decode(path, read_bytes(path))


def read_text(path: Path | str) -> str:
    """Return the text of ``path`` with a BOM removed and line endings normalized.

    Raises :class:`InputError` with a one-line reason for a missing, binary,
    non-UTF-8 or oversized file, or one that is not a regular file.
    """
    return read_file(path).text


def write_like(path: Path | str, text: str, original: TextFile) -> None:
    """Atomically replace ``path`` (read as ``original``) with ``text``, keeping its BOM and line endings.

    Refused (:class:`StaleFileError`) when the file no longer holds ``original.raw``.
    """
    atomic_write(path, original.encode(text), expected=original.raw)


# --------------------------------------------------------------------------- writing

_TEMP = ".{name}.curriculum-{pid}-{token}.{ext}"


def _temp_pattern(name: str) -> re.Pattern[str]:
    return re.compile(rf"\.{re.escape(name)}\.curriculum-(?P<pid>\d+)-[0-9a-f]+\.tmp")


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists, but belongs to someone else
        return True
    return True


def remove_stale_temps(target: Path) -> list[Path]:
    """Remove temp files of ``target`` that a killed run left behind (their process is gone)."""
    removed = []
    pattern = _temp_pattern(target.name)
    with contextlib.suppress(OSError):
        for entry in os.scandir(target.parent):
            match = pattern.fullmatch(entry.name)
            if match and entry.is_file(follow_symlinks=False) and not _alive(int(match["pid"])):
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)
                    removed.append(Path(entry.path))
    return removed


def _create_temp(target: Path, ext: str = "tmp", mode: int = 0o600) -> tuple[int, Path]:
    for _ in range(100):
        name = _TEMP.format(name=target.name, pid=os.getpid(), token=secrets.token_hex(4), ext=ext)
        temp = target.parent / name
        try:
            return os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, mode), temp
        except FileExistsError:
            continue
    raise FileExistsError(f"no free temp file name beside {target}")


def atomic_write(path: Path | str, data: str | bytes, *, expected: bytes | None = None) -> None:
    """Replace ``path`` with ``data`` atomically: a temp file in the same folder, fsync, ``os.replace``.

    The file keeps its permission bits and owner; a symlink is written
    through (its target is replaced and the link stays); a file with several
    hard links is rewritten in place after a backup copy, so every link sees
    the new content.  A new file gets the usual permissions (0666 less the
    umask).  With ``expected``, the write is refused (:class:`StaleFileError`)
    when the file's bytes are no longer ``expected`` just before the replace
    (a concurrent edit).  An OS error is an :class:`InputError`.  A failure
    leaves the original untouched and no temp file behind.
    """
    try:
        _atomic_write(Path(path), data.encode("utf-8") if isinstance(data, str) else data, expected)
    except OSError as error:
        raise InputError(f"{path}: cannot write ({error.strerror or error})") from None


def _current(target: Path) -> bytes | None:
    try:
        with open(target, "rb") as handle:
            return handle.read()
    except FileNotFoundError:
        return None


def _check_expected(target: Path, expected: bytes | None) -> None:
    if expected is not None and _current(target) != expected:
        raise StaleFileError(f"{target}: the file changed since it was read; not overwritten")


def _atomic_write(path: Path, payload: bytes, expected: bytes | None) -> None:
    target = Path(os.path.realpath(path)) if path.is_symlink() else path
    remove_stale_temps(target)
    try:
        info: os.stat_result | None = os.stat(target)
    except FileNotFoundError:
        info = None
    if info is not None and not stat.S_ISREG(info.st_mode):
        raise InputError(f"{path}: not a regular file; not overwritten")
    if info is not None and info.st_nlink > 1:
        _write_in_place(target, payload, expected)
        return
    if info is None:
        # New file: let the umask decide, as for any file the user creates.
        handle, temp = _create_temp(target, mode=0o666)
    else:
        handle, temp = _create_temp(target)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(payload)
            out.flush()
            if info is not None:
                _keep_owner_and_mode(out.fileno(), info)
            os.fsync(out.fileno())
        _check_expected(target, expected)
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)
        raise
    _sync_folder(target.parent)


def _keep_owner_and_mode(fd: int, info: os.stat_result) -> None:
    if (info.st_uid, info.st_gid) != (os.geteuid(), os.getegid()):
        with contextlib.suppress(PermissionError):  # only root may give a file away
            os.fchown(fd, info.st_uid, info.st_gid)
    os.fchmod(fd, stat.S_IMODE(info.st_mode))


def _write_in_place(target: Path, payload: bytes, expected: bytes | None) -> None:
    """Rewrite a hard-linked file in place, keeping a backup until the new bytes are on disk.

    If the run is killed mid-write, ``.NAME.curriculum-PID-XXXX.bak`` beside
    the file holds its previous content (it is never removed automatically).
    """
    _check_expected(target, expected)
    original = _current(target) or b""
    handle, backup = _create_temp(target, ext="bak")
    with os.fdopen(handle, "wb") as out:
        out.write(original)
        out.flush()
        os.fsync(out.fileno())
    _check_expected(target, expected)
    try:
        _overwrite(target, payload)
    except OSError:
        with contextlib.suppress(OSError):
            _overwrite(target, original)
        raise
    os.unlink(backup)


def _overwrite(target: Path, payload: bytes) -> None:
    with open(target, "r+b") as out:
        out.write(payload)
        out.truncate()
        out.flush()
        os.fsync(out.fileno())


def _sync_folder(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
