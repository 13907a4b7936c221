"""What a source saw, one model per kind of source. Pure: no I/O.

``sources/flux`` returns a :class:`FluxObserved` (the Flux objects in Git);
``sources/cluster`` and ``sources/snapshot`` a :class:`ClusterObserved` (nodes,
live Flux status and the RDMA plumbing); ``sources/prose`` a
:class:`DocsObserved` (figures stated in the docs). The types say what each
source fills in. The drift engine compares one with the inventory and never
reads anything itself.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from labbook.models.location import Location
from labbook.models.report import ReportWarning


class _Obs(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ObservedHelmRelease(_Obs):
    """A HelmRelease, from Git or from the cluster."""

    namespace: str
    """Namespace of the HelmRelease object."""
    name: str
    """HelmRelease name."""
    target_namespace: str | None = None
    """``spec.targetNamespace``: where the chart is installed, when not the object's namespace."""
    chart: str | None = None
    """Chart name (``spec.chart.spec.chart``, or the OCI artifact's last path segment)."""
    version: str | None = None
    """Chart version pinned in Git, or deployed in the cluster."""
    source_kind: str | None = None
    """Kind of the chart source (``HelmRepository``, ``OCIRepository`` …)."""
    source_name: str | None = None
    """Name of the chart source."""
    source_namespace: str | None = None
    """Namespace of the chart source."""
    ready: bool | None = None
    """The Ready condition (cluster only)."""
    ready_message: str | None = None
    """The Ready condition's message (cluster only)."""
    origin: Location
    """Where it was read: repo file:line or cluster object."""

    @property
    def installs_into(self) -> str:
        """Namespace the release's workloads land in."""
        return self.target_namespace or self.namespace


class ObservedSource(_Obs):
    """A Flux chart source (HelmRepository, OCIRepository, HelmChart, GitRepository)."""

    kind: str
    """Source kind."""
    namespace: str
    """Namespace."""
    name: str
    """Name."""
    url: str | None = None
    """``spec.url``."""
    tag: str | None = None
    """OCIRepository ``spec.ref.tag``."""
    semver: str | None = None
    """OCIRepository ``spec.ref.semver``."""
    type: str | None = None
    """HelmRepository ``spec.type`` (``oci`` or default)."""
    origin: Location
    """Where it was read."""


class ObservedKustomization(_Obs):
    """A Flux Kustomization."""

    namespace: str
    """Namespace."""
    name: str
    """Name."""
    path: str | None = None
    """``spec.path``."""
    depends_on: list[str] = []
    """``spec.dependsOn`` as ``namespace/name``."""
    target_namespace: str | None = None
    """``spec.targetNamespace``."""
    ready: bool | None = None
    """The Ready condition (cluster only)."""
    ready_message: str | None = None
    """The Ready condition's message (cluster only)."""
    revision: str | None = None
    """``status.lastAppliedRevision`` (cluster only)."""
    origin: Location
    """Where it was read."""


class ObservedNode(_Obs):
    """A cluster node as the kubelet reports it."""

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
    """``capacity["nvidia.com/gpu"]``."""
    gpu_product: str | None = None
    """``nvidia.com/gpu.product`` label."""
    resources: dict[str, int] = {}
    """Other extended resources read (SR-IOV pools)."""
    labels: dict[str, str] = {}
    """Node labels read (cluster check: matched against DaemonSet node selectors)."""
    origin: Location
    """The Node object."""


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
    node_selector: dict[str, str] = {}
    """``spec.template.spec.nodeSelector``."""
    origin: Location
    """The DaemonSet object."""


class ObservedFigure(_Obs):
    """A figure or name stated in hand-written prose."""

    kind: Literal["cores", "threads", "memory_gb", "fp4_pflops", "nodes", "gpus", "link_gbps", "node_name"]
    """Which inventory fact the text states."""
    value: str
    """The literal text of the figure, e.g. ``56`` or ``talos-7aj-lwl``."""
    claim: Literal["total", "each", "unqualified"] = "unqualified"
    """What the wording says the figure is about: the whole cluster (or the link itself),
    each node, or nothing explicit (``labbook.sources.prose`` explains the rule)."""
    origin: Location
    """docs file:line."""


class _Observation(_Obs):
    """What every source reports about itself."""

    target: str
    """Repo path, cluster context, snapshot file or docs folder."""
    revision: str | None = None
    """Git commit, or the snapshot's stamp."""
    warnings: list[ReportWarning] = []
    """Things that could not be fully read."""


class ObservedRepoSource(_Obs):
    """A Flux source that is the checked-out repository itself, and how the reader decided so."""

    kind: str
    """``GitRepository``, ``OCIRepository`` or ``Bucket``."""
    namespace: str
    """Namespace."""
    name: str
    """Name."""
    reason: str
    """How it was decided, for people (``--source``, a git remote, the Kustomization syncing the entry …)."""

    def __str__(self) -> str:
        return f"{self.kind} {self.namespace}/{self.name} ({self.reason})"


class FluxObserved(_Observation):
    """What a Flux repository deploys, read offline from Git (``sources/flux``)."""

    source: Literal["flux"] = "flux"
    """Which kind of source."""
    entry: str | None = None
    """The folder Flux starts from, repo-relative (``""`` for the repository root)."""
    entry_reason: str | None = None
    """How the entry point was found, for people."""
    repo_sources: list[ObservedRepoSource] = []
    """The sources that are this repository (the ones the reader can follow)."""
    helmreleases: list[ObservedHelmRelease] = []
    """HelmReleases, as Git pins them."""
    sources: list[ObservedSource] = []
    """Chart and manifest sources."""
    kustomizations: list[ObservedKustomization] = []
    """Flux Kustomizations."""
    namespaces: list[str] = []
    """Namespaces declared."""

    @property
    def header(self) -> list[str]:
        """How the repository was read, one line each: the entry point and which source is the repository."""
        lines = []
        if self.entry is not None:
            lines.append(f"entry point: {self.entry or '.'} ({self.entry_reason})")
        lines += [f"this repository: {s}" for s in self.repo_sources]
        return lines


class ClusterObserved(_Observation):
    """What a live cluster or a snapshot of it reports (``sources/cluster``, ``sources/snapshot``)."""

    source: Literal["cluster"] = "cluster"
    """Which kind of source."""
    nodes: list[ObservedNode] = []
    """Nodes."""
    helmreleases: list[ObservedHelmRelease] = []
    """HelmReleases and their live status."""
    kustomizations: list[ObservedKustomization] = []
    """Flux Kustomizations and their live status."""
    networks: list[ObservedNetwork] = []
    """NetworkAttachmentDefinitions."""
    sriov_pools: list[ObservedSriovPool] = []
    """SR-IOV device plugin resource pools."""
    daemonsets: list[ObservedDaemonSet] = []
    """DaemonSets of the GPU/RDMA stack."""
    absent_kinds: list[str] = []
    """API kinds the cluster does not serve (CRD not installed), e.g. ``HelmRelease``."""


class DocsObserved(_Observation):
    """Figures and names stated in the owner's prose (``sources/prose``)."""

    source: Literal["docs"] = "docs"
    """Which kind of source."""
    figures: list[ObservedFigure] = []
    """Figures stated in prose."""
    pages: list[str] = []
    """Every page read, as displayed paths, figures or not."""


Observed = FluxObserved | ClusterObserved | DocsObserved
"""Any source's observation."""
