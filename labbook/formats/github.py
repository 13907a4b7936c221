"""``--format github``: workflow-command annotations on the lines that drifted.

``missing``/``mismatch``/``not-ready`` point at the inventory line that makes the
claim; ``undocumented`` points at the repo file that deploys the object. Paths
in annotations must be relative to the workspace, so Flux-repo-relative paths
(sources and warnings) are joined onto the report's target when it is a
relative folder.
"""

from __future__ import annotations

import posixpath

from labbook.formats import shown, title
from labbook.models.location import Location
from labbook.models.report import Finding, Report


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _prop(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def _in_repo(report: Report, loc: Location | None) -> Location | None:
    """A Flux-repo-relative location made relative to the workspace (the report's target)."""
    if loc and loc.file and report.source == "flux" and not posixpath.isabs(report.target):
        return Location(file=posixpath.normpath(posixpath.join(report.target, loc.file)), line=loc.line)
    return loc


def _anchor(report: Report, f: Finding) -> Location | None:
    if f.code == "undocumented" or f.where is None:
        return _in_repo(report, f.source)
    return f.where


def _command(level: str, message: str, loc: Location | None, heading: str) -> str:
    props = []
    if loc and loc.file:
        props.append(f"file={_prop(loc.file)}")
        if loc.line:
            props.append(f"line={loc.line}")
            if loc.col:
                props.append(f"col={loc.col}")
    props.append(f"title={_prop(heading)}")
    return f"::{level} {','.join(props)}::{_data(message)}"


def render_github(report: Report) -> str:
    """One annotation per finding and warning, and a closing notice."""
    lines = []
    for f in report.findings:
        heading = f"{f.code}: {f.subject}" + (f" {f.field}" if f.field else "")
        message = f.message
        if f.field:
            message += f" (documented {shown(f.documented)}, observed {shown(f.observed)})"
        if f.label:
            message += f" [{f.label}]"
        lines.append(_command("error", message, _anchor(report, f), heading))
    for w in report.warnings:
        loc = _in_repo(report, Location(file=w.file, line=w.line))
        lines.append(_command("warning", w.message, loc, f"{title(report)} warning"))
    verdict = (
        f"in sync ({report.counts.checked} subjects checked)"
        if report.in_sync
        else f"{report.counts.drift} drift finding(s) in {report.counts.checked} subjects checked"
    )
    lines.append(f"::notice title={_prop(title(report))}::{_data(verdict)}")
    return "\n".join(lines) + "\n"
