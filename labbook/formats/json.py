"""``--format json``: the stable ``labbook_report: 1`` document other tools consume."""

from __future__ import annotations

import json
from typing import Any

from labbook.models.report import Report


def report_dict(report: Report) -> dict[str, Any]:
    """The report as plain data, keys in the documented order."""
    data = report.model_dump(mode="json")
    findings = []
    for f in data["findings"]:
        if f.get("label") is None:
            f.pop("label", None)
        findings.append(f)
    return {
        "labbook_report": data["labbook_report"],
        "source": data["source"],
        "target": data["target"],
        "revision": data["revision"],
        "generated_at": report.generated_at.isoformat().replace("+00:00", "Z"),
        "in_sync": data["in_sync"],
        "counts": data["counts"],
        "findings": findings,
        "warnings": data["warnings"],
        "subjects": data["subjects"],
    }


def render_json(report: Report) -> str:
    """Pretty, stable JSON with a trailing newline."""
    return json.dumps(report_dict(report), indent=2, ensure_ascii=False) + "\n"
