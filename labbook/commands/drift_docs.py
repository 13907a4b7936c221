"""``labbook drift docs``: figures and node names in hand-written ``docs/`` against the inventory."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from pathlib import Path

from labbook.commands._emit import emit
from labbook.drift.docs import compare_docs, name_shapes
from labbook.load.inventory import load_inventory
from labbook.sources.prose import read_docs


def run(args: argparse.Namespace) -> int:
    """0 when every figure holds, 1 on drift, 2 when the inventory or docs folder is unusable."""
    inventory = load_inventory(Path(args.inventory))
    observed = read_docs(Path(args.docs), name_shapes(inventory))
    report = compare_docs(inventory, observed, datetime.now(UTC).replace(microsecond=0))
    return emit(report, args)
