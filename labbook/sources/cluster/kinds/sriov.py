"""The SR-IOV device plugin: its ConfigMap's resource pool and the VFs each node advertises. Pure: no I/O.

Shapes from k8snetworkplumbingwg/sriov-network-device-plugin: the ConfigMap's
``config.json`` holds a ``resourceList`` (``pkg/types/types.go``), each entry's
``resourcePrefix`` defaulting to the ``--resource-prefix`` flag, ``intel.com``
(``cmd/sriovdp/main.go``); it advertises every VF its selectors find. The
kubelet's device manager counts every registered device in ``capacity`` and
only the healthy ones in ``allocatable`` (kubernetes
``pkg/kubelet/cm/devicemanager/manager.go``, ``GetCapacity``), and marks every
device of a plugin unhealthy when it loses the plugin (``markResourceUnhealthy``):
``allocatable`` below ``capacity`` is that many VFs pods cannot get.
"""

from __future__ import annotations

import json
from typing import Any

from labbook.models.cluster import ObservedSriovPool
from labbook.models.inventory import Inventory
from labbook.models.location import Location
from labbook.models.report import ReportWarning
from labbook.sources.cluster.kinds.base import CompareContext, Kind, ReadContext
from labbook.sources.cluster.plan import ListCall
from labbook.sources.cluster.wire import ObjectMeta, Typed, meta_dict, object_name

SRIOV_CONFIG_KEY = "config.json"
"""Key of the SR-IOV device plugin ConfigMap that holds its ``resourceList``."""
SRIOV_DEFAULT_PREFIX = "intel.com"
"""``resourcePrefix`` the SR-IOV device plugin uses when an entry sets none."""


class ConfigMapObject(Typed):
    """A ConfigMap (only the SR-IOV device plugin's is read)."""

    metadata: ObjectMeta
    """``metadata``."""
    data: dict[str, str] = {}
    """Data; the check reads ``config.json``."""


def sriov_resources(text: str) -> list[dict[str, Any]]:
    """The ``resourceList`` entries of a device-plugin ``config.json``; raises ValueError when malformed."""
    data = json.loads(text)
    entries = data.get("resourceList") if isinstance(data, dict) else None
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise ValueError("no resourceList of objects")
    return entries


def _strings(value: Any) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else []


def _pf(name: str) -> str:
    return name.split("#", 1)[0]  # "enp1s0f0np0#0-3" selects VFs 0-3 of that PF


class SriovConfigKind(Kind):
    """``v1`` ConfigMap of the SR-IOV device plugin."""

    group, version, kind, plural = "", "v1", "ConfigMap", "configmaps"
    model = ConfigMapObject
    field = "sriov_pools"

    def calls(self, inv: Inventory) -> list[ListCall]:
        """The documented ConfigMap, by name, in its namespace."""
        sriov = inv.rdma.sriov
        return [self.list_call(sriov.device_plugin.namespace, sriov.device_plugin.configmap)] if sriov else []

    def parse(self, obj: ConfigMapObject, ctx: ReadContext) -> list[ObservedSriovPool]:
        """One pool per ``resourceList`` entry; an unusable config is a warning."""
        text = obj.data.get(SRIOV_CONFIG_KEY)
        if text is None:
            ctx.warnings.append(ReportWarning(file=object_name(obj), message=f"has no data key {SRIOV_CONFIG_KEY!r}"))
            return []
        try:
            entries = sriov_resources(text)
        except ValueError as exc:
            problem = f"{SRIOV_CONFIG_KEY} is unusable: {exc}"
            ctx.warnings.append(ReportWarning(file=object_name(obj), message=problem))
            return []
        out = []
        for entry in entries:
            selectors = entry.get("selectors") or {}
            selectors = selectors[0] if isinstance(selectors, list) and selectors else selectors
            selectors = selectors if isinstance(selectors, dict) else {}
            prefix = entry.get("resourcePrefix") or SRIOV_DEFAULT_PREFIX
            out.append(
                ObservedSriovPool(
                    resource_name=f"{prefix}/{entry.get('resourceName', '')}",
                    vendors=_strings(selectors.get("vendors")),
                    devices=_strings(selectors.get("devices")),
                    pf_names=_strings(selectors.get("pfNames")),
                    origin=Location(object=object_name(obj)),
                )
            )
        return out

    def project(self, obj: ConfigMapObject, ctx: ReadContext) -> dict[str, Any]:
        """``config.json`` cut to names, prefixes and the selectors read (kept as found when unusable)."""
        data = {SRIOV_CONFIG_KEY: _cut(obj.data[SRIOV_CONFIG_KEY])} if SRIOV_CONFIG_KEY in obj.data else {}
        return {**self.head(), "metadata": meta_dict(obj), "data": data}

    def compare(self, ctx: CompareContext) -> None:
        """The pool of the documented resource and its selectors, then the VFs of each node."""
        if ctx.inventory.rdma.sriov is not None:
            _pool(ctx)
            _vfs(ctx)


def _cut(text: str) -> str:
    try:
        entries = sriov_resources(text)
    except ValueError:
        return text  # keep it as found: the check reports it
    keep = []
    for e in entries:
        sel = e.get("selectors")
        sel = [sel] if isinstance(sel, dict) else sel if isinstance(sel, list) else []
        cut = [{k: s[k] for k in ("vendors", "devices", "pfNames") if k in s} for s in sel if isinstance(s, dict)]
        entry = {k: e[k] for k in ("resourceName", "resourcePrefix") if k in e}
        keep.append({**entry, "selectors": cut[0] if len(cut) == 1 else cut})
    return json.dumps({"resourceList": keep}, indent=2) + "\n"


def _pool(ctx: CompareContext) -> None:
    sriov = ctx.inventory.rdma.sriov
    assert sriov is not None
    seen, out, subject = ctx.seen, ctx.out, "rdma/sriov"
    dp, resource = sriov.device_plugin, sriov.resource_name
    cm = f"ConfigMap {dp.namespace}/{dp.configmap}"
    pool = next((p for p in seen.sriov_pools if p.resource_name == resource), None)
    if pool is None:
        found = [p.resource_name for p in seen.sriov_pools]
        if any(w.file == cm for w in seen.warnings):
            why = f"{cm} has no usable resourceList"
        else:
            why = f"{cm} advertises only {', '.join(found)}" if found else f"{cm} is not in the cluster"
        out.add(
            "missing",
            subject,
            f"no SR-IOV pool {resource}: {why}",
            at=("resource_name",),
            field="resource_name",
            documented=resource,
            observed=found or None,
        )
        return
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


def _vfs(ctx: CompareContext) -> None:
    sriov = ctx.inventory.rdma.sriov
    assert sriov is not None
    resource, nodes = sriov.resource_name, {n.name: n for n in ctx.seen.nodes}
    for i, sn in enumerate(sriov.nodes):
        node = nodes.get(sn.node)
        if node is None:
            continue  # reported once, as a missing node
        down = sn.node in ctx.not_ready
        subject = f"node/{sn.node}" if down else "rdma/sriov"
        cause = "consequence of the node not being Ready: " if down else ""
        vfs = node.resources.get(resource, 0)
        healthy = node.allocatable.get(resource, vfs)
        at = ("nodes", i, "vfs")
        if vfs != sn.vfs:
            ctx.out.add(
                "mismatch",
                subject,
                f"{cause}node {sn.node} advertises {vfs} {resource} (capacity)",
                at=at,
                field=f"nodes[{i}].vfs",
                documented=sn.vfs,
                observed=vfs,
                source=node.origin,
                claim_of="rdma/sriov",
            )
        if healthy < vfs:
            message = (
                f"{cause}node {sn.node} advertises {vfs} {resource} but only {healthy} are allocatable: the kubelet "
                f"counts {vfs - healthy} VF(s) unhealthy (reported so by the device plugin, or all of them when it "
                "lost the plugin)"
            )
            ctx.out.add(
                "not-ready",
                subject,
                message,
                at=at,
                field=f"nodes[{i}].vfs.healthy",
                documented=sn.vfs,
                observed=healthy,
                source=node.origin,
                claim_of="rdma/sriov",
            )
