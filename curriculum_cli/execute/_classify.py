"""Which exceptions are the machine's fault, not the lesson's.

``classify(error)`` returns ``("memory", why)``, ``("environment", why)`` or
``None`` (a real lesson error).  Environment failures: a module that is not
installed, no network (the sandbox denies it), no CUDA/MPS device, a dataset or
model download that cannot happen offline.  The whole ``__cause__`` /
``__context__`` chain is inspected, because libraries wrap the root error.

Standard library only: runs inside the chain child.
"""

from __future__ import annotations

import errno
import importlib.util
import re

Verdict = tuple[str, str] | None

_NETWORK_ERRNOS = {
    errno.ENETUNREACH, errno.EHOSTUNREACH, errno.ECONNREFUSED, errno.ECONNRESET,
    errno.ECONNABORTED, errno.ETIMEDOUT, errno.ENETDOWN, errno.EADDRNOTAVAIL,
}
#: Exception classes (by name, anywhere in the MRO) that mean "could not reach
#: the network / the hub" in the libraries lessons use.
_NETWORK_CLASSES = {
    "URLError", "ConnectionError", "gaierror", "herror",
    "NewConnectionError", "MaxRetryError", "NameResolutionError", "ConnectTimeout",
    "ReadTimeout", "ProxyError", "SSLError", "ConnectError", "OfflineModeIsEnabled",
    "LocalEntryNotFoundError", "HFValidationError",
}
_NETWORK_TEXT = re.compile(
    r"network disabled by curriculum|couldn't connect to|offline mode|HF_HUB_OFFLINE"
    r"|Temporary failure in name resolution|Name or service not known|Network is unreachable"
    r"|Failed to establish a new connection|Dataset not found\. You can use download=True",
    re.IGNORECASE,
)
_DEVICE_TEXT = re.compile(
    r"not compiled with CUDA|CUDA driver|no NVIDIA driver|Found no NVIDIA|CUDA is not available"
    r"|CUDA error: no CUDA-capable|cuda runtime error|MPS backend|not compiled with MPS"
    r"|Attempting to deserialize object on a CUDA device|No CUDA GPUs are available"
    r"|XPU device|Cannot access accelerator",
    re.IGNORECASE,
)
_MEMORY_TEXT = re.compile(
    r"can't allocate memory|not enough memory|DefaultCPUAllocator|out of memory|Cannot allocate memory",
    re.IGNORECASE,
)


def classify(error: BaseException) -> Verdict:
    for link in _chain(error):
        verdict = _classify_one(link)
        if verdict:
            return verdict
    return None


def _classify_one(error: BaseException) -> Verdict:
    names = {cls.__name__ for cls in type(error).__mro__}
    text = _safe_text(error)
    if "MemoryError" in names or _MEMORY_TEXT.search(text):
        return "memory", f"out of memory: {type(error).__name__}: {text}"[:500]
    if isinstance(error, ModuleNotFoundError):
        missing = _missing_module(error)
        if missing:
            return "environment", f"module {missing!r} is not installed"
        return None
    if _DEVICE_TEXT.search(text):
        return "environment", f"no accelerator here: {text}"[:500]
    if names & _NETWORK_CLASSES or _NETWORK_TEXT.search(text):
        return "environment", f"network unavailable: {type(error).__name__}: {text}"[:500]
    if isinstance(error, OSError) and error.errno in _NETWORK_ERRNOS:
        return "environment", f"network unavailable: {text}"[:500]
    return None


def _missing_module(error: ModuleNotFoundError) -> str | None:
    """The top-level package that is absent, if it really is absent."""
    name = error.name or ""
    if not name:
        match = re.search(r"No module named '([^']+)'", _safe_text(error))
        name = match.group(1) if match else ""
    top = name.split(".")[0]
    if not top:
        return None
    try:
        found = importlib.util.find_spec(top) is not None
    except (ImportError, ValueError):
        found = False
    # A submodule missing from an installed package is a lesson error
    # (``import torch.nnn``); a whole package missing is the environment.
    return None if found else top


def _safe_text(error: BaseException) -> str:
    try:
        return str(error)
    except Exception:  # a hostile __str__ is the lesson's problem, not ours
        return ""


def _chain(error: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and current not in seen and len(seen) < 20:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen
