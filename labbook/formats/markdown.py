"""``--format markdown``: a job-summary table, capped at 1 MiB.

GitHub rejects step summaries over 1 MiB, so rows stop before the cap and a
closing line says how many were left out.
"""

from __future__ import annotations

from labbook.formats import revision, shown, title
from labbook.models.report import Finding, Report

CAP = 1024 * 1024
"""Largest summary GitHub accepts, in bytes."""


def cell(value: object) -> str:
    """Text safe inside a markdown table cell."""
    text = shown(value) if not isinstance(value, str) else value
    text = text.replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")
    return " ".join(text.split())


def _row(f: Finding) -> str:
    cells = [
        f"`{f.subject}`",
        f.code + (f" ({f.label})" if f.label else ""),
        f"`{f.field}`" if f.field else "",
        cell(f.documented) if f.field else "",
        cell(f.observed) if f.field else "",
        cell(str(f.where)) if f.where else "",
        cell(str(f.source)) if f.source else "",
        cell(f.message),
    ]
    return "| " + " | ".join(cells) + " |\n"


def render_markdown(report: Report, cap: int = CAP) -> str:
    """Heading, verdict, findings table and warnings, never longer than ``cap`` bytes."""
    against = cell(report.target) + (f" @ `{revision(report.revision)}`" if report.revision else "")
    verdict = (
        f"✅ in sync — {report.counts.checked} subjects checked"
        if report.in_sync
        else f"❌ {report.counts.drift} drift finding(s) in {report.counts.checked} subjects checked"
    )
    head = (
        f"### {title(report)}\n\n{verdict}  \nChecked against {against} at {report.generated_at:%Y-%m-%d %H:%M} UTC\n"
    )
    parts = [head]
    if report.context:
        parts.append("\n" + "".join(f"- {cell(line)}\n" for line in report.context))
    if report.findings:
        parts.append(
            "\n| Subject | Finding | Field | Documented | Observed | Where | Source | Message |\n"
            "|---|---|---|---|---|---|---|---|\n"
        )
    rows = [_row(f) for f in report.findings]
    warn = [f"- `{cell(w.place)}` {cell(w.message)}\n" for w in report.warnings]
    if warn:
        warn.insert(0, f"\n<details><summary>{len(warn)} warning(s)</summary>\n\n")
        warn.append("\n</details>\n")
    size = sum(len(p.encode()) for p in parts)
    reserve = 200  # room for the "and N more" line
    out = list(parts)
    for i, row in enumerate(rows):
        if size + len(row.encode()) + reserve > cap:
            out.append(f"\n…and {len(rows) - i} more finding(s) not shown (summary capped at 1 MiB).\n")
            return "".join(out)
        out.append(row)
        size += len(row.encode())
    for line in warn:
        if size + len(line.encode()) + reserve > cap:
            out.append("\n…more warnings not shown (summary capped at 1 MiB).\n")
            break
        out.append(line)
        size += len(line.encode())
    return "".join(out)
