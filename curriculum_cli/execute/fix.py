"""``curriculum fix --update-outputs``: rewrite wrong claimed outputs in place.

:func:`update_outputs` runs every artifact given (built lessons and
notebooks), finds claims that disagree with what their line prints (rule
C304) and replaces the claim with the actual output, keeping any prose after
it (``# tensor(6.)  — because`` -> ``# tensor(3.)  — because``).

Each file is written atomically (a temporary file in the same folder, then
``os.replace``), and only when it has not changed since it was read; a file
that changed is left alone and its changes come back with ``applied=False``.
In a notebook the claim is edited inside its JSON string and in a TSX
template literal with its escapes, so the rest of the file is untouched.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from curriculum_cli.config import Config
from curriculum_cli.errors import StaleFileError
from curriculum_cli.execute.analysis import (
    Chain,
    ChainExecutor,
    ExecutorService,
    Mismatch,
    check_chain,
)
from curriculum_cli.execute.inventory import Inventory
from curriculum_cli.execute.sources import ArtifactKind, read_artifact
from curriculum_cli.execute.static import analyze_chain
from curriculum_cli.load.files import read_file, write_like


@dataclass(frozen=True, slots=True)
class Change:
    """One claim rewritten (or that would have been)."""

    path: str
    line: int
    old: str
    new: str
    applied: bool = True
    #: Why the change was not applied.
    reason: str | None = None


def update_outputs(
    paths: Iterable[str | Path],
    config: Config | None = None,
    executor: ChainExecutor | None = None,
) -> list[Change]:
    """Run each artifact in ``paths`` and rewrite its wrong claimed outputs.

    ``executor`` defaults to a sandboxed executor built from ``config.exec``
    (closed before returning).  Returns every change, applied or refused.
    Raises ``OSError`` for unreadable files (a tool error, not a finding).
    """
    config = config or Config()
    owned = executor is None
    runner: ChainExecutor = executor or ExecutorService(config)
    changes: list[Change] = []
    try:
        for raw in paths:
            changes.extend(_update_file(str(raw), config, runner))
    finally:
        if owned:
            runner.close()  # type: ignore[attr-defined]
    return changes


def _update_file(path: str, config: Config, executor: ChainExecutor) -> list[Change]:
    source = read_file(path)
    original = source.text
    artifact = read_artifact(path, original)
    if not artifact.blocks:
        return []
    chain = Chain(artifact, analyze_chain(artifact.blocks, notebook=artifact.kind == "notebook"))
    chain.results = {r.index: r for r in executor.run_chain(list(artifact.blocks))}
    check_chain(chain, Inventory(), config.exec.float_tolerance, defaultdict(list))
    if not chain.mismatches:
        return []
    lines = original.splitlines(keepends=True)
    changes: list[Change] = []
    for mismatch in chain.mismatches:
        change = _rewrite(lines, mismatch, path, artifact.kind)
        if change is not None:
            changes.append(change)
    if not changes:
        return []
    try:
        write_like(path, "".join(lines), source)  # keeps CRLF and a BOM; refuses a concurrent edit
    except StaleFileError:
        return [_refused(c, "the file changed since it was read") for c in changes]
    return changes


def _rewrite(lines: list[str], mismatch: Mismatch, path: str, kind: ArtifactKind) -> Change | None:
    index = mismatch.line - 1
    if not 0 <= index < len(lines):
        return None
    text = lines[index]
    old = _encode(mismatch.claim.text, kind)
    new = _encode(mismatch.actual, kind)
    hash_at = text.find("#")
    position = text.rfind(old)
    if position < 0 or hash_at < 0 or position < hash_at:
        return Change(path, mismatch.line, mismatch.claim.text, mismatch.actual, False, "claim not found on its line")
    lines[index] = text[:position] + new + text[position + len(old) :]
    return Change(path, mismatch.line, mismatch.claim.text, mismatch.actual)


def _encode(text: str, kind: ArtifactKind) -> str:
    if kind == "notebook":
        return json.dumps(text, ensure_ascii=False)[1:-1]
    if kind == "tsx":
        return text.replace("\\", "\\\\").replace("`", "\\`").replace("${", "\\${")
    return text


def _refused(change: Change, reason: str) -> Change:
    return Change(change.path, change.line, change.old, change.new, False, reason)
