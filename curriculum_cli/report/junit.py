"""JUnit XML reporter: one test case per checked file, one failure per finding.

CI systems that read JUnit (GitLab, Jenkins, Azure) then show a failed
"test" for each file with findings.  Files that findings point to without
being checked themselves (a module record, a plan) get a test case too;
tool errors are ``<error>`` elements of a ``curriculum`` test case.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence

from curriculum_cli.findings import Finding
from curriculum_cli.report.text import format_finding

#: Characters XML 1.0 cannot hold, even escaped.
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(text: str) -> str:
    """``text`` with characters XML 1.0 forbids written as ``\\x1b``-style escapes."""
    return _NOT_XML.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def _failure_body(finding: Finding) -> str:
    lines = [format_finding(finding)]
    if finding.fix:
        lines.append(f"fix: {finding.fix}")
    if finding.detail:
        lines.extend(["", finding.detail])
    return "\n".join(lines)


def render_junit(findings: Sequence[Finding], checked: Mapping[str, str], errors: Sequence[str] = ()) -> str:
    """A ``<testsuites>`` document; ``checked`` maps each checked file to its kind (``plan``, ``built``...)."""
    by_path: dict[str, list[Finding]] = {}
    for finding in findings:
        by_path.setdefault(finding.path, []).append(finding)
    paths = sorted(set(checked) | set(by_path))
    tests = len(paths) + (1 if errors else 0)
    # JUnit counts failed test cases (files with findings), not failure elements.
    counts = {"tests": str(tests), "failures": str(len(by_path)), "errors": str(1 if errors else 0)}
    suites = ET.Element("testsuites", {"name": "curriculum", **counts})
    suite = ET.SubElement(suites, "testsuite", {"name": "curriculum check", **counts, "skipped": "0"})
    for path in paths:
        case = ET.SubElement(suite, "testcase", {"classname": checked.get(path, "other"), "name": xml_text(path)})
        for finding in by_path.get(path, []):
            failure = ET.SubElement(
                case, "failure",
                {"type": finding.code, "message": xml_text(f"{finding.code} [{finding.severity.value}] {finding.message}")},
            )
            failure.text = xml_text(_failure_body(finding))
    if errors:
        case = ET.SubElement(suite, "testcase", {"classname": "tool", "name": "curriculum"})
        for error in errors:
            ET.SubElement(case, "error", {"message": xml_text(error)}).text = xml_text(error)
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"
