"""``--format text``: what a person reads first. Drift grouped by subject."""

from __future__ import annotations

from itertools import groupby

from labbook.formats import revision, shown, title
from labbook.models.report import Finding, Report


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _finding(f: Finding) -> list[str]:
    message = _one_line(f.message)
    head = f"  {f.code:<12} "
    if f.field:
        head += f"{f.field}: documented {_one_line(shown(f.documented))}, observed {_one_line(shown(f.observed))}"
    else:
        head += message
    if f.label:
        head += f"  [{f.label}]"
    lines = [head]
    if f.field:
        lines.append(f"  {'':<12} {message}")
    places = [f"docs {f.where}" if f.where else "", f"source {f.source}" if f.source else ""]
    places = [p for p in places if p]
    if places:
        lines.append(f"  {'':<12} " + "  |  ".join(places))
    return lines


def render_text(report: Report) -> str:
    """Findings grouped by subject, then warnings, then a one-line verdict."""
    against = report.target + (f" @ {revision(report.revision)}" if report.revision else "")
    out = [f"{title(report)}: {against}"]
    out += [f"  {_one_line(line)}" for line in report.context]
    for subject, group in groupby(report.findings, key=lambda f: f.subject):
        out.append("")
        out.append(subject)
        for f in group:
            out.extend(_finding(f))
    if report.warnings:
        out.append("")
        out.append("warnings:")
        out.extend(f"  {w.place}: {_one_line(w.message)}" for w in report.warnings)
    out.append("")
    n, w = report.counts.drift, report.counts.warnings
    tail = f", {w} warning{'s' if w != 1 else ''}" if w else ""
    if report.in_sync:
        out.append(f"in sync: {report.counts.checked} subjects checked{tail}")
    else:
        subjects = len({f.subject for f in report.findings})
        out.append(f"DRIFT: {n} finding{'s' if n != 1 else ''} in {subjects} of {report.counts.checked} subjects{tail}")
    return "\n".join(out) + "\n"
