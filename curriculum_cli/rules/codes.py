"""Rule codes as users write them: full codes (``P201``) and prefixes (``P2``, ``C``).

An unknown code in ``select``, ``ignore``, ``severity`` or ``per-file-ignores``
is a usage error, never a silent no-op: :func:`code_problem` says what is
wrong and names the closest real code.
"""

from __future__ import annotations

import difflib
from functools import lru_cache


@lru_cache(maxsize=1)
def known_codes() -> tuple[str, ...]:
    from curriculum_cli.rules.registry import all_rules

    return tuple(rule.code for rule in all_rules())


@lru_cache(maxsize=1)
def known_prefixes() -> frozenset[str]:
    """Every full code and every prefix of one (``P``, ``P2``, ``P20``, ``P201``)."""
    return frozenset(code[:size] for code in known_codes() for size in range(1, len(code) + 1))


def closest_code(code: str, prefix: bool = True) -> str:
    """The real code (or prefix) most like ``code``."""
    candidates = sorted(known_prefixes() if prefix else known_codes())
    same_length = [c for c in candidates if len(c) == len(code)] or candidates
    found = difflib.get_close_matches(code, same_length, n=1, cutoff=0.0)
    return found[0] if found else known_codes()[0]


def normalize_code(text: str) -> str:
    return text.strip().upper()


def code_problem(code: str, *, prefix: bool = True) -> str | None:
    """``None`` when ``code`` is a rule code (or, with ``prefix``, a prefix of one); else the problem."""
    wanted = normalize_code(code)
    if wanted in (known_prefixes() if prefix else known_codes()):
        return None
    kind = "rule code or prefix" if prefix else "rule code"
    return f"unknown {kind} {code.strip()!r} (closest: {closest_code(wanted, prefix)})"
