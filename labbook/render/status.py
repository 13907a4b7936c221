"""The Status page and the home page's "last verified" line, from the drift reports.

A missing report reads "not checked"; nothing here ever says "in sync" without
a report that says so.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime

from labbook.formats import shown
from labbook.models.inventory import Inventory
from labbook.models.location import Location
from labbook.models.report import Finding, Report
from labbook.render import pages
from labbook.render.text import bullets, code, md, plural, rel, table

KINDS = {"flux": "Flux repository", "cluster": "Cluster", "docs": "Docs prose"}
"""Report sources in display order, with their names on the page."""

_SHA = re.compile(r"^[0-9a-f]{40}$")


def when(stamp: datetime) -> str:
    """``2026-11-28 17:40 UTC`` (naive stamps are taken as UTC)."""
    aware = stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)
    return aware.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def against(report: Report) -> str:
    """``examples/flux`` at commit ``0123456789ab``, or the snapshot stamp."""
    text = code(report.target)
    if report.revision:
        rev = report.revision[:12] if _SHA.match(report.revision) else report.revision
        text += f" at {'commit ' if _SHA.match(report.revision) else ''}{code(rev)}"
    return text


def verdict(report: Report | None) -> str:
    """``in sync``, ``3 findings`` or ``not checked``."""
    if report is None:
        return "not checked"
    return "in sync" if report.in_sync else plural(report.counts.drift, "finding")


def _subject(subject: str, inventory: Inventory | None, page: str) -> str:
    """A subject, linked to its section when the inventory documents it."""
    found = pages.target(inventory, subject.partition("/")[2]) if inventory is not None else None
    kind = subject.partition("/")[0]
    if found and (
        (kind == "component" and found[0] == pages.PLATFORM) or (kind == "node" and found[0] == pages.HARDWARE)
    ):
        return f"[{code(subject)}]({rel(page, found[0], found[1])})"
    if kind == "rdma":
        return f"[{code(subject)}]({rel(page, pages.GPU_AI)})"
    return code(subject)


def _where(loc: Location | None) -> str:
    return code(str(loc)) if loc is not None else ""


def _value(f: Finding, value: object) -> str:
    return md(shown(value)) if f.field else ""


def findings_table(report: Report, inventory: Inventory | None = None, page: str = pages.STATUS) -> str:
    """One row per finding."""
    rows = [
        [
            _subject(f.subject, inventory, page),
            md(f.code) + (f" ({md(f.label)})" if f.label else ""),
            code(f.field) if f.field else "",
            _value(f, f.documented),
            _value(f, f.observed),
            _where(f.where),
            _where(f.source),
            md(f.message),
        ]
        for f in report.findings
    ]
    return table(["Subject", "Finding", "Field", "Documented", "Observed", "Where", "Source", "Message"], rows)


def report_section(
    kind: str, report: Report | None, shown_path: str, inventory: Inventory | None = None, page: str = pages.STATUS
) -> str:
    """One report: its verdict, when and against what it was checked, and its findings."""
    head = f"## {KINDS.get(kind, kind)} {{ #{kind} }}\n\n"
    if report is None:
        return (
            head + f'!!! note "Not checked"\n\n    No report at {code(shown_path)}: run <code>make check</code> '
            "to write it, then rebuild the site.\n"
        )
    counts = report.counts
    summary = (
        f"Checked {when(report.generated_at)} against {against(report)}: "
        f"{plural(counts.checked, 'subject')}, {plural(counts.drift, 'finding')}, {plural(counts.warnings, 'warning')}."
    )
    if report.in_sync:
        out = head + f'!!! success "In sync"\n\n    {summary}\n'
    else:
        out = head + f'!!! failure "Drift: {plural(counts.drift, "finding")}"\n\n    {summary}\n\n'
        out += findings_table(report, inventory, page)
    if report.warnings:
        items = [code(w.place) + f" {md(w.message)}" for w in report.warnings]
        body = "".join(f"    {line}" for line in bullets(items).splitlines(keepends=True))
        out += f'\n??? warning "{plural(len(items), "warning")}"\n\n{body}'
    return out


def status_page(
    reports: Mapping[str, Report | None],
    paths: Mapping[str, str],
    inventory: Inventory | None = None,
    page: str = pages.STATUS,
) -> str:
    """Every report kind in order, present or not."""
    return "\n".join(report_section(k, reports.get(k), paths.get(k, f"{k}.json"), inventory, page) for k in KINDS)


def verified_line(reports: Mapping[str, Report | None], page: str = pages.HOME) -> str:
    """One line: when the docs were last verified, and whether they were in sync."""
    link = f"[Status]({rel(page, pages.STATUS)})"
    present = [r for r in (reports.get(k) for k in KINDS) if r is not None]
    if not present:
        return f"{badge('not-checked', 'not checked')} No drift report has been written yet (see {link}).\n"
    newest = when(max(r.generated_at if r.generated_at.tzinfo else r.generated_at.replace(tzinfo=UTC) for r in present))
    parts = [f"{KINDS[k].lower().replace('flux', 'Flux')} {verdict(reports.get(k))}" for k in KINDS]
    if len(present) == len(KINDS) and all(r.in_sync for r in present):
        return (
            f"{badge('in-sync', 'in sync')} Docs last verified {newest} against the Flux repository, "
            f"the cluster and the prose (see {link}).\n"
        )
    mark = badge("drift", "drift") if any(not r.in_sync for r in present) else badge("partial", "partly checked")
    return f"{mark} Docs last verified {newest}: {', '.join(parts)} (see {link}).\n"


def badge(kind: str, label: str) -> str:
    """A coloured label (``docs/assets/labbook.css``); ``kind`` and ``label`` are fixed words."""
    return f'<span class="lb-badge lb-badge--{kind}">{label}</span>'
