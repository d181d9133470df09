"""JSON reporter: ``{"findings": [...], "summary": {...}}`` with stable field names."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

from curriculum_cli.findings import Finding, Severity, count_by_severity

#: Fields every finding has, in this order (extra fields follow).
STABLE_FIELDS = ("path", "line", "column", "code", "severity", "message", "fix")


def finding_dict(finding: Finding) -> dict[str, object]:
    data = finding.model_dump(mode="json")
    out = {key: data[key] for key in STABLE_FIELDS}
    for key in ("impact", "subject", "detail"):
        if data.get(key) is not None:
            out[key] = data[key]
    if data.get("edits"):
        out["edits"] = data["edits"]
    return out


def render_json(
    findings: Sequence[Finding], stats: Mapping[str, int] | None = None, errors: Sequence[str] = (), baselined: int = 0
) -> str:
    """``{"findings": [...], "summary": {...}}``; ``summary.baselined`` only when a baseline held some back."""
    counts = count_by_severity(findings)
    summary: dict[str, object] = {
        "total": len(findings),
        **{severity.value.lower(): counts[severity] for severity in Severity},
    }
    if stats:
        summary["checked"] = dict(stats)
    if errors:
        summary["errors"] = list(errors)
    if baselined:
        summary["baselined"] = baselined
    return json.dumps({"findings": [finding_dict(f) for f in findings], "summary": summary}, indent=2) + "\n"
