"""JSON Lines reporter: one finding per line (the JSON reporter's finding objects), nothing else."""

from __future__ import annotations

import json
from collections.abc import Sequence

from curriculum_cli.findings import Finding
from curriculum_cli.report.json import finding_dict


def render_json_lines(findings: Sequence[Finding]) -> str:
    """One compact JSON object per finding and line; empty output when there are none."""
    return "".join(json.dumps(finding_dict(finding), separators=(",", ":")) + "\n" for finding in findings)
