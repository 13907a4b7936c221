"""Journal listings and the links the hook appends to each entry.

Links point at the ``src_uri`` mkdocs knows each entry by (``journal/posts/<file>``,
see :mod:`labbook.render.pages`), written relative to the page being rendered, so
mkdocs resolves them to the blog's URLs and ``--strict`` catches a broken one.
Drafts are only listed when ``drafts`` is true (``mkdocs serve``): in a build
they are not pages, and a link to them would be a broken link.
"""

from __future__ import annotations

import calendar
from collections import Counter
from collections.abc import Callable

from labbook.models.inventory import Inventory
from labbook.models.journal import Journal, JournalEntry
from labbook.render import pages
from labbook.render.text import bullets, ident, md, rel

FOOTER_MARK = "<!-- labbook: journal links -->"
"""First line of what the hook appends to an entry (so it is recognisable in the page source)."""


def _visible(journal: Journal, drafts: bool) -> list[JournalEntry]:
    return journal.entries if drafts else journal.published()


def entry_link(entry: JournalEntry, page: str) -> str:
    """``[Title](../journal/posts/2025-11-02-x.md)``, relative to ``page``."""
    return f"[{md(entry.title)}]({rel(page, pages.post_path(entry))})"


def recent(journal: Journal, count: int, page: str = pages.HOME, drafts: bool = False) -> str:
    """The ``count`` newest entries with date and summary, newest first."""
    entries = _visible(journal, drafts)[:count]
    if not entries:
        return "No journal entries yet.\n"
    lines = []
    for e in entries:
        summary = f": {md(e.front.summary)}" if e.front.summary else ""
        draft = " *(draft)*" if e.front.draft else ""
        lines.append(f"**{e.date.isoformat()}** · {entry_link(e, page)}{draft}{summary}")
    return bullets(lines)


def related_list(journal: Journal, ref: str, page: str, drafts: bool = False) -> str:
    """Entries whose ``related`` names ``ref``, newest first, or an empty string."""
    entries = journal.related_to(ref, drafts=drafts)
    return bullets(f"{entry_link(e, page)} ({e.date.isoformat()})" for e in entries)


def month_counts(journal: Journal, drafts: bool = False) -> Counter[tuple[int, int]]:
    """Entries per (year, month)."""
    return Counter((e.date.year, e.date.month) for e in _visible(journal, drafts))


def months(
    journal: Journal,
    page: str = pages.JOURNAL,
    drafts: bool = False,
    counts: Counter[tuple[int, int]] | None = None,
    *,
    archive: Callable[[int, int], str],
) -> str:
    """One link per month that has entries, newest first, with the number of entries.

    ``archive(year, month)`` is the blog's archive page for the month, as the blog's own
    configuration names it (:meth:`labbook.site.settings.BlogSettings.archive_path`).
    ``counts`` (from :func:`month_counts`) saves recounting when many pages show the line.
    """
    counts = month_counts(journal, drafts) if counts is None else counts
    if not counts:
        return "No journal entries yet.\n"
    items = [
        f"[{calendar.month_name[m]} {y}]({rel(page, archive(y, m))}) ({counts[(y, m)]})"
        for (y, m) in sorted(counts, reverse=True)
    ]
    return " · ".join(items) + "\n"


def series_index(journal: Journal, drafts: bool = False) -> dict[str, list[JournalEntry]]:
    """Every series' parts, oldest first: :meth:`Journal.series` for all series in one pass."""
    index: dict[str, list[JournalEntry]] = {}
    for e in _visible(journal, drafts):
        if e.front.series:
            index.setdefault(e.front.series, []).append(e)
    for parts in index.values():
        parts.sort(key=lambda e: (e.date, e.slug))
    return index


def series_box(
    entry: JournalEntry, journal: Journal, drafts: bool = False, index: dict[str, list[JournalEntry]] | None = None
) -> str:
    """An admonition listing the entry's series in order, the entry itself in bold.

    ``index`` (from :func:`series_index`) saves a pass over the journal per entry.
    """
    name = entry.front.series
    if not name:
        return ""
    parts = index.get(name, []) if index is not None else journal.series(name, drafts=drafts)
    page = pages.post_path(entry)
    lines = []
    for i, part in enumerate(parts, 1):
        if part.path == entry.path:
            lines.append(f"    {i}. **{md(part.title)}** (this entry)")
        else:
            lines.append(f"    {i}. {entry_link(part, page)} ({part.date.isoformat()})")
    return f'!!! abstract "{md(f"Series: {name}")}"\n\n' + "\n".join(lines) + "\n"


def related_line(entry: JournalEntry, inventory: Inventory) -> str:
    """``**Related:** [Cilium](…#cilium) · [talos-7aj-lwl](…#talos-7aj-lwl)``, or ``""``."""
    page = pages.post_path(entry)
    links = []
    for ref in entry.front.related:
        found = pages.target(inventory, ref)
        if found is not None:
            where, anchor, name = found
            text = ident(name) if where == pages.HARDWARE else md(name)
            links.append(f"[{text}]({rel(page, where, anchor)})")
    return "**Related:** " + " · ".join(links) + "\n" if links else ""


def entry_footer(
    entry: JournalEntry,
    journal: Journal,
    inventory: Inventory,
    drafts: bool = False,
    index: dict[str, list[JournalEntry]] | None = None,
) -> str:
    """What the hook appends to an entry: its series in order and what it relates to."""
    parts = [p for p in (series_box(entry, journal, drafts, index), related_line(entry, inventory)) if p]
    if not parts:
        return ""
    return f"\n\n{FOOTER_MARK}\n\n---\n\n" + "\n".join(parts)
