"""Multus NetworkAttachmentDefinitions (``k8s.cni.cncf.io/v1``) against ``rdma.yaml``. Pure: no I/O.

Shape from the Network Plumbing Working Group's CRD (multus-cni
``deployments/multus-daemonset.yml``): ``spec.config`` is a CNI configuration as
a JSON string, and the ``k8s.v1.cni.cncf.io/resourceName`` annotation names the
device-plugin pool whose devices pods on this network are given.
"""

from __future__ import annotations

import json
from typing import Any

from labbook.models.cluster import ObservedNetwork
from labbook.models.inventory import Inventory
from labbook.models.location import Location
from labbook.models.report import ReportWarning
from labbook.sources.cluster.kinds.base import CompareContext, Kind, ReadContext
from labbook.sources.cluster.plan import MULTUS_COMPONENT, ListCall
from labbook.sources.cluster.wire import ObjectMeta, Typed, Wire, meta_dict, object_name

NAD_RESOURCE_ANNOTATION = "k8s.v1.cni.cncf.io/resourceName"
"""NetworkAttachmentDefinition annotation naming the device-plugin pool it draws from."""


class NadSpec(Wire):
    """``spec``."""

    config: str | None = None
    """The CNI configuration, a JSON string."""


class NadObject(Typed):
    """A NetworkAttachmentDefinition."""

    metadata: ObjectMeta
    """``metadata``."""
    spec: NadSpec = NadSpec()
    """Spec."""


def cni_type(config: str | None) -> tuple[str | None, str | None]:
    """The CNI ``type`` of a NAD config (first plugin of a list), and a problem if it is not JSON."""
    if not config:
        return None, None
    try:
        data = json.loads(config)
    except ValueError as exc:
        return None, f"spec.config is not JSON: {exc}"
    if isinstance(data, dict) and isinstance(data.get("plugins"), list) and data["plugins"]:
        data = data["plugins"][0]
    kind = data.get("type") if isinstance(data, dict) else None
    return (kind if isinstance(kind, str) else None), None


class NadKind(Kind):
    """``k8s.cni.cncf.io/v1`` NetworkAttachmentDefinition."""

    group, version, kind, plural = (
        "k8s.cni.cncf.io",
        "v1",
        "NetworkAttachmentDefinition",
        "network-attachment-definitions",
    )
    model = NadObject
    field = "networks"
    crd = True
    provider = MULTUS_COMPONENT

    def calls(self, inv: Inventory) -> list[ListCall]:
        """One list across namespaces when networks are documented."""
        return [self.list_call()] if inv.rdma.networks else []

    def documented(self, inv: Inventory) -> int:
        """Documented networks."""
        return len(inv.rdma.networks)

    def parse(self, obj: NadObject, ctx: ReadContext) -> list[ObservedNetwork]:
        """Pool and CNI type; a config that is not JSON is a warning."""
        cni, problem = cni_type(obj.spec.config)
        if problem:
            ctx.warnings.append(ReportWarning(file=object_name(obj), message=problem))
        return [
            ObservedNetwork(
                namespace=obj.namespace,
                name=obj.metadata.name,
                resource_name=obj.metadata.annotations.get(NAD_RESOURCE_ANNOTATION),
                cni=cni,
                origin=Location(object=object_name(obj)),
            )
        ]

    def project(self, obj: NadObject, ctx: ReadContext) -> dict[str, Any]:
        """The pool annotation and the CNI type (an unusable config is kept as found)."""
        notes = {k: v for k, v in obj.metadata.annotations.items() if k == NAD_RESOURCE_ANNOTATION}
        cni, problem = cni_type(obj.spec.config)
        config = obj.spec.config if problem or cni is None else json.dumps({"type": cni})
        return {
            **self.head(),
            "metadata": meta_dict(obj, annotations=notes),
            "spec": {"config": config} if config else {},
        }

    def compare(self, ctx: CompareContext) -> None:
        """Each documented NAD exists with its pool and CNI type; others are undocumented."""
        absent = "NetworkAttachmentDefinition" in ctx.seen.absent_kinds
        nads = {(n.namespace, n.name): n for n in ctx.seen.networks}
        out = ctx.out
        for doc in ctx.inventory.rdma.networks:
            subject, what = f"rdma/{doc.name}", f"NetworkAttachmentDefinition {doc.namespace}/{doc.name}"
            nad = nads.get((doc.namespace, doc.name))
            if nad is None:
                if not absent:
                    out.add("missing", subject, f"documented, but no {what} in the cluster")
                continue
            if nad.resource_name != doc.resource_name:
                message = f"{what} draws from {nad.resource_name or 'no device-plugin pool'}"
                out.add(
                    "mismatch",
                    subject,
                    message,
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
        documented = {(d.namespace, d.name) for d in ctx.inventory.rdma.networks}
        for nad in ctx.seen.networks:
            if (nad.namespace, nad.name) not in documented:
                what = f"NetworkAttachmentDefinition {nad.namespace}/{nad.name}"
                out.add(
                    "undocumented",
                    f"rdma/{nad.name}",
                    f"{what} is in the cluster but not in the inventory",
                    source=nad.origin,
                    observed=f"{nad.namespace}/{nad.name}",
                )
