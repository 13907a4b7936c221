"""What to read from a cluster, derived from the inventory. Pure: no I/O.

Every read is one paginated list, GET only. Each kind in
:data:`labbook.sources.cluster.kinds.KINDS` says which lists it needs for an
inventory; the DaemonSets of the GPU/RDMA stack are found here from
``inventory/rdma.yaml`` and the ``nvidia-device-plugin`` and ``multus``
components. Secrets are never read.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from labbook.models.inventory import Inventory
from labbook.models.platform import Component

NVIDIA_COMPONENT = "nvidia-device-plugin"
"""Component id of the NVIDIA device plugin in ``platform.yaml``."""
MULTUS_COMPONENT = "multus"
"""Component id of Multus in ``platform.yaml``."""
MULTUS_DAEMONSET = "kube-multus-ds"
"""DaemonSet name of the upstream Multus (thick plugin) manifests."""


@dataclass(frozen=True, slots=True)
class ListCall:
    """One paginated list request."""

    kind: str
    """Object kind, e.g. ``HelmRelease``."""
    group: str
    """API group; empty for the core group."""
    version: str
    """API version within the group."""
    plural: str
    """Resource name in the URL, e.g. ``helmreleases``."""
    namespace: str | None = None
    """Namespace to list in; None for cluster-scoped kinds and lists across all namespaces."""
    field_selector: str | None = None
    """``fieldSelector``, e.g. ``metadata.name=sriovdp-config``."""
    crd: bool = False
    """Served by a CustomResourceDefinition: a 404 means it is not installed."""

    @property
    def api_version(self) -> str:
        """``apiVersion`` of the objects, e.g. ``helm.toolkit.fluxcd.io/v2``."""
        return f"{self.group}/{self.version}" if self.group else self.version

    @property
    def path(self) -> str:
        """The REST path the list is sent to, without query."""
        base = f"/apis/{self.group}/{self.version}" if self.group else f"/api/{self.version}"
        ns = f"/namespaces/{self.namespace}" if self.namespace else ""
        return f"{base}{ns}/{self.plural}"

    @property
    def key(self) -> str:
        """How a read is recorded: ``/api/v1/nodes`` or ``…/daemonsets?fieldSelector=metadata.name=x``."""
        return self.path + (f"?fieldSelector={self.field_selector}" if self.field_selector else "")

    @property
    def resource(self) -> str:
        """``plural.group`` as RBAC rules and CRDs name it, e.g. ``helmreleases.helm.toolkit.fluxcd.io``."""
        return f"{self.plural}.{self.group}" if self.group else self.plural

    def describe(self) -> str:
        """For people: ``DaemonSet kube-system/kube-multus-ds`` or ``HelmReleases in all namespaces``."""
        name = (self.field_selector or "").removeprefix("metadata.name=")
        if self.field_selector and name != self.field_selector:
            return f"{self.kind} {self.namespace}/{name}" if self.namespace else f"{self.kind} {name}"
        where = f"namespace {self.namespace}" if self.namespace else "all namespaces"
        kinds = self.kind[:-1] + "ies" if self.kind.endswith("y") else self.kind + "s"
        return f"{kinds} in {where}" if self.kind != "Node" else "Nodes"


@dataclass(frozen=True, slots=True)
class DaemonSetTarget:
    """A DaemonSet the GPU/RDMA stack depends on, and where it should run."""

    subject: str
    """Finding subject it belongs to, e.g. ``component/multus`` or ``rdma/sriov``."""
    field: tuple[str | int, ...]
    """Path under the subject where the inventory names or implies it (for ``Inventory.where``)."""
    namespace: str
    """Namespace of the DaemonSet."""
    name: str
    """DaemonSet name."""
    nodes: tuple[str, ...]
    """Nodes it should have a ready pod on, sorted."""


@dataclass(frozen=True, slots=True)
class ReadPlan:
    """Everything one check reads, and which parts of each object matter."""

    calls: tuple[ListCall, ...]
    """The list requests, in order."""
    capacity: tuple[str, ...]
    """Node capacity (and allocatable) keys the checker uses."""
    labels: tuple[str, ...]
    """Node label keys the checker uses (role labels are kept by prefix; DaemonSet placement
    adds the keys it reads)."""
    daemonsets: tuple[DaemonSetTarget, ...] = field(default=())
    """DaemonSets to check."""

    def call_for(self, api_version: str, kind: str) -> ListCall | None:
        """The first call that reads ``kind``."""
        return next((c for c in self.calls if c.api_version == api_version and c.kind == kind), None)


def _runs_on(inv: Inventory, component: Component | None, candidates: list[str]) -> tuple[str, ...]:
    arch = {n.name: n.arch for n in inv.hardware.nodes}
    rule = component.runs_on if component else None
    keep = [
        n
        for n in candidates
        if rule is None or ((not rule.nodes or n in rule.nodes) and (not rule.arch or arch.get(n) in rule.arch))
    ]
    return tuple(sorted(keep))


def daemonset_targets(inv: Inventory) -> tuple[DaemonSetTarget, ...]:
    """The NVIDIA device plugin, the SR-IOV device plugin and Multus, where the inventory documents them."""
    out: list[DaemonSetTarget] = []
    all_nodes = [n.name for n in inv.hardware.nodes]
    nvidia = inv.platform.component(NVIDIA_COMPONENT)
    if nvidia is not None:
        gpu_nodes = [n.name for n in inv.hardware.nodes if n.gpu_count]
        if nvidia.helm:
            ns, name = nvidia.installs_into(0), nvidia.helmrelease(0)[1]
            at: tuple[str | int, ...] = ("helm", 0)
        else:
            ns, name, at = nvidia.namespace, nvidia.id, ("namespace",)
        out.append(DaemonSetTarget(f"component/{nvidia.id}", at, ns, name, _runs_on(inv, nvidia, gpu_nodes)))
    sriov = inv.rdma.sriov
    if sriov is not None:
        dp = sriov.device_plugin
        nodes = tuple(sorted(n.node for n in sriov.nodes))
        out.append(DaemonSetTarget("rdma/sriov", ("device_plugin", "daemonset"), dp.namespace, dp.daemonset, nodes))
    multus = inv.platform.component(MULTUS_COMPONENT)
    if multus is not None:
        out.append(
            DaemonSetTarget(
                f"component/{multus.id}",
                ("namespace",),
                multus.namespace,
                MULTUS_DAEMONSET,
                _runs_on(inv, multus, all_nodes),
            )
        )
    return tuple(out)


def read_plan(inv: Inventory) -> ReadPlan:
    """The reads a check of ``inv`` needs, in a stable order (the kinds' table order)."""
    from labbook.sources.cluster.kinds import KINDS
    from labbook.sources.cluster.kinds.node import NODE_LABELS, capacity_keys

    calls = [call for kind in KINDS for call in kind.calls(inv)]
    return ReadPlan(
        calls=tuple(dict.fromkeys(calls)),
        capacity=capacity_keys(inv),
        labels=NODE_LABELS,
        daemonsets=daemonset_targets(inv),
    )
