"""Journal entries, read as prose of their date: each with the inventory of that date, from Git history.

An entry describes the lab as it was when it was written. :func:`read_journal_prose` reads each
entry's figures with the terms of the inventory *as of its date* (the last commit on or before
it, :meth:`labbook.history.Timeline.inventory_on`), and hands the drift engine that inventory to
judge them by. An entry whose date no history covers (the history starts later, there is no Git
history at all, or that revision's inventory does not load) is not read, and the warnings say
which and why, once per reason.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from labbook.drift.docs import AsOf, terms
from labbook.files import display
from labbook.history.inventory import InventoryOn
from labbook.models.journal import JournalEntry
from labbook.models.observed import ObservedFigure
from labbook.models.report import ReportWarning
from labbook.sources.prose.figures import Reader, Terms


@dataclass
class JournalProse:
    """What the journal says, and what to judge each entry by."""

    figures: list[ObservedFigure] = field(default_factory=list)
    """Figures and claims of the entries read."""
    files: list[str] = field(default_factory=list)
    """Entries read, as displayed paths."""
    as_of: dict[str, AsOf] = field(default_factory=dict)
    """The inventory each entry read is judged against, by displayed path."""
    warnings: list[ReportWarning] = field(default_factory=list)
    """Entries left out, once per reason, and entries that could not be read."""


def read_journal_prose(
    entries: list[JournalEntry],
    folder: Path,
    inventory_on: Callable[[dt.date], InventoryOn],
    page: Callable[[Path, Reader], tuple[list[ObservedFigure], list[ReportWarning]]],
) -> JournalProse:
    """Read ``entries`` (files in ``folder``) against the inventory of each one's date.

    ``page`` reads one markdown file with a reader (the docs pages' own, so that entries are read
    exactly as pages are).
    """
    out = JournalProse()
    left_out: dict[str, list[str]] = {}
    readers: dict[int, Reader] = {}
    for entry in sorted(entries, key=lambda e: (e.date, e.path)):
        then = inventory_on(entry.date)
        if then.inventory is None or then.commit is None:
            why = then.why or "no history"
            if then.problems:
                why += f": {then.problems[0]}"
            left_out.setdefault(why, []).append(entry.path)
            continue
        inventory = then.inventory
        reader = readers.setdefault(id(inventory), Reader(Terms.of(terms(inventory))))
        path = folder / Path(entry.path).name
        figures, problems = page(path, reader)
        out.warnings += problems
        out.figures += figures
        out.files.append(display(path))
        out.as_of[display(path)] = AsOf(inventory, f"{entry.date.isoformat()} (commit {then.commit.short})")
    for why, files in left_out.items():
        names = ", ".join(Path(f).name for f in files)
        count = f"{len(files)} entries" if len(files) > 1 else "1 entry"
        their = "their dates" if len(files) > 1 else "its date"
        out.warnings.append(
            ReportWarning(
                file=str(Path(files[0]).parent.as_posix()),
                message=f"{count} not checked against the lab as of {their} ({names}): {why}",
            )
        )
    return out
