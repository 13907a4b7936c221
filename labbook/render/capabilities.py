"""Capabilities with their status and evidence: the one place that says whether something works.

Every page, table and diagram that names a capability goes through :func:`mark`
(or, in SVG, :func:`label`), so it shows the inventory's status next to the name
and carries ``data-capability``/``data-status`` for the site tests. Nothing here
states a capability without its status.
"""

from __future__ import annotations

from pathlib import PurePosixPath

from labbook.models.inventory import Inventory
from labbook.models.journal import Journal
from labbook.models.rdma import Capability, Evidence, Status
from labbook.render import pages
from labbook.render.journal import entry_link
from labbook.render.text import bullets, link, md, num

WORDS: dict[Status, str] = {
    "working": "working",
    "partial": "partial",
    "planned": "planned",
    "broken": "not working",
}
"""How each status reads next to a capability's name (``broken`` says what it means)."""


def badge(state: str, label: str | None = None) -> str:
    """A coloured label (``docs/assets/labbook.css``); ``state`` and ``label`` are fixed words."""
    return f'<span class="lb-badge lb-badge--{state}">{label or state}</span>'


def status_badge(status: Status) -> str:
    """The badge of a capability status."""
    return badge(status, WORDS[status])


def mark(cap: Capability) -> str:
    """``GPU-Direct RDMA [not working]``: the name and its status, marked for the site tests."""
    return (
        f'<span class="lb-cap" data-capability="{cap.id}" data-status="{cap.status}">'
        f"{md(cap.name)} {status_badge(cap.status)}</span>"
    )


def label(cap: Capability) -> str:
    """The plain-text form for SVG and alt text: ``GPU-Direct RDMA: not working``."""
    return f"{cap.name}: {WORDS[cap.status]}"


def _evidence(ev: Evidence, journal: Journal | None, page: str) -> str:
    if ev.journal is not None:
        entry = None
        if journal is not None:
            entry = next((e for e in journal.entries if PurePosixPath(e.path).stem == ev.journal), None)
        return f"journal: {entry_link(entry, page)}" if entry is not None else f"journal: {md(ev.journal)}"
    if ev.measured is not None:
        m = ev.measured
        when = f" on {m.date.isoformat()}" if m.date else ""
        how = f" (<code>{md(m.command)}</code>)" if m.command else ""
        return f"measured: {num(m.value)} {md(m.unit)} with {md(m.tool)}{when}{how}"
    return f"reference: {link(ev.title or str(ev.url), ev.url)}"


def status_list(inv: Inventory, journal: Journal | None = None, page: str = pages.GPU_AI) -> str:
    """Every capability: its status, what exactly holds, and the evidence, one item each."""
    caps = inv.rdma.capabilities
    if not caps:
        return "Nothing recorded yet.\n"
    items = []
    for cap in caps:
        text = mark(cap) + (f": {md(cap.note)}" if cap.note else "")
        if cap.evidence:
            text += (
                ' <span class="lb-evidence">('
                + "; ".join(_evidence(e, journal, page) for e in cap.evidence)
                + ")</span>"
            )
        items.append(text)
    return bullets(items)
