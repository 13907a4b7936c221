"""``labbook drift cluster``: the inventory against a live cluster (read-only) or a snapshot file.

``--snapshot FILE`` checks offline and never imports the ``kubernetes`` client.
``--repo DIR`` also reads the Flux repository, so that each version finding is
labelled ``docs-stale``, ``not-reconciled`` or ``out-of-band``.
"""

from __future__ import annotations

import argparse
import math
from datetime import UTC, datetime
from pathlib import Path

from labbook.commands._emit import emit
from labbook.drift.cluster import compare_cluster
from labbook.errors import Collector, Problem
from labbook.load.inventory import read_inventory
from labbook.models.inventory import Inventory
from labbook.models.observed import ClusterObserved, FluxObserved
from labbook.sources.cluster.plan import ReadPlan, read_plan


def check_timeout(args: argparse.Namespace) -> list[Problem]:
    """``--timeout`` must be a positive, finite number of seconds."""
    t = args.timeout
    if not (math.isfinite(t) and t > 0):
        return [Problem("--timeout", None, None, f"got {t:g} (expected a positive number of seconds)")]
    return []


def read_live(args: argparse.Namespace, plan: ReadPlan) -> ClusterObserved:
    """Read the cluster the arguments point at (imports the ``kubernetes`` client)."""
    from labbook.sources.cluster import connection
    from labbook.sources.cluster.reads import observed, read_cluster

    target = connection.Target(
        kubeconfig=args.kubeconfig,
        context=args.context,
        in_cluster=args.in_cluster,
        timeout=args.timeout,
        token_file=connection.SERVICE_ACCOUNT / "token",
        ca_file=connection.SERVICE_ACCOUNT / "ca.crt",
    )
    return observed(read_cluster(target, plan), plan)


def _inputs(args: argparse.Namespace, found: Collector) -> tuple[Inventory, FluxObserved | None]:
    found.extend(check_timeout(args))
    if args.snapshot and args.kubeconfig:
        found.add(Problem("--kubeconfig", None, None, "not used with --snapshot (expected one or the other)"))
    inventory = found.take(read_inventory(Path(args.inventory)))
    git = None
    if args.repo:
        from labbook.sources.flux import read_repo

        git = found.attempt(read_repo, Path(args.repo), args.path)
    found.check()
    assert inventory is not None
    return inventory, git


def run(args: argparse.Namespace, found: Collector) -> int:
    """0 in sync, 1 drift, 2 bad input, 3 the cluster could not be read."""
    inventory, git = _inputs(args, found)
    plan = read_plan(inventory)
    if args.snapshot:
        from labbook.sources import snapshot

        seen = snapshot.load(Path(args.snapshot), plan).observed(plan)
    else:
        seen = read_live(args, plan)
    report = compare_cluster(inventory, seen, generated_at=datetime.now(UTC), git=git)
    return emit(report, args)
