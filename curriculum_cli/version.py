"""The installed version of ``curriculum-cli`` (``curriculum --version``, SARIF ``tool.driver.version``)."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version


def tool_version() -> str:
    try:
        return version("curriculum-cli")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
        return "0+unknown"
