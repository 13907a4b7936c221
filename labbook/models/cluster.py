"""What a live cluster, or a snapshot of it, reports. Pure: no I/O.

``sources/cluster`` (live) and ``sources/snapshot`` (offline) fill a
:class:`ClusterObserved`; the cluster check compares it with the inventory.
Each field says which API field it comes from. The Flux objects here are the
cluster's side of the three-way comparison: what the HelmRelease asks for
(``desired``) separately from what runs (``running``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict

from labbook.models.location import Location
from labbook.models.report import ReportWarning
from labbook.models.scheduling import NodeView, Placement, Taint

FLUX_MANAGERS = ("kustomize-controller", "helm-controller", "source-controller")
"""Field managers of the Flux controllers (each one's ``controllerName``)."""


class _Obs(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Condition(_Obs):
    """A status condition, as far as the check reports it."""

    status: Literal["True", "False", "Unknown"]
    """The condition's status."""
    reason: str | None = None
    """Machine-readable reason, e.g. ``NodeStatusUnknown`` or ``UpgradeFailed``."""
    message: str | None = None
    """What the controller says."""
    since: datetime | None = None
    """``lastTransitionTime``."""

    @property
    def true(self) -> bool:
        """Status ``True``."""
        return self.status == "True"

    def explain(self) -> str:
        """``reason: message`` (or whichever is known)."""
        return ": ".join(p for p in (self.reason, self.message) if p) or f"status {self.status}"


class ObservedNode(_Obs):
    """A cluster node as the kubelet and the node lifecycle controller report it."""

    name: str
    """Node name."""
    roles: list[str] = []
    """From ``node-role.kubernetes.io/*`` labels."""
    arch: str | None = None
    """``kubernetes.io/arch``."""
    os_image: str | None = None
    """``status.nodeInfo.osImage``, e.g. ``Talos (v1.11.5)``."""
    kernel: str | None = None
    """``status.nodeInfo.kernelVersion``."""
    kubelet: str | None = None
    """``status.nodeInfo.kubeletVersion``."""
    cpu: int | None = None
    """``capacity.cpu``: hardware threads."""
    memory_ki: int | None = None
    """``capacity.memory`` in KiB."""
    gpus: int = 0
    """``capacity["nvidia.com/gpu"]``: with time-slicing, GPUs times replicas."""
    gpu_count: int | None = None
    """``nvidia.com/gpu.count`` label (GPU feature discovery): physical GPUs."""
    gpu_replicas: int | None = None
    """``nvidia.com/gpu.replicas`` label: replicas per GPU when shared."""
    gpu_product: str | None = None
    """``nvidia.com/gpu.product`` label (``-SHARED`` appended when time-sliced)."""
    resources: dict[str, int] = {}
    """``capacity`` of the other extended resources read (SR-IOV pools): every device registered."""
    allocatable: dict[str, int] = {}
    """``allocatable`` of the same resources: only the healthy devices."""
    labels: dict[str, str] = {}
    """Node labels read (those the check and the DaemonSets' placement use)."""
    taints: list[Taint] = []
    """``spec.taints``."""
    unschedulable: bool = False
    """``spec.unschedulable``: cordoned."""
    ready: Condition | None = None
    """The ``Ready`` condition; None when the node has none."""
    origin: Location
    """The Node object."""

    @property
    def is_ready(self) -> bool:
        """Ready is True."""
        return self.ready is not None and self.ready.true

    @property
    def view(self) -> NodeView:
        """What DaemonSet placement looks at."""
        return NodeView(name=self.name, labels=self.labels, taints=self.taints)


class FluxRef(_Obs):
    """A reference to another Flux object."""

    kind: str
    """Kind."""
    namespace: str
    """Namespace."""
    name: str
    """Name."""

    def __str__(self) -> str:
        return f"{self.kind} {self.namespace}/{self.name}"


class ClusterHelmRelease(_Obs):
    """A HelmRelease in the cluster: what it asks for, and what runs."""

    namespace: str
    """Namespace."""
    name: str
    """Name."""
    target_namespace: str | None = None
    """``spec.targetNamespace``."""
    chart: str | None = None
    """Chart name that runs (``status.history``), else the one asked for."""
    spec_version: str | None = None
    """``spec.chart.spec.version`` (Flux's default ``*`` when the template leaves it empty);
    None for a ``chartRef``."""
    chart_ref: FluxRef | None = None
    """``spec.chartRef``: the OCIRepository (or HelmChart) whose artifact is the chart."""
    version_manager: str | None = None
    """Field manager that last set ``spec.chart.spec.version`` (``managedFields``)."""
    running: str | None = None
    """``chartVersion`` of the newest ``deployed`` entry of ``status.history``: what runs."""
    attempted: str | None = None
    """The newest release attempted when it is not what runs (``history[0]`` failed), else
    ``lastAttemptedRevision`` when there is no history."""
    ready: Condition | None = None
    """The Ready condition."""
    reconciled: bool = True
    """``status.observedGeneration`` has caught up with ``metadata.generation``."""
    suspended: bool = False
    """``spec.suspend``."""
    applied_by: FluxRef | None = None
    """The Flux Kustomization that applied it (``kustomize.toolkit.fluxcd.io/name`` and
    ``/namespace`` labels)."""
    origin: Location
    """The HelmRelease object."""

    @property
    def installs_into(self) -> str:
        """Namespace the release's workloads land in."""
        return self.target_namespace or self.namespace


class ClusterOCIRepository(_Obs):
    """An OCIRepository in the cluster (the chart source of a ``chartRef``)."""

    namespace: str
    """Namespace."""
    name: str
    """Name."""
    url: str | None = None
    """``spec.url``."""
    tag: str | None = None
    """``spec.ref.tag``."""
    semver: str | None = None
    """``spec.ref.semver``."""
    digest: str | None = None
    """``spec.ref.digest``."""
    ref_manager: str | None = None
    """Field manager that last set the ``spec.ref`` field in force."""
    origin: Location
    """The OCIRepository object."""

    @property
    def ref(self) -> tuple[str, str]:
        """``(field, value)`` source-controller pulls: digest over semver over tag, else ``latest``."""
        for field, value in (("digest", self.digest), ("semver", self.semver), ("tag", self.tag)):
            if value:
                return f"spec.ref.{field}", value
        return "spec.ref", "latest"


class ClusterKustomization(_Obs):
    """A Flux Kustomization in the cluster."""

    namespace: str
    """Namespace."""
    name: str
    """Name."""
    source: FluxRef | None = None
    """``spec.sourceRef`` (namespace defaulted to the Kustomization's)."""
    ready: Condition | None = None
    """The Ready condition."""
    applied_revision: str | None = None
    """``status.lastAppliedRevision``, e.g. ``main@sha1:…``."""
    attempted_revision: str | None = None
    """``status.lastAttemptedRevision``."""
    suspended: bool = False
    """``spec.suspend``."""
    reconciled: bool = True
    """``status.observedGeneration`` has caught up with ``metadata.generation``."""
    origin: Location
    """The Kustomization object."""


class ObservedNetwork(_Obs):
    """A Multus NetworkAttachmentDefinition."""

    namespace: str
    """Namespace."""
    name: str
    """Name."""
    resource_name: str | None = None
    """``k8s.v1.cni.cncf.io/resourceName`` annotation."""
    cni: str | None = None
    """``type`` in the CNI config."""
    origin: Location
    """The NAD object."""


class ObservedSriovPool(_Obs):
    """One entry of the SR-IOV device plugin's ``resourceList``."""

    resource_name: str
    """Full resource name, prefix included."""
    vendors: list[str] = []
    """``selectors.vendors``."""
    devices: list[str] = []
    """``selectors.devices``."""
    pf_names: list[str] = []
    """``selectors.pfNames``."""
    origin: Location
    """The ConfigMap."""


class ObservedDaemonSet(_Obs):
    """A DaemonSet the RDMA/GPU stack depends on."""

    namespace: str
    """Namespace."""
    name: str
    """Name."""
    desired: int = 0
    """``status.desiredNumberScheduled``."""
    ready: int = 0
    """``status.numberReady``."""
    placement: Placement = Placement()
    """Where its pods may run (node name, selector, required affinity, tolerations)."""
    origin: Location
    """The DaemonSet object."""


class ClusterObserved(BaseModel):
    """What a live cluster or a snapshot of it reports (``sources/cluster``, ``sources/snapshot``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    source: Literal["cluster"] = "cluster"
    """Which kind of source."""
    target: str
    """Cluster context, or the snapshot file."""
    revision: str | None = None
    """The snapshot's stamp."""
    observed_at: datetime | None = None
    """When the API server answered (its ``Date`` header), or when the snapshot was taken."""
    warnings: list[ReportWarning] = []
    """Things that could not be fully read."""
    nodes: list[ObservedNode] = []
    """Nodes."""
    helmreleases: list[ClusterHelmRelease] = []
    """HelmReleases and their live status."""
    oci_repositories: list[ClusterOCIRepository] = []
    """OCIRepositories (chart sources of ``chartRef`` HelmReleases)."""
    kustomizations: list[ClusterKustomization] = []
    """Flux Kustomizations and their live status."""
    networks: list[ObservedNetwork] = []
    """NetworkAttachmentDefinitions."""
    sriov_pools: list[ObservedSriovPool] = []
    """SR-IOV device plugin resource pools."""
    daemonsets: list[ObservedDaemonSet] = []
    """DaemonSets of the GPU/RDMA stack."""
    absent_kinds: list[str] = []
    """API kinds the cluster does not serve (CRD not installed), e.g. ``HelmRelease``."""
