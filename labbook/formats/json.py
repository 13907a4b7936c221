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
    for f in findings:
        for key in ("where", "source"):
            if f.get(key) and f[key].get("col") is None:
                f[key].pop("col", None)  # a column only where the source knows one
    out: dict[str, Any] = {
        "labbook_report": data["labbook_report"],
        "source": data["source"],
        "target": data["target"],
        "revision": data["revision"],
        "generated_at": report.generated_at.isoformat().replace("+00:00", "Z"),
    }
    if report.error is not None:
        out["error"] = report.error
    out |= {
        "in_sync": data["in_sync"],
        "counts": data["counts"],
        "findings": findings,
        "warnings": data["warnings"],
        "subjects": data["subjects"],
    }
    if data["inputs"] is not None:
        out["inputs"] = data["inputs"]
    return out


def render_json(report: Report) -> str:
    """Pretty, stable JSON with a trailing newline."""
    return json.dumps(report_dict(report), indent=2, ensure_ascii=False) + "\n"
