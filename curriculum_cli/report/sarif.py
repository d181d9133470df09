"""SARIF 2.1.0 reporter, as GitHub code scanning accepts it.

One run: ``tool.driver`` carries the whole rule catalogue (id, name, short
and full description, default level, help), each result its rule, level,
message, a physical location (a relative URI with forward slashes and a
region) and a partial fingerprint that does not depend on line numbers, so
an alert survives edits elsewhere in the file.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import PurePosixPath, PureWindowsPath
from typing import Any
from urllib.parse import quote

from curriculum_cli.findings import Finding, Severity
from curriculum_cli.review.fingerprint import fingerprint
from curriculum_cli.rules.base import Rule

SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
LEVELS = {Severity.CRITICAL: "error", Severity.IMPROVEMENT: "warning", Severity.POLISH: "note"}
FINGERPRINT_KEY = "curriculumFingerprint/v1"


def artifact_uri(path: str) -> str:
    """A URI reference for ``path``: relative paths stay relative, with ``/`` separators."""
    posix = PureWindowsPath(path).as_posix() if "\\" in path else path
    if PurePosixPath(posix).is_absolute():
        return "file://" + quote(posix, safe="/")
    return quote(posix.removeprefix("./"), safe="/")


def rule_descriptor(rule: Rule) -> dict[str, Any]:
    help_text = rule.doc or rule.summary
    if rule.impact:
        help_text += f"\n\nStudent impact: {rule.impact}"
    if rule.fix:
        help_text += f"\n\nSuggested fix: {rule.fix}"
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.doc or rule.summary},
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
        "help": {"text": help_text},
        "properties": {"tags": ["curriculum", rule.kind]},
    }


def _result(finding: Finding, index: dict[str, int], seen: dict[str, int]) -> dict[str, Any]:
    region: dict[str, int] = {"startLine": finding.line if finding.line and finding.line > 0 else 1}
    if finding.column and finding.column > 0:
        region["startColumn"] = finding.column
    digest = hashlib.sha256(fingerprint(finding).encode("utf-8")).hexdigest()[:32]
    seen[digest] = seen.get(digest, 0) + 1
    result: dict[str, Any] = {"ruleId": finding.code}
    if finding.code in index:
        result["ruleIndex"] = index[finding.code]
    result |= {
        "level": LEVELS[finding.severity],
        "message": {"text": finding.message},
        "locations": [
            {"physicalLocation": {"artifactLocation": {"uri": artifact_uri(finding.path)}, "region": region}}
        ],
        "partialFingerprints": {FINGERPRINT_KEY: f"{digest}:{seen[digest]}"},
    }
    properties = {key: value for key, value in (("severity", finding.severity.value), ("fix", finding.fix)) if value}
    result["properties"] = properties
    return result


def render_sarif(findings: Sequence[Finding], rules: Sequence[Rule], version: str, errors: Sequence[str] = ()) -> str:
    """The SARIF log of one run: every rule of the catalogue, every finding as a result."""
    index = {rule.code: position for position, rule in enumerate(rules)}
    seen: dict[str, int] = {}
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "curriculum",
                "version": version,
                "rules": [rule_descriptor(rule) for rule in rules],
            }
        },
        "columnKind": "unicodeCodePoints",
        "results": [_result(finding, index, seen) for finding in findings],
        "invocations": [
            {
                "executionSuccessful": not errors,
                "toolExecutionNotifications": [
                    {"level": "error", "message": {"text": error}} for error in errors
                ],
            }
        ],
    }
    log = {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}
    return json.dumps(log, indent=2) + "\n"
