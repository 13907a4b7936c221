"""``labbook drift docs``: figures, node names and claims in the owner's prose against the inventory.

The prose is every page in ``--docs`` and the prose fields of the inventory (the
tagline, notes, design choices …). Journal entries are history and are left out.
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from pathlib import Path

from labbook.commands._emit import emit
from labbook.drift.docs import compare_docs, terms
from labbook.errors import Collector
from labbook.load.inputs import read_inputs
from labbook.load.inventory import read_inventory
from labbook.sources.prose import read_docs


def run(args: argparse.Namespace, found: Collector) -> int:
    """0 when every figure holds, 1 on drift, 2 when the inventory or docs folder is unusable or empty."""
    judged = read_inputs(Path(args.inventory), Path(args.docs))
    inventory = found.take(read_inventory(Path(args.inventory)))
    found.check()
    assert inventory is not None
    observed = read_docs(Path(args.docs), terms(inventory), Path(args.inventory), inventory)
    report = compare_docs(inventory, observed, datetime.now(UTC).replace(microsecond=0))
    return emit(report, args, judged)
