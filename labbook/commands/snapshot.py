"""``labbook snapshot -o FILE``: record the cluster facts the checker uses, for offline checks.

Reads exactly what ``labbook drift cluster`` reads (never a Secret), keeps only
the fields it compares, and writes the file atomically, stamped with the
context and the time.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from labbook.commands.drift_cluster import check_timeout
from labbook.errors import Collector
from labbook.files import atomic_write, display
from labbook.load.inventory import read_inventory
from labbook.sources import snapshot
from labbook.sources.cluster.plan import read_plan


def run(args: argparse.Namespace, found: Collector) -> int:
    """0 when written; 2 bad input; 3 the cluster could not be read."""
    from labbook.sources.cluster import connection
    from labbook.sources.cluster.reads import read_cluster

    found.extend(check_timeout(args))
    out = Path(args.output)  # checked by the CLI before the command runs
    inventory = found.take(read_inventory(Path(args.inventory)))
    found.check()
    assert inventory is not None
    plan = read_plan(inventory)
    target = connection.Target(
        kubeconfig=args.kubeconfig,
        context=args.context,
        in_cluster=args.in_cluster,
        timeout=args.timeout,
        token_file=connection.SERVICE_ACCOUNT / "token",
        ca_file=connection.SERVICE_ACCOUNT / "ca.crt",
    )
    capture = read_cluster(target, plan)
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
