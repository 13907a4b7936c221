"""The Status page and the home page's "last verified" line, from the drift reports.

A missing report reads "never checked", a failed one "check failed", and one that
judged other files than the ones the site is built from "stale"; nothing here ever
says "in sync" without a report that judged exactly these files and says so.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime

from labbook.formats import shown
from labbook.models.inventory import Inventory
from labbook.models.location import Location
from labbook.models.report import Finding, Inputs, Report
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


def _stale_why(report: Report, changed: list[str]) -> str:
    """Why a report no longer speaks for the files: the words the site and the tests look for."""
    if report.inputs is None:
        return "this report does not record what it checked (an older labbook wrote it): run <code>make check</code>"
    folders = {c.partition("/")[0] for c in changed}
    what = (
        "the inventory" if "inventory" in folders else "the docs" if "docs" in folders or not folders else "the journal"
    )
    files = ", ".join(code(c) for c in changed)
    return f"{what} changed after the last check ({files}): run <code>make check</code>"


def _indent(text: str) -> str:
    return "".join(f"    {line}" if line.strip() else line for line in text.splitlines(keepends=True))


def report_section(
    kind: str,
    report: Report | None,
    shown_path: str,
    now: Inputs,
    inventory: Inventory | None = None,
    page: str = pages.STATUS,
) -> str:
    """One report: never checked, failed, stale, or verified (in sync or with its findings)."""
    head = f"## {KINDS.get(kind, kind)} {{ #{kind} }}\n\n"
    if report is None:
        return (
            head + f'!!! note "Never checked"\n\n    No report at {code(shown_path)}: run <code>make check</code> '
            "to write it, then rebuild the site.\n"
        )
    state, changed = report.standing(now)
    counts = report.counts
    if state == "failed":
        lines = (report.error or "").splitlines() or ["(no message)"]
        return (
            head
            + f'!!! failure "Check failed"\n\n    Tried {when(report.generated_at)} against {code(report.target)}: '
            "the check could not run, so nothing here says these docs hold. Fix this, then run "
            "<code>make check</code>:\n\n" + _indent(bullets(code(line) for line in lines))
        )
    summary = (
        f"Checked {when(report.generated_at)} against {against(report)}: "
        f"{plural(counts.checked, 'subject')}, {plural(counts.drift, 'finding')}, {plural(counts.warnings, 'warning')}."
    )
    if state == "stale":
        hidden = f" Its {plural(counts.drift, 'finding')} judged other files and are not shown." if counts.drift else ""
        out = head + f'!!! warning "Stale"\n\n    {summary} Since then {_stale_why(report, changed)}.{hidden}\n'
    elif report.in_sync:
        out = head + f'!!! success "In sync"\n\n    {summary}\n'
    else:
        out = head + f'!!! failure "Drift: {plural(counts.drift, "finding")}"\n\n    {summary}\n\n'
        out += findings_table(report, inventory, page)
    if report.warnings:
        items = [code(w.place) + f" {md(w.message)}" for w in report.warnings]
        out += f'\n??? warning "{plural(len(items), "warning")}"\n\n{_indent(bullets(items))}'
    return out


def status_page(
    reports: Mapping[str, Report | None],
    paths: Mapping[str, str],
    now: Inputs,
    inventory: Inventory | None = None,
    page: str = pages.STATUS,
) -> str:
    """Every report kind in order, present or not."""
    return "\n".join(report_section(k, reports.get(k), paths.get(k, f"{k}.json"), now, inventory, page) for k in KINDS)


def _state(report: Report | None, now: Inputs) -> str:
    if report is None:
        return "not checked"
    standing, _ = report.standing(now)
    if standing != "verified":
        return standing
    return verdict(report)


def verified_line(reports: Mapping[str, Report | None], now: Inputs, page: str = pages.HOME) -> str:
    """One line for the home page: verified (with time), stale, failed or never checked."""
    link = f"[Status]({rel(page, pages.STATUS)})"
    present = {k: r for k in KINDS if (r := reports.get(k)) is not None}
    if not present:
        return (
            f"{badge('not-checked', 'never checked')} No check has run yet: run <code>make check</code> (see {link}).\n"
        )
    standings = {k: r.standing(now) for k, r in present.items()}
    failed = [k for k, (s, _) in standings.items() if s == "failed"]
    if failed:
        names = ", ".join(KINDS[k].lower().replace("flux", "Flux") for k in failed)
        return (
            f"{badge('failed', 'check failed')} The last check could not run ({names}): nothing here is verified "
            f"until <code>make check</code> passes (see {link}).\n"
        )
    stale = [(present[k], changed) for k, (s, changed) in standings.items() if s == "stale"]
    if stale:
        changed = sorted({c for _, cs in stale for c in cs})
        why = _stale_why(stale[0][0], changed) if changed else _stale_why(stale[0][0], [])
        return f"{badge('stale', 'stale')} Not verified: {why} (see {link}).\n"
    newest = when(max(_aware(r.generated_at) for r in present.values()))
    if len(present) == len(KINDS) and all(r.in_sync for r in present.values()):
        return (
            f"{badge('in-sync', 'in sync')} Docs verified {newest} against the Flux repository, "
            f"the cluster and the prose (see {link}).\n"
        )
    parts = [f"{KINDS[k].lower().replace('flux', 'Flux')} {_state(reports.get(k), now)}" for k in KINDS]
    mark = (
        badge("drift", "drift") if any(not r.in_sync for r in present.values()) else badge("partial", "partly checked")
    )
    return f"{mark} Docs verified {newest}: {', '.join(parts)} (see {link}).\n"


def _aware(stamp: datetime) -> datetime:
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)


def badge(kind: str, label: str) -> str:
    """A coloured label (``docs/assets/labbook.css``); ``kind`` and ``label`` are fixed words."""
    return f'<span class="lb-badge lb-badge--{kind}">{label}</span>'
