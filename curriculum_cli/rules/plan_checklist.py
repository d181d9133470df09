"""Planning-document rules."""

from __future__ import annotations
