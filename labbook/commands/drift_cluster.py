"""``labbook drift cluster``: the inventory against a live cluster (read-only) or a snapshot file.

``--snapshot FILE`` checks offline and never imports the ``kubernetes`` client.
``--repo DIR`` also reads the Flux repository, so that each version finding is
labelled ``docs-stale``, ``not-reconciled`` or ``out-of-band``; when ``DIR`` is
a git checkout, each Kustomization's last applied revision is compared with
the commit it is at.
"""

from __future__ import annotations

import argparse
import math
from datetime import UTC, datetime
from pathlib import Path

from labbook.commands._emit import emit
from labbook.cycles import without_cycle_collection
from labbook.drift.cluster import compare_cluster
from labbook.errors import Collector, Problem
from labbook.load.inputs import read_inputs
from labbook.load.inventory import read_inventory
from labbook.models.cluster import ClusterObserved
from labbook.models.inventory import Inventory
from labbook.models.observed import FluxObserved
from labbook.sources.cluster.plan import ReadPlan, read_plan


def check_args(args: argparse.Namespace) -> list[Problem]:
    """``--timeout`` positive and finite; ``--token-file``/``--ca-file`` only with ``--in-cluster``."""
    problems = []
    t = args.timeout
    if not (math.isfinite(t) and t > 0):
        problems.append(Problem("--timeout", None, None, f"got {t:g} (expected a positive number of seconds)"))
    for flag, value in (("--token-file", args.token_file), ("--ca-file", args.ca_file)):
        if value and not args.in_cluster:
            problems.append(Problem(flag, None, None, "only used with --in-cluster (expected --in-cluster too)"))
    return problems


def target(args: argparse.Namespace):
    """Where the arguments point: a kubeconfig context, or the pod's service account."""
    from labbook.sources.cluster import connection

    return connection.Target(
        kubeconfig=args.kubeconfig,
        context=args.context,
        in_cluster=args.in_cluster,
        timeout=args.timeout,
        token_file=Path(args.token_file) if args.token_file else connection.SERVICE_ACCOUNT / "token",
        ca_file=Path(args.ca_file) if args.ca_file else connection.SERVICE_ACCOUNT / "ca.crt",
    )


def read_live(args: argparse.Namespace, plan: ReadPlan, found: Collector) -> ClusterObserved:
    """Read the cluster the arguments point at (imports the ``kubernetes`` client)."""
    from labbook.sources.cluster.reads import observed, read_cluster

    capture = read_cluster(target(args), plan)
    if capture.warning:
        found.add(Problem.of(capture.warning, warning=True))
    return observed(capture, plan)


def _inputs(args: argparse.Namespace, found: Collector) -> tuple[Inventory, FluxObserved | None, str | None]:
    found.extend(check_args(args))
    if args.snapshot and args.kubeconfig:
        found.add(Problem("--kubeconfig", None, None, "not used with --snapshot (expected one or the other)"))
    inventory = found.take(read_inventory(Path(args.inventory)))
    git = commit = None
    if args.repo:
        from labbook.sources.flux import read_repo
        from labbook.sources.flux.git import revision

        git = found.attempt(read_repo, Path(args.repo), args.path, args.source, args.verbose)
        if (Path(args.repo) / ".git").exists():  # the checkout's own commit, not that of a repo around it
            commit = revision(Path(args.repo))
    found.check()
    assert inventory is not None
    return inventory, git, commit


def run(args: argparse.Namespace, found: Collector) -> int:
    """0 in sync, 1 drift, 2 bad input, 3 the cluster could not be read."""
    judged = read_inputs(Path(args.inventory))
    inventory, git, commit = _inputs(args, found)
    plan = read_plan(inventory)
    with without_cycle_collection():
        if args.snapshot:
            from labbook.sources import snapshot

            seen = snapshot.load(Path(args.snapshot), plan).observed(plan)
        else:
            seen = read_live(args, plan, found)
        report = compare_cluster(inventory, seen, generated_at=datetime.now(UTC), git=git, git_commit=commit)
        return emit(report, args, judged)
