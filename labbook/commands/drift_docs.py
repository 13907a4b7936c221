"""``labbook drift docs``: figures, node names and claims in the owner's prose against the inventory.

The prose is every page in ``--docs`` and the prose fields of the inventory (the tagline, notes,
design choices …), judged against today's inventory; and every journal entry, judged against the
inventory as of its date, read from the Git history (``history:`` in ``labbook.yaml``, else the
inventory's own repository). Entries no history covers are left out, and the report says so.
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from pathlib import Path

from labbook.commands._emit import emit
from labbook.config import HISTORY_OFF
from labbook.drift.docs import compare_docs, terms
from labbook.errors import Collector
from labbook.load.inputs import read_inputs
from labbook.load.inventory import read_inventory
from labbook.load.journal import read_journal
from labbook.models.inventory import Inventory
from labbook.models.observed import DocsObserved
from labbook.options import Default
from labbook.sources.prose import read_docs
from labbook.sources.prose.journal import JournalProse


def _journal(args: argparse.Namespace, inventory: Inventory, found: Collector) -> JournalProse:
    """The journal's prose, each entry with the inventory of its date; nothing when there is no journal
    folder and none was named."""
    folder = Path(args.journal)
    if isinstance(args.journal, Default) and not folder.exists():
        return JournalProse()
    journal = found.take(read_journal(folder, inventory.ids()))
    found.check()
    if journal is None or not journal.entries:
        return JournalProse()
    from labbook.history import read_history
    from labbook.history.inventory import InventoryOn
    from labbook.sources.prose import page
    from labbook.sources.prose.journal import read_journal_prose

    if args.history is None:
        return read_journal_prose(journal.entries, folder, lambda day: InventoryOn(day, why=HISTORY_OFF), page)
    timeline = read_history(args.history.inventory, None)
    return read_journal_prose(journal.entries, folder, timeline.inventory_on, page)


def run(args: argparse.Namespace, found: Collector) -> int:
    """0 when every figure holds, 1 on drift, 2 when the inventory, docs or journal folder is unusable or empty."""
    judged = read_inputs(Path(args.inventory), Path(args.docs), Path(args.journal))
    inventory = found.take(read_inventory(Path(args.inventory)))
    found.check()
    assert inventory is not None
    observed = read_docs(Path(args.docs), terms(inventory), Path(args.inventory), inventory)
    journal = _journal(args, inventory, found)
    observed = DocsObserved.model_validate(
        {
            **observed.model_dump(),
            "figures": [*observed.figures, *journal.figures],
            "journal": journal.files,
            "warnings": [*observed.warnings, *journal.warnings],
        }
    )
    report = compare_docs(inventory, observed, datetime.now(UTC).replace(microsecond=0), journal.as_of)
    return emit(report, args, judged)
