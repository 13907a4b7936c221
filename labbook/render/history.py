"""The lab through time, as text: ``labbook history`` output, the Changes page and each entry's box. Pure.

Links are written relative to the page being rendered, to the ``src_uri`` of
their target (see :mod:`labbook.render.pages`), so that mkdocs resolves them
and ``--strict`` catches a broken one. A component links to its section on the
Platform page, a node to its section on the Hardware page, when the inventory
of today still has it.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable

from labbook.history.kinds import NAME, kind_of
from labbook.models.history import Change, History, LabAsOf
from labbook.models.inventory import Inventory
from labbook.models.journal import Journal, JournalEntry
from labbook.render import pages
from labbook.render.journal import entry_link
from labbook.render.text import bullets, code, md, rel

CHANGES = "changes.md"
"""The Changes page (``src_uri``)."""


def _when(change: Change) -> str:
    return change.commit.day.isoformat()


def text(history: History) -> str:
    """``labbook history`` for people: one line per change, newest first, then how each repository read."""
    lines = [
        f"{_when(c)}  {c.commit.short}  {c.summary}  ({c.commit.author}{', Flux' if c.origin == 'flux' else ''})"
        for c in history.changes
    ]
    if not lines:
        lines.append("no changes found")
    return "\n".join(lines) + "\n"


def _ref_links(refs: Iterable[str], inventory: Inventory | None, page: str) -> list[str]:
    out = []
    for ref in refs:
        found = pages.target(inventory, ref) if inventory is not None else None
        if found is None:
            out.append(md(ref))
        else:
            where, anchor, name = found
            out.append(f"[{md(name)}]({rel(page, where, anchor)})")
    return out


def change_line(change: Change) -> str:
    """``2025-12-01 · Cilium: cilium 1.18.3 → 1.18.4 · abc1234 by Author``.

    Plain text: a month of a busy lab has hundreds of these, and each inline construct costs the
    builder's Markdown parser (``bench/site_history.py``: the commit id as inline code was half of
    the Changes page's Markdown time); the links are once per month, in :func:`changes_page`."""
    origin = " (Flux)" if change.origin == "flux" else ""
    return f"{_when(change)} · {md(change.summary)} · {change.commit.short} by {md(change.commit.author)}{origin}"


def _month_entries(journal: Journal | None, year: int, month: int, drafts: bool) -> list[JournalEntry]:
    if journal is None:
        return []
    entries = journal.entries if drafts else journal.published()
    return sorted((e for e in entries if (e.date.year, e.date.month) == (year, month)), key=lambda e: (e.date, e.slug))


def changes_page(
    history: History,
    inventory: Inventory | None,
    journal: Journal | None,
    page: str = CHANGES,
    drafts: bool = False,
    notice: str | None = None,
) -> str:
    """The Changes page body: one section per month, newest first; each lists that month's journal
    entries, the components and nodes it changed (each linking its section), then its changes.
    ``notice`` (why history is missing or partial) goes on top."""
    out = []
    if notice:
        out.append(f'!!! warning "History incomplete"\n\n    {md(notice)}\n')
    months: dict[tuple[int, int], list[Change]] = {}
    for change in history.changes:
        months.setdefault((change.commit.day.year, change.commit.day.month), []).append(change)
    if journal is not None:
        for e in journal.entries if drafts else journal.published():
            months.setdefault((e.date.year, e.date.month), [])
    if not months:
        out.append("No changes recorded yet.\n")
    for year, month in sorted(months, reverse=True):
        section = [f"## {calendar.month_name[month]} {year} {{ #{year:04d}-{month:02d} }}\n"]
        entries = _month_entries(journal, year, month, drafts)
        if entries:
            section.append("**Journal:** " + " · ".join(entry_link(e, page) for e in entries) + "\n")
        changes = months[(year, month)]
        changed = _ref_links(dict.fromkeys(ref for c in changes for ref in c.refs), inventory, page)
        if changed:
            section.append("**Changed:** " + " · ".join(changed) + "\n")
        section.append(bullets(change_line(c) for c in changes) if changes else "No changes.\n")
        out.append("\n".join(section))
    return "\n".join(out)


def changes_file(
    history: History | None,
    inventory: Inventory | None,
    journal: Journal | None,
    drafts: bool = False,
    notice: str | None = None,
    source: str = "inventory",
    note: str | None = None,
) -> str:
    """The whole Changes page: title, where the history comes from, ``note`` (the project config's word on
    it), then :func:`changes_page`; without history, only why."""
    out = ["# Changes\n"]
    if history is None:
        out.append(f'!!! warning "No history in this build"\n\n    {md(notice or "history was not read")}\n')
        return "\n".join(out)
    read = [r for r in history.repos if r.readable]
    flux = " and of the Flux repository" if any(r.origin == "flux" for r in read) else ""
    tip = next((r.head for r in read if r.origin == "inventory" and r.head), None)
    upto = f", up to commit {code(tip[:7])}" if tip else ""
    out.append(
        f"What changed in the lab, month by month, newest first: read from the Git history of {code(source)}"
        f"{flux}{upto}. A component or node links its section on the Platform or Hardware page.\n"
    )
    if note:
        out.append(f'!!! note "About this history"\n\n    {md(note)}\n')
    out.append(changes_page(history, inventory, journal, CHANGES, drafts, notice))
    return "\n".join(out)


def _versions(facts: dict[str, str]) -> str:
    seen: list[str] = []
    for key, value in facts.items():
        if key.startswith("version "):
            text = f"{facts.get('chart ' + key[len('version ') :], '')} {value}".strip()
            if text not in seen:
                seen.append(text)
    if "manifests" in facts:
        seen.append(f"manifests {facts['manifests']}")
    return ", ".join(code(s) for s in seen)


def _node(facts: dict[str, str]) -> str:
    parts = [facts.get("kind", ""), facts.get("CPU", ""), facts.get("memory", "")]
    if facts.get("GPUs", "none") != "none":
        parts.append(facts["GPUs"])
    if "Talos" in facts:
        parts.append(f"Talos {facts['Talos']}")
    return md(" · ".join(p for p in parts if p))


def entry_box(as_of: LabAsOf, page: str, inventory: Inventory | None = None) -> str:
    """The compact box under an entry: the lab on its date for what it relates to, then "Since then"."""
    title = f"The lab on {as_of.date.isoformat()}"
    body: list[str] = []
    if as_of.commit is None:
        body.append(f"The history read starts after {as_of.date.isoformat()}.")
    else:
        body.append(f"As of commit {code(as_of.commit.short)} ({as_of.commit.day.isoformat()}).")
        if as_of.nodes:
            body.append("**Nodes:** " + ", ".join(_ref_links(as_of.nodes, inventory, page)))
        rows = []
        for subject, facts in as_of.facts.items():
            kind, _, ident = subject.partition("/")
            name = _ref_links([ident], inventory, page)[0] if inventory is not None else md(facts.get(NAME, ident))
            rows.append(f"| {name} | {_node(facts) if kind == 'node' else _versions(facts)} |")
        if rows:
            body.append("|  |  |\n| --- | --- |\n" + "\n".join(rows))
    body.append("**Since then:**")
    if as_of.since:
        body.append(bullets(f"{_when(c)} · {md(c.summary)}" for c in as_of.since).rstrip("\n"))
    else:
        body.append("No changes to these since.")
    indented = "\n\n".join("\n".join(f"    {line}" if line else "" for line in b.split("\n")) for b in body)
    return f'!!! info "{md(title)}"\n\n{indented}\n'


def months_with_changes(history: History) -> list[dt.date]:
    """The first day of each month that has changes, newest first."""
    return sorted({dt.date(c.commit.day.year, c.commit.day.month, 1) for c in history.changes}, reverse=True)


def draft(changes: list[Change]) -> tuple[str, list[str]]:
    """The body of a draft entry listing ``changes`` (oldest first), and the ids for its ``related:``.

    One heading per kind of subject, the changes under it as facts (date, summary, commit), and an
    empty "What happened" and "What I learned" for the owner to write under: no prose is invented.
    """
    related = list(dict.fromkeys(ref for c in changes for ref in c.refs))
    groups: dict[str, list[Change]] = {}
    for c in changes:
        groups.setdefault(kind_of(c.subject).label or "Other", []).append(c)
    out = ["## What changed\n"]
    for label, items in groups.items():
        out.append(f"### {md(label)}\n")
        out.append(bullets(f"{_when(c)} · {md(c.summary)} (`{c.commit.short}`)" for c in items))
    if not changes:
        out.append("No changes recorded in this period.\n")
    out.append("## What happened\n")
    out.append("## What I learned\n")
    return "\n".join(out), related
