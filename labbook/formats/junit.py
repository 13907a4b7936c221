"""``--format junit``: one testcase per checked subject, a failure per finding."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import defaultdict

from labbook.formats import shown, title
from labbook.models.report import Finding, Report


def _detail(f: Finding) -> str:
    lines = [f.message]
    if f.field:
        lines.append(f"{f.field}: documented {shown(f.documented)}, observed {shown(f.observed)}")
    if f.label:
        lines.append(f"label: {f.label}")
    if f.where:
        lines.append(f"where: {f.where}")
    if f.source:
        lines.append(f"source: {f.source}")
    return "\n".join(lines)


def render_junit(report: Report) -> str:
    """JUnit XML that CI test-report viewers understand."""
    by_subject: dict[str, list[Finding]] = defaultdict(list)
    for f in report.findings:
        by_subject[f.subject].append(f)
    subjects = list(report.subjects) + [s for s in by_subject if s not in report.subjects]
    failures = sum(1 for s in subjects if by_subject.get(s))
    stamp = report.generated_at.isoformat().replace("+00:00", "Z")
    suites = ET.Element("testsuites", name=title(report), tests=str(len(subjects)), failures=str(failures))
    suite = ET.SubElement(
        suites,
        "testsuite",
        name=f"{title(report)}: {report.target}",
        tests=str(len(subjects)),
        failures=str(failures),
        errors="0",
        skipped="0",
        timestamp=stamp,
    )
    for subject in subjects:
        kind = subject.split("/", 1)[0]
        case = ET.SubElement(suite, "testcase", classname=f"labbook.{report.source}.{kind}", name=subject)
        for f in by_subject.get(subject, []):
            failure = ET.SubElement(case, "failure", type=f.code, message=f.message)
            failure.text = _detail(f)
    if report.warnings:
        out = ET.SubElement(suite, "system-out")
        out.text = "\n".join(f"warning: {w}" for w in report.warnings)
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"
