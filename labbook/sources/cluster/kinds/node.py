"""Nodes: what the kubelets and the node lifecycle controller report, against ``hardware.yaml``. Pure: no I/O.

- ``not-ready``: the Ready condition is False or Unknown (``NodeStatusUnknown``,
  "Kubelet stopped posting node status." when the kubelet went silent), with its
  reason, message, since when, and the taints the node lifecycle controller set;
- ``unschedulable``: the node is cordoned (``spec.unschedulable``);
- ``mismatch``: architecture, CPU threads, memory (within
  ``hardware.memory_tolerance_percent``), physical GPUs (GPU feature
  discovery's ``nvidia.com/gpu.count``; with time-slicing ``nvidia.com/gpu``
  capacity is GPUs times ``nvidia.com/gpu.replicas``, shown as context, never
  compared as GPUs), GPU product (``-SHARED`` removed), control-plane role, Talos version;
- ``missing`` / ``undocumented``: documented nodes the cluster lacks, and the reverse.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import Field

from labbook.models.cluster import ObservedNode
from labbook.models.inventory import Inventory
from labbook.models.location import Location
from labbook.models.scheduling import PLACEMENT_EFFECTS, Taint
from labbook.sources.cluster.kinds.base import CompareContext, Kind, ReadContext
from labbook.sources.cluster.kinds.node_rules import (
    ARCH_LABEL,
    GPU_COUNT_LABEL,
    GPU_PRODUCT_LABEL,
    GPU_REPLICAS_LABEL,
    GPU_RESOURCE,
    NODE_LABELS,
    ROLE_PREFIX,
    compare_nodes,
)
from labbook.sources.cluster.plan import ListCall
from labbook.sources.cluster.wire import (
    Condition,
    ObjectMeta,
    Quantity,
    Typed,
    Wire,
    condition,
    meta_dict,
    object_name,
    quantity_value,
    ready_only,
    whole,
)

__all__ = ["NODE_LABELS", "NodeKind", "NodeObject", "capacity_keys"]


def capacity_keys(inv: Inventory) -> tuple[str, ...]:
    """Node capacity keys a check of ``inv`` reads."""
    keys = ["cpu", "memory", GPU_RESOURCE]
    if inv.rdma.sriov is not None:
        keys.append(inv.rdma.sriov.resource_name)
    return tuple(dict.fromkeys(keys))


class TaintWire(Wire):
    """A ``spec.taints`` entry."""

    key: str
    """Key."""
    value: str = ""
    """Value."""
    effect: str
    """Effect."""
    time_added: datetime | None = Field(default=None, alias="timeAdded")
    """When a NoExecute taint was added."""


class NodeSpec(Wire):
    """``spec`` of a Node."""

    unschedulable: bool = False
    """Cordoned."""
    taints: list[TaintWire] = []
    """Taints."""


class NodeSystemInfo(Wire):
    """``status.nodeInfo``."""

    architecture: str | None = None
    """CPU architecture the kubelet reports."""
    os_image: str | None = Field(default=None, alias="osImage")
    """OS image, e.g. ``Talos (v1.11.5)``."""
    kernel_version: str | None = Field(default=None, alias="kernelVersion")
    """Kernel version."""
    kubelet_version: str | None = Field(default=None, alias="kubeletVersion")
    """Kubelet version."""


class NodeStatus(Wire):
    """``status`` of a Node."""

    capacity: dict[str, Quantity] = {}
    """Resource capacity: ``cpu``, ``memory``, extended resources (every registered device)."""
    allocatable: dict[str, Quantity] = {}
    """What pods can be given: for device-plugin resources, the healthy devices only."""
    conditions: list[Condition] = []
    """Conditions; the check reads Ready."""
    node_info: NodeSystemInfo | None = Field(default=None, alias="nodeInfo")
    """System info."""


class NodeObject(Typed):
    """A Node."""

    metadata: ObjectMeta
    """``metadata``."""
    spec: NodeSpec = NodeSpec()
    """Spec."""
    status: NodeStatus = NodeStatus()
    """Status."""


def _label_int(value: str | None) -> int | None:
    return int(value) if value is not None and value.isdigit() else None


class NodeKind(Kind):
    """``v1`` Node."""

    group, version, kind, plural = "", "v1", "Node", "nodes"
    model = NodeObject
    field = "nodes"

    def calls(self, inv: Inventory) -> list[ListCall]:
        """One list of every node, always."""
        return [self.list_call()]

    def parse(self, obj: NodeObject, ctx: ReadContext) -> list[ObservedNode]:
        """The node, its labels cut to the ones read."""
        cap, alloc = obj.status.capacity, obj.status.allocatable
        labels = {k: v for k, v in obj.metadata.labels.items() if k in ctx.labels or k.startswith(ROLE_PREFIX)}
        info = obj.status.node_info or NodeSystemInfo()
        extended = [r for r in ctx.capacity if r not in ("cpu", "memory", GPU_RESOURCE)]
        memory = cap.get("memory")
        return [
            ObservedNode(
                name=obj.metadata.name,
                roles=sorted(k.removeprefix(ROLE_PREFIX) for k in labels if k.startswith(ROLE_PREFIX)),
                arch=labels.get(ARCH_LABEL) or info.architecture,
                os_image=info.os_image,
                kernel=info.kernel_version,
                kubelet=info.kubelet_version,
                cpu=whole(cap.get("cpu")),
                memory_ki=None if memory is None else int(quantity_value(memory) / 1024),
                gpus=whole(cap.get(GPU_RESOURCE)) or 0,
                gpu_count=_label_int(labels.get(GPU_COUNT_LABEL)),
                gpu_replicas=_label_int(labels.get(GPU_REPLICAS_LABEL)),
                gpu_product=labels.get(GPU_PRODUCT_LABEL),
                resources={r: whole(cap[r]) or 0 for r in extended if r in cap},
                allocatable={r: whole(alloc[r]) or 0 for r in extended if r in alloc},
                labels=labels,
                taints=[
                    Taint(
                        key=t.key,
                        value=t.value,
                        effect=t.effect,
                        time_added=t.time_added.strftime("%Y-%m-%dT%H:%M:%SZ") if t.time_added else None,
                    )
                    for t in obj.spec.taints
                ],
                unschedulable=obj.spec.unschedulable,
                ready=condition(obj.status.conditions),
                origin=Location(object=object_name(obj)),
            )
        ]

    def project(self, obj: NodeObject, ctx: ReadContext) -> dict[str, Any]:
        """Labels read, placement taints, the capacities read, Ready, node info."""
        labels = {k: v for k, v in obj.metadata.labels.items() if k in ctx.labels or k.startswith(ROLE_PREFIX)}
        extended = [r for r in ctx.capacity if r not in ("cpu", "memory", GPU_RESOURCE)]
        spec: dict[str, Any] = {"unschedulable": True} if obj.spec.unschedulable else {}
        taints = [t for t in obj.spec.taints if t.effect in PLACEMENT_EFFECTS]
        if taints:
            spec["taints"] = [t.model_dump(mode="json", by_alias=True, exclude_defaults=True) for t in taints]
        status: dict[str, Any] = {
            "capacity": {k: obj.status.capacity[k] for k in ctx.capacity if k in obj.status.capacity},
        }
        allocatable = {k: obj.status.allocatable[k] for k in extended if k in obj.status.allocatable}
        if allocatable:
            status["allocatable"] = allocatable
        if ready := ready_only(obj.status.conditions):
            status["conditions"] = ready
        if obj.status.node_info:
            status["nodeInfo"] = obj.status.node_info.model_dump(by_alias=True, exclude_none=True)
        out = {**self.head(), "metadata": meta_dict(obj, labels=dict(sorted(labels.items())))}
        return out | ({"spec": spec} if spec else {}) | {"status": status}

    def compare(self, ctx: CompareContext) -> None:
        """Every documented node against the cluster's; extra nodes are undocumented."""
        compare_nodes(ctx)
