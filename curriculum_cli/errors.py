"""Tool errors: problems with the input or the invocation, not with a lesson.

They are not findings: the CLI prints them to stderr and exits with code 2.
"""

from __future__ import annotations


class CurriculumError(Exception):
    """Base class of every error the tool reports as exit code 2."""


class InputError(CurriculumError):
    """A file that cannot be read: missing, binary, not UTF-8, too large."""


class StaleFileError(InputError):
    """A file changed on disk between reading it and writing it back."""


class ConfigError(CurriculumError):
    """A configuration file or option that cannot be used."""
