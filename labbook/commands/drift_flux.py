"""``labbook drift flux``: the inventory against a Flux repository; ``--fix`` takes mismatches from Git."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from labbook.commands._emit import emit
from labbook.drift.fix import apply_fixes, left_for_owner
from labbook.drift.flux import check, compare
from labbook.errors import Collector
from labbook.load.inputs import read_inputs
from labbook.load.inventory import load_inventory, read_inventory
from labbook.models.inventory import Inventory
from labbook.models.observed import FluxObserved
from labbook.models.report import Inputs
from labbook.sources.flux import read_repo


def _read(args: argparse.Namespace, found: Collector) -> tuple[Inventory, FluxObserved]:
    """The inventory and the repo (``--repo``, or labbook.yaml's), every problem of both reported together."""
    inventory = found.take(read_inventory(Path(args.inventory)))
    observed = found.attempt(read_repo, Path(args.repo), args.path, args.source, args.verbose)
    found.check()
    assert inventory is not None and observed is not None
    return inventory, observed


def _fix(args: argparse.Namespace, inventory: Inventory, observed: FluxObserved) -> Inventory:
    """Apply ``--fix``, say exactly what changed and what is left, and return the inventory as now written."""
    outcome = check(inventory, observed)
    changes = apply_fixes(inventory, outcome, Path(args.inventory))
    human = args.format == "text" and not args.output
    out = sys.stdout if human else sys.stderr
    for change in changes:
        print(f"fixed: {change}", file=out)
    if not changes:
        print("fix: nothing to change in the inventory", file=out)
    fixed = {(c.subject, c.field) for c in changes}
    for finding in left_for_owner(outcome.findings, fixed):
        place = finding.where or finding.source
        print(f"left for you: {finding.subject} {finding.code}: {finding.message} ({place})", file=out)
    if human:
        print(file=out)
    return load_inventory(Path(args.inventory)) if changes else inventory


def run(args: argparse.Namespace, found: Collector) -> int:
    """Exit 0 in sync, 1 on drift, 2 for an unreadable inventory or repository."""
    judged: Inputs | None = read_inputs(Path(args.inventory))
    inventory, observed = _read(args, found)
    if args.fix:
        judged = None  # the inventory is rewritten: the digests of the old one say nothing
        inventory = _fix(args, inventory, observed)
    return emit(compare(inventory, observed), args, judged)
