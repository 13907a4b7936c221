"""Cluster drift: the inventory against a live cluster or a snapshot. Pure: no I/O.

:func:`compare_cluster` takes the inventory, the cluster as observed and, for
three-way labels, the Flux repository as observed, and returns a
:class:`Report` in the same shape and with the same codes as Flux drift:

- ``node/<name>``: missing and extra nodes; architecture, CPU threads, memory
  (within ``hardware.memory_tolerance_percent``), GPU count and product, the
  control-plane role, and the Talos version where documented;
- ``component/<id>``: the HelmRelease exists, installs where documented, runs the
  documented chart and version, and is Ready; a Kustomization exists and is
  Ready; the NVIDIA device plugin and Multus DaemonSets run where they should;
- ``rdma/sriov``: the device plugin's pool, its selectors, VFs per node, its
  DaemonSet; ``rdma/<nad>``: each NetworkAttachmentDefinition and its pool;
- a kind the cluster does not serve (CRD not installed) is one ``missing``
  finding, and the objects of that kind are not compared one by one.
"""

from __future__ import annotations

from datetime import datetime

from labbook.drift.cluster.nodes import compare_nodes
from labbook.drift.cluster.platform import compare_components, same_version, three_way
from labbook.drift.cluster.rdma import compare_daemonsets, compare_networks, compare_sriov
from labbook.drift.findings import Findings
from labbook.models.inventory import Inventory
from labbook.models.observed import ClusterObserved, FluxObserved
from labbook.models.report import Report
from labbook.sources.cluster.plan import MULTUS_COMPONENT, daemonset_targets, helm_identity, read_plan

__all__ = ["compare_cluster", "same_version", "three_way"]

_PROVIDER = {"HelmRelease": "flux", "Kustomization": "flux", "NetworkAttachmentDefinition": MULTUS_COMPONENT}
"""The component whose CRDs serve each kind."""


def _absent(out: Findings, inv: Inventory, seen: ClusterObserved) -> None:
    plan = read_plan(inv)
    for kind in seen.absent_kinds:
        call = next((c for c in plan.calls if c.kind == kind), None)
        provider = _PROVIDER.get(kind)
        if provider and inv.platform.component(provider):
            subject = f"component/{provider}"
        elif kind == "NetworkAttachmentDefinition" and inv.rdma.networks:
            subject = f"rdma/{inv.rdma.networks[0].name}"
        else:
            subject = next((f"component/{c.id}" for c in inv.platform.components if c.helm or c.kustomization), "")
        count = {
            "HelmRelease": len({helm_identity(c, i) for c in inv.platform.components for i in range(len(c.helm))}),
            "Kustomization": sum(1 for c in inv.platform.components if c.kustomization),
            "NetworkAttachmentDefinition": len(inv.rdma.networks),
        }.get(kind, 0)
        api = f"{kind} ({call.api_version})" if call else kind
        crd = call.resource if call else kind
        out.add(
            "missing",
            subject,
            f"the cluster does not serve {api}: the CRD {crd} is not installed, "
            f"so {count} documented object(s) of that kind could not be checked",
            field="crd",
            documented=crd,
            observed=None,
        )


def compare_cluster(
    inventory: Inventory, seen: ClusterObserved, *, generated_at: datetime, git: FluxObserved | None = None
) -> Report:
    """Every documented fact the cluster can confirm, as a report; ``git`` adds three-way labels."""
    out = Findings(inventory)
    compare_nodes(out, inventory.hardware.nodes, seen.nodes, inventory.hardware.memory_tolerance_percent)
    compare_components(out, inventory.platform, seen, git)
    targets = daemonset_targets(inventory)
    compare_daemonsets(out, tuple(t for t in targets if t.subject.startswith("component/")), seen)
    compare_sriov(out, inventory.rdma, seen)
    compare_daemonsets(out, tuple(t for t in targets if not t.subject.startswith("component/")), seen)
    compare_networks(out, inventory.rdma, seen)
    _absent(out, inventory, seen)
    order = {s: i for i, s in enumerate(out.subjects)}
    findings = sorted(out.findings, key=lambda f: order[f.subject])  # stable: grouped by subject, met order kept
    return Report(
        source="cluster",
        target=seen.target,
        revision=seen.revision,
        generated_at=generated_at,
        subjects=out.subjects,
        findings=findings,
        warnings=list(seen.warnings),
    )
