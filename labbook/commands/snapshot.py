"""``labbook snapshot -o FILE``: record the cluster facts the checker uses, for offline checks.

Reads exactly what ``labbook drift cluster`` reads (never a Secret), keeps only
the fields it compares, and writes the file atomically, stamped with the
context and the API server's time.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from labbook.commands.drift_cluster import check_args, target
from labbook.cycles import without_cycle_collection
from labbook.errors import Collector, Problem
from labbook.files import atomic_write, display
from labbook.load.inventory import read_inventory
from labbook.sources import snapshot
from labbook.sources.cluster.plan import read_plan


def run(args: argparse.Namespace, found: Collector) -> int:
    """0 when written; 2 bad input; 3 the cluster could not be read."""
    from labbook.sources.cluster.reads import read_cluster

    found.extend(check_args(args))
    out = Path(args.output)  # checked by the CLI before the command runs
    inventory = found.take(read_inventory(Path(args.inventory)))
    found.check()
    assert inventory is not None
    plan = read_plan(inventory)
    with without_cycle_collection():
        capture = read_cluster(target(args), plan)
        if capture.warning:
            found.add(Problem.of(capture.warning, warning=True))
        text = snapshot.render(
            capture.objects, plan, context=capture.context, taken_at=capture.taken_at, absent_kinds=capture.absent
        )
    atomic_write(out, text)
    absent = f", not served: {', '.join(capture.absent)}" if capture.absent else ""
    print(
        f"wrote {display(out)}: {len(capture.objects)} objects from context {capture.context} "
        f"at {snapshot.stamp(capture.taken_at)} ({capture.requests} requests{absent})"
    )
    return 0
