"""Reading and writing files safely, in one place.

Reading handles BOM, CRLF, binary content and size; writing is atomic (a
temp file beside the target, then ``os.replace``) so no run can leave a
half-written document behind.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path

from curriculum_cli.errors import InputError, StaleFileError

#: Larger files are refused (a planning doc is a few hundred KB at most).
MAX_BYTES = 20 * 1024 * 1024


def read_text(path: Path | str) -> str:
    """Return the text of ``path`` with a BOM removed and line endings normalized.

    Raises :class:`InputError` with a one-line reason for a missing, binary,
    non-UTF-8 or oversized file.
    """
    file = Path(path)
    try:
        size = file.stat().st_size
        if not file.is_file():
            raise InputError(f"{path}: not a file")
        if size > MAX_BYTES:
            raise InputError(f"{path}: file is {size // (1024 * 1024)} MB, larger than the {MAX_BYTES // (1024 * 1024)} MB limit")
        data = file.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory") from None
    except PermissionError:
        raise InputError(f"{path}: permission denied") from None
    except OSError as error:
        raise InputError(f"{path}: cannot read ({error.strerror or error})") from None
    if b"\x00" in data:
        raise InputError(f"{path}: binary file (contains NUL bytes), expected UTF-8 text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise InputError(f"{path}:{line}: not valid UTF-8 text (byte 0x{data[error.start]:02x})") from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def atomic_write(path: Path | str, data: str | bytes, *, expected: bytes | None = None) -> None:
    """Replace ``path`` with ``data`` atomically: a temp file in the same folder, fsync, ``os.replace``.

    The file keeps its permission bits.  With ``expected``, the write is
    refused (:class:`StaleFileError`) when the file's bytes are no longer
    ``expected`` just before the replace (a concurrent edit).  An OS error is
    an :class:`InputError`.  A failure leaves the original untouched and no
    temp file behind.
    """
    try:
        _atomic_write(Path(path), data.encode("utf-8") if isinstance(data, str) else data, expected)
    except OSError as error:
        raise InputError(f"{path}: cannot write ({error.strerror or error})") from None


def _atomic_write(target: Path, payload: bytes, expected: bytes | None) -> None:
    try:
        mode = stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        mode = None
    handle, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as temp:
            temp.write(payload)
            temp.flush()
            os.fsync(temp.fileno())
        if mode is not None:
            os.chmod(temp_name, mode)
        if expected is not None:
            try:
                current = target.read_bytes()
            except FileNotFoundError:
                current = None
            if current != expected:
                raise StaleFileError(f"{target}: the file changed since it was read; not overwritten")
        os.replace(temp_name, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp_name)
        raise
