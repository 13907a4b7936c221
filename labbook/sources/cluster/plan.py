"""What to read from a cluster, derived from the inventory. Pure: no I/O.

Every read is one paginated list. The checker reads only what the inventory
documents: the SR-IOV resource, ConfigMap and DaemonSet named in
``inventory/rdma.yaml``, the DaemonSets of the ``nvidia-device-plugin`` and
``multus`` components in their namespaces, and the Flux and Multus kinds the
platform and RDMA pages talk about. Secrets are never read.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from labbook.models.inventory import Inventory
from labbook.models.platform import Component

GPU_RESOURCE = "nvidia.com/gpu"
"""Extended resource the NVIDIA device plugin advertises."""
GPU_PRODUCT_LABEL = "nvidia.com/gpu.product"
"""Node label GPU feature discovery sets, e.g. ``NVIDIA-GB10``."""
ARCH_LABEL = "kubernetes.io/arch"
"""Well-known node label for the CPU architecture."""
ROLE_PREFIX = "node-role.kubernetes.io/"
"""Node labels whose suffix is a role, e.g. ``node-role.kubernetes.io/control-plane``."""
NAD_RESOURCE_ANNOTATION = "k8s.v1.cni.cncf.io/resourceName"
"""NetworkAttachmentDefinition annotation naming the device-plugin pool it draws from."""
SRIOV_CONFIG_KEY = "config.json"
"""Key of the SR-IOV device plugin ConfigMap that holds its ``resourceList``."""
NVIDIA_COMPONENT = "nvidia-device-plugin"
"""Component id of the NVIDIA device plugin in ``platform.yaml``."""
MULTUS_COMPONENT = "multus"
"""Component id of Multus in ``platform.yaml``."""
MULTUS_DAEMONSET = "kube-multus-ds"
"""DaemonSet name of the upstream Multus (thick plugin) manifests."""
FLUX_NAMESPACE = "flux-system"
"""Default namespace of Flux Kustomizations."""


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
    def resource(self) -> str:
        """``plural.group`` as RBAC rules and CRDs name it, e.g. ``helmreleases.helm.toolkit.fluxcd.io``."""
        return f"{self.plural}.{self.group}" if self.group else self.plural

    def describe(self) -> str:
        """For people: ``DaemonSet kube-system/kube-multus-ds`` or ``HelmReleases in all namespaces``."""
        name = (self.field_selector or "").removeprefix("metadata.name=")
        if self.field_selector and name != self.field_selector:
            return f"{self.kind} {self.namespace}/{name}" if self.namespace else f"{self.kind} {name}"
        where = f"namespace {self.namespace}" if self.namespace else "all namespaces"
        return f"{self.kind}s in {where}" if self.kind != "Node" else "Nodes"


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
    """Node capacity keys the checker uses."""
    labels: tuple[str, ...]
    """Node label keys the checker uses (role labels are kept by prefix)."""
    daemonsets: tuple[DaemonSetTarget, ...] = field(default=())
    """DaemonSets to check."""

    def call_for(self, api_version: str, kind: str) -> ListCall | None:
        """The first call that reads ``kind``."""
        return next((c for c in self.calls if c.api_version == api_version and c.kind == kind), None)

    @property
    def kinds(self) -> tuple[tuple[str, str], ...]:
        """``(apiVersion, kind)`` pairs read, without repeats."""
        return tuple(dict.fromkeys((c.api_version, c.kind) for c in self.calls))


def helm_identity(component: Component, index: int) -> tuple[str, str]:
    """``(namespace, name)`` of the HelmRelease for ``component.helm[index]`` (the naming convention)."""
    helm = component.helm[index]
    name = helm.flux.name if helm.flux else component.id
    namespace = (helm.flux.namespace if helm.flux else None) or helm.namespace or component.namespace
    return namespace, name


def helm_installs_into(component: Component, index: int) -> str:
    """Namespace ``component.helm[index]`` installs its workloads into."""
    return component.helm[index].namespace or component.namespace


def kustomization_identity(component: Component) -> tuple[str, str]:
    """``(namespace, name)`` of the Flux Kustomization deploying ``component``."""
    flux = component.kustomization.flux if component.kustomization else None
    return (flux.namespace if flux and flux.namespace else FLUX_NAMESPACE), (flux.name if flux else component.id)


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
            ns, name = helm_installs_into(nvidia, 0), helm_identity(nvidia, 0)[1]
            field: tuple[str | int, ...] = ("helm", 0)
        else:
            ns, name, field = nvidia.namespace, nvidia.id, ("namespace",)
        out.append(DaemonSetTarget(f"component/{nvidia.id}", field, ns, name, _runs_on(inv, nvidia, gpu_nodes)))
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
    """The reads a check of ``inv`` needs, in a stable order."""
    comps = inv.platform.components
    calls = [ListCall("Node", "", "v1", "nodes")]
    if any(c.helm for c in comps):
        calls.append(ListCall("HelmRelease", "helm.toolkit.fluxcd.io", "v2", "helmreleases", crd=True))
    if any(c.kustomization for c in comps):
        calls.append(ListCall("Kustomization", "kustomize.toolkit.fluxcd.io", "v1", "kustomizations", crd=True))
    if inv.rdma.networks:
        calls.append(
            ListCall("NetworkAttachmentDefinition", "k8s.cni.cncf.io", "v1", "network-attachment-definitions", crd=True)
        )
    capacity = ["cpu", "memory", GPU_RESOURCE]
    if inv.rdma.sriov is not None:
        dp = inv.rdma.sriov.device_plugin
        calls.append(ListCall("ConfigMap", "", "v1", "configmaps", dp.namespace, f"metadata.name={dp.configmap}"))
        capacity.append(inv.rdma.sriov.resource_name)
    targets = daemonset_targets(inv)
    for t in targets:
        calls.append(ListCall("DaemonSet", "apps", "v1", "daemonsets", t.namespace, f"metadata.name={t.name}"))
    return ReadPlan(
        calls=tuple(dict.fromkeys(calls)),
        capacity=tuple(dict.fromkeys(capacity)),
        labels=(ARCH_LABEL, GPU_PRODUCT_LABEL),
        daemonsets=targets,
    )
