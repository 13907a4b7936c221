"""Cluster drift: the inventory against a live cluster or a snapshot. Pure: no I/O.

:func:`compare_cluster` runs the comparison of every kind in
:data:`labbook.sources.cluster.kinds.KINDS`, in table order, and returns a
:class:`Report` in the same shape and with the same codes as Flux drift:

- ``node/<name>``: Ready, cordoned, architecture, CPU threads, memory, GPUs,
  role, Talos version; and, as consequences, what a node's state explains (a
  taint that keeps a documented DaemonSet off, pods that cannot be ready, VFs);
- ``component/<id>``: HelmReleases (chart, version three ways with ``--repo``,
  suspended, Ready), Kustomizations (suspended, Ready, behind Git), the NVIDIA
  device plugin and Multus DaemonSets;
- ``rdma/sriov``: the device plugin's pool, its selectors, VFs per node (capacity
  and healthy), its DaemonSet; ``rdma/<nad>``: each NetworkAttachmentDefinition;
- a kind the cluster does not serve (CRD not installed) is one ``missing``
  finding, and the objects of that kind are not compared one by one.

Subjects are reported nodes first, then components, then RDMA, each in inventory
order followed by undocumented objects.
"""

from __future__ import annotations

from datetime import datetime

from labbook.drift.findings import Findings
from labbook.models.cluster import ClusterObserved
from labbook.models.inventory import Inventory
from labbook.models.observed import FluxObserved
from labbook.models.report import Report
from labbook.sources.cluster.kinds import KINDS, CompareContext
from labbook.sources.cluster.plan import read_plan

__all__ = ["compare_cluster"]

_GROUPS = ("node", "component", "rdma")
"""Subject kinds, in report order."""


def _documented_subjects(out: Findings, inv: Inventory) -> None:
    for node in inv.hardware.nodes:
        out.checked(f"node/{node.name}")
    for comp in inv.platform.components:
        out.checked(f"component/{comp.id}")
    if inv.rdma.sriov is not None:
        out.checked("rdma/sriov")
    for nad in inv.rdma.networks:
        out.checked(f"rdma/{nad.name}")


def _absent(ctx: CompareContext) -> None:
    inv, plan = ctx.inventory, ctx.plan
    for kind in KINDS:
        if kind.kind not in ctx.seen.absent_kinds:
            continue
        call = next((c for c in plan.calls if c.kind == kind.kind), None)
        if kind.provider and inv.platform.component(kind.provider):
            subject = f"component/{kind.provider}"
        elif kind.kind == "NetworkAttachmentDefinition" and inv.rdma.networks:
            subject = f"rdma/{inv.rdma.networks[0].name}"
        else:
            subject = next((f"component/{c.id}" for c in inv.platform.components), "")
        crd = call.resource if call else kind.kind
        ctx.out.add(
            "missing",
            subject,
            f"the cluster does not serve {kind.kind} ({kind.api_version}): the CRD {crd} is not installed, "
            f"so {kind.documented(inv)} documented object(s) of that kind could not be checked",
            field="crd",
            documented=crd,
            observed=None,
        )


def compare_cluster(
    inventory: Inventory,
    seen: ClusterObserved,
    *,
    generated_at: datetime,
    git: FluxObserved | None = None,
    git_commit: str | None = None,
) -> Report:
    """Every documented fact the cluster can confirm, as a report.

    ``git`` (the Flux repository) adds three-way labels; ``git_commit`` (the commit of a
    ``--repo`` git checkout) compares each Kustomization's last applied revision with it.
    """
    out = Findings(inventory)
    _documented_subjects(out, inventory)
    ctx = CompareContext(out, inventory, seen, read_plan(inventory), git, git_commit)
    for kind in KINDS:
        kind.compare(ctx)
    _absent(ctx)
    met = {s: i for i, s in enumerate(out.subjects)}
    subjects = sorted(out.subjects, key=lambda s: (_GROUPS.index(s.partition("/")[0]), met[s]))
    order = {s: i for i, s in enumerate(subjects)}
    findings = sorted(out.findings, key=lambda f: order[f.subject])  # stable: grouped by subject, met order kept
    return Report(
        source="cluster",
        target=seen.target,
        revision=seen.revision,
        generated_at=generated_at,
        subjects=subjects,
        findings=findings,
        warnings=list(seen.warnings),
    )
