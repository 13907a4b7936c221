"""``labbook drift docs``: figures and node names in hand-written ``docs/`` against the inventory."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from pathlib import Path

from labbook.commands._emit import emit
from labbook.drift.docs import compare_docs, name_shapes
from labbook.errors import Collector
from labbook.load.inventory import read_inventory
from labbook.sources.prose import read_docs


def run(args: argparse.Namespace, found: Collector) -> int:
    """0 when every figure holds, 1 on drift, 2 when the inventory or docs folder is unusable."""
    inventory = found.take(read_inventory(Path(args.inventory)))
    found.check()
    assert inventory is not None
    observed = read_docs(Path(args.docs), name_shapes(inventory))
    report = compare_docs(inventory, observed, datetime.now(UTC).replace(microsecond=0))
    return emit(report, args)
