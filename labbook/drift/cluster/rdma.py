"""The RDMA stack: SR-IOV pools and VFs, NADs and the DaemonSets behind them. Pure: no I/O."""

from __future__ import annotations

from labbook.drift.findings import Findings
from labbook.models.observed import ClusterObserved, ObservedDaemonSet, ObservedNode
from labbook.models.rdma import Rdma
from labbook.sources.cluster.plan import DaemonSetTarget


def _pf(name: str) -> str:
    return name.split("#", 1)[0]  # "enp1s0f0np0#0-3" selects VFs 0-3 of that PF


def compare_sriov(out: Findings, rdma: Rdma, seen: ClusterObserved) -> None:
    """The device plugin's pool for the documented resource, and the VFs each node advertises."""
    sriov = rdma.sriov
    if sriov is None:
        return
    subject, dp, resource = "rdma/sriov", sriov.device_plugin, sriov.resource_name
    out.checked(subject)
    cm = f"ConfigMap {dp.namespace}/{dp.configmap}"
    pool = next((p for p in seen.sriov_pools if p.resource_name == resource), None)
    if pool is None:
        found = [p.resource_name for p in seen.sriov_pools]
        unusable = any(w.file == cm for w in seen.warnings)
        why = (
            f"{cm} has no usable resourceList"
            if unusable
            else f"{cm} is not in the cluster"
            if not found
            else f"{cm} advertises only {', '.join(found)}"
        )
        out.add(
            "missing",
            subject,
            f"no SR-IOV pool {resource}: {why}",
            at=("resource_name",),
            field="resource_name",
            documented=resource,
            observed=found or None,
        )
    else:
        for attr, want, key in (("vendors", dp.vendor, "vendor"), ("devices", dp.vf_device, "vf_device")):
            got = getattr(pool, attr)
            if got and want not in got:
                out.add(
                    "mismatch",
                    subject,
                    f"pool {resource} selects {attr} {', '.join(got)} in {cm}",
                    at=("device_plugin", key),
                    field=f"device_plugin.{key}",
                    documented=want,
                    observed=got,
                    source=pool.origin,
                )
        documented_pfs = sorted({pf for n in sriov.nodes for pf in n.pf_interfaces})
        observed_pfs = sorted({_pf(p) for p in pool.pf_names})
        if observed_pfs and observed_pfs != documented_pfs:
            out.add(
                "mismatch",
                subject,
                f"pool {resource} selects pfNames {', '.join(pool.pf_names)} in {cm}",
                at=("nodes",),
                field="pf_interfaces",
                documented=documented_pfs,
                observed=observed_pfs,
                source=pool.origin,
            )
    nodes = {n.name: n for n in seen.nodes}
    for i, sn in enumerate(sriov.nodes):
        node = nodes.get(sn.node)
        if node is None:
            continue  # reported once, as a missing node
        vfs = node.resources.get(resource, 0)
        if vfs != sn.vfs:
            out.add(
                "mismatch",
                subject,
                f"node {sn.node} advertises {vfs} {resource}",
                at=("nodes", i, "vfs"),
                field=f"nodes[{i}].vfs",
                documented=sn.vfs,
                observed=vfs,
                source=node.origin,
            )


def compare_networks(out: Findings, rdma: Rdma, seen: ClusterObserved) -> None:
    """Each documented NAD exists with its resource name and CNI type; others are undocumented."""
    absent = "NetworkAttachmentDefinition" in seen.absent_kinds
    nads = {(n.namespace, n.name): n for n in seen.networks}
    for doc in rdma.networks:
        subject = f"rdma/{doc.name}"
        out.checked(subject)
        nad = nads.get((doc.namespace, doc.name))
        if nad is None:
            if not absent:
                out.add(
                    "missing",
                    subject,
                    f"documented, but no NetworkAttachmentDefinition {doc.namespace}/{doc.name} in the cluster",
                )
            continue
        what = f"NetworkAttachmentDefinition {doc.namespace}/{doc.name}"
        if nad.resource_name != doc.resource_name:
            out.add(
                "mismatch",
                subject,
                f"{what} draws from {nad.resource_name or 'no device-plugin pool'}",
                at=("resource_name",),
                field="resource_name",
                documented=doc.resource_name,
                observed=nad.resource_name,
                source=nad.origin,
            )
        if nad.cni != doc.cni:
            out.add(
                "mismatch",
                subject,
                f"{what} uses CNI type {nad.cni}",
                at=("cni",),
                field="cni",
                documented=doc.cni,
                observed=nad.cni,
                source=nad.origin,
            )
    documented = {(d.namespace, d.name) for d in rdma.networks}
    for nad in seen.networks:
        if (nad.namespace, nad.name) not in documented:
            out.add(
                "undocumented",
                f"rdma/{nad.name}",
                f"NetworkAttachmentDefinition {nad.namespace}/{nad.name} is in the cluster but not in the inventory",
                source=nad.origin,
                observed=f"{nad.namespace}/{nad.name}",
            )


def _selected(ds: ObservedDaemonSet, nodes: list[ObservedNode]) -> set[str]:
    return {n.name for n in nodes if all(n.labels.get(k) == v for k, v in ds.node_selector.items())}


def compare_daemonsets(out: Findings, targets: tuple[DaemonSetTarget, ...], seen: ClusterObserved) -> None:
    """Each DaemonSet exists, selects the nodes it should, is scheduled there and ready."""
    dss = {(d.namespace, d.name): d for d in seen.daemonsets}
    present = {n.name for n in seen.nodes}
    for t in targets:
        out.checked(t.subject)
        ds, what = dss.get((t.namespace, t.name)), f"DaemonSet {t.namespace}/{t.name}"
        if ds is None:
            out.add(
                "missing",
                t.subject,
                f"no {what} in the cluster",
                at=t.field,
                field="daemonset",
                documented=f"{t.namespace}/{t.name}",
            )
            continue
        expected = sorted(set(t.nodes) & present)
        if ds.node_selector:
            selected = sorted(_selected(ds, seen.nodes))
            if selected != expected:
                sel = ", ".join(f"{k}={v}" for k, v in sorted(ds.node_selector.items()))
                out.add(
                    "mismatch",
                    t.subject,
                    f"{what} selects nodes by {sel}: {', '.join(selected) or 'none'}",
                    at=t.field,
                    field="daemonset.nodes",
                    documented=expected,
                    observed=selected,
                    source=ds.origin,
                )
                continue
        if ds.desired != len(expected):
            out.add(
                "mismatch",
                t.subject,
                f"{what} is scheduled on {ds.desired} node(s); it should run on {', '.join(expected) or 'none'}",
                at=t.field,
                field="daemonset.desired",
                documented=len(expected),
                observed=ds.desired,
                source=ds.origin,
            )
        if ds.ready < ds.desired:
            out.add(
                "not-ready",
                t.subject,
                f"{what} has {ds.ready} of {ds.desired} pods ready",
                at=t.field,
                field="daemonset.ready",
                documented=ds.desired,
                observed=ds.ready,
                source=ds.origin,
            )
