"""Reading files safely: BOM, CRLF, binary content and size are handled here once."""

from __future__ import annotations

from pathlib import Path

from curriculum_cli.errors import InputError

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
    if b"\x00" in data[:8192]:
        raise InputError(f"{path}: binary file (contains NUL bytes), expected UTF-8 text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise InputError(f"{path}:{line}: not valid UTF-8 text (byte 0x{data[error.start]:02x})") from None
    return text.replace("\r\n", "\n").replace("\r", "\n")
