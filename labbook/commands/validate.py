"""``labbook validate``: the inventory and every journal entry, all problems at once."""

from __future__ import annotations

import argparse
from pathlib import Path

from labbook.errors import Collector
from labbook.load.inventory import read_inventory
from labbook.load.journal import read_journal


def run(args: argparse.Namespace, found: Collector) -> int:
    """Exit 0 when valid (warnings are printed but do not fail); every error is collected first (exit 2)."""
    inventory = found.take(read_inventory(Path(args.inventory)))
    journal = found.take(read_journal(Path(args.journal), inventory.ids() if inventory else None))
    found.check()
    assert inventory is not None and journal is not None
    print(
        f"ok: {len(inventory.hardware.nodes)} nodes, {len(inventory.platform.components)} components, "
        f"{len(journal.entries)} journal entries"
    )
    return 0
