"""``labbook validate``: the inventory and every journal entry, all problems at once."""

from __future__ import annotations

import argparse
from pathlib import Path

from labbook.errors import BadInput, Problem
from labbook.load.inventory import load_inventory
from labbook.load.journal import load_journal


def run(args: argparse.Namespace) -> int:
    """Exit 0 when valid; otherwise every problem is raised together (exit 2)."""
    problems: list[Problem | str] = []
    inventory = None
    try:
        inventory = load_inventory(Path(args.inventory))
    except BadInput as exc:
        problems += exc.problems
    try:
        journal = load_journal(Path(args.journal), inventory.ids() if inventory else None)
    except BadInput as exc:
        problems += exc.problems
    if problems:
        raise BadInput(problems)
    assert inventory is not None
    print(
        f"ok: {len(inventory.hardware.nodes)} nodes, {len(inventory.platform.components)} components, "
        f"{len(journal.entries)} journal entries"
    )
    return 0
