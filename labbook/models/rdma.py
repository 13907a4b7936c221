"""RDMA: the ConnectX-7 link between the Sparks, SR-IOV, Multus and NCCL."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import AnyHttpUrl, Field, PositiveFloat, PositiveInt, model_validator

from labbook.models.base import Id, Model, Prose, Text

Status = Literal["working", "partial", "planned", "broken"]
"""Where a capability stands: ``working`` (shown to work), ``partial`` (works in part),
``planned`` (not built or not measured yet) or ``broken`` (tried, and it does not work)."""

STATUSES: tuple[Status, ...] = ("working", "partial", "planned", "broken")
"""Every status, best first."""

CapabilityKind = Literal["sriov", "network", "rdma", "nccl", "gpudirect", "bandwidth", "other"]
"""What a capability is about, so that diagrams know where to draw it."""


class LinkEndpoint(Model):
    """One end of a physical link."""

    node: Id
    """Node name; must exist in the hardware inventory."""
    nic: Text
    """NIC model at this end, e.g. ``ConnectX-7``."""
    port: Text
    """Physical port, e.g. ``QSFP 0``."""
    interface: str | None = None
    """Linux name of the PF behind the port, e.g. ``enp1s0f0np0``."""
    other_interfaces: list[str] = []
    """Other Linux names of the same physical port: on a DGX Spark each QSFP port is two
    PCIe functions, one per PCIe Gen5 x4 link to the NIC (``enP2p1s0f0np0`` next to
    ``enp1s0f0np0``)."""

    @property
    def interfaces(self) -> list[str]:
        """Every Linux name of this port, the PF first."""
        return ([self.interface] if self.interface else []) + self.other_interfaces


class Link(Model):
    """A physical network link."""

    id: Id
    """Stable id, e.g. ``spark-cx7``."""
    endpoints: list[LinkEndpoint] = Field(min_length=2, max_length=2)
    """The two ends (point to point)."""
    cable: Text
    """Cable, e.g. ``QSFP56 DAC``."""
    speed_gbps: PositiveInt
    """Line rate in Gbit/s."""
    transport: Text
    """RDMA transport, e.g. ``RoCE v2``."""
    switch: str | None = None
    """The switch in between, or None for a direct cable."""


class SriovNode(Model):
    """SR-IOV on one node."""

    node: Id
    """Node name; must exist in the hardware inventory."""
    pf_interfaces: list[str] = Field(min_length=1)
    """Physical-function interface names the VFs are created on."""
    vfs: PositiveInt
    """VFs advertised by the device plugin on this node."""


class DevicePlugin(Model):
    """The standalone SR-IOV network device plugin."""

    namespace: Id
    """Namespace of the DaemonSet and its ConfigMap."""
    daemonset: Id
    """DaemonSet name."""
    configmap: Id
    """ConfigMap holding ``config.json`` with the ``resourceList``."""
    vendor: str = Field(pattern=r"^[0-9a-f]{4}$")
    """PCI vendor id of the NIC (ConnectX-7: ``15b3``)."""
    pf_device: str = Field(pattern=r"^[0-9a-f]{4}$")
    """PCI device id of the PF (ConnectX-7: ``1021``)."""
    vf_device: str = Field(pattern=r"^[0-9a-f]{4}$")
    """PCI device id of the VFs (ConnectX-7: ``101e``)."""


class Sriov(Model):
    """How VFs are made and advertised."""

    resource_name: str = Field(pattern=r"^[a-z0-9.-]+/[A-Za-z0-9_.-]+$")
    """Extended resource the VFs are advertised as, e.g. ``nvidia.com/cx7_qsfp``."""
    vf_creation: Prose
    """How the VFs come to exist (on Talos: an init container writing sysfs)."""
    device_plugin: DevicePlugin
    """The device plugin advertising them."""
    nodes: list[SriovNode] = Field(min_length=1)
    """Per-node PFs and VF counts."""
    why_not_operator: Prose | None = None
    """Why the SR-IOV Network Operator is not used."""


class NetworkAttachment(Model):
    """A Multus NetworkAttachmentDefinition."""

    name: Id
    """NAD name pods ask for in ``k8s.v1.cni.cncf.io/networks``."""
    namespace: Id
    """NAD namespace."""
    resource_name: str
    """The ``k8s.v1.cni.cncf.io/resourceName`` annotation: which VF pool it draws from."""
    cni: Text
    """CNI plugin type in the NAD config, e.g. ``host-device``."""
    ipam: Text | None = None
    """Addressing, e.g. ``whereabouts 10.200.0.0/24``."""
    description: Prose | None = None
    """What pods use it for."""


class NcclVar(Model):
    """One NCCL environment variable."""

    name: str = Field(pattern=r"^[A-Z][A-Z0-9_]*$")
    """Variable name, e.g. ``NCCL_IB_HCA``."""
    value: str
    """Value as set in the training pods."""
    why: Prose
    """What it does here."""


class TrainingPod(Model):
    """What a training pod needs besides its network and NCCL environment."""

    runtime_class: Id | None = None
    """RuntimeClass that runs the container with the NVIDIA container runtime, e.g. ``nvidia``."""
    capabilities: list[Annotated[str, Field(pattern=r"^[A-Z_]+$")]] = ["IPC_LOCK"]
    """Linux capabilities to add: ``IPC_LOCK``, because RDMA pins the memory it registers with the NIC."""
    gpu_resource: str = Field(default="nvidia.com/gpu", pattern=r"^[a-z0-9.-]+/[A-Za-z0-9_.-]+$")
    """Extended resource of one GPU."""


class Measurement(Model):
    """A figure measured on this lab, e.g. ``ib_write_bw`` between two pods."""

    tool: Text
    """What measured it, e.g. ``ib_write_bw``."""
    value: PositiveFloat
    """The figure."""
    unit: Literal["Gbps", "GB/s", "us"]
    """Its unit."""
    date: dt.date | None = None
    """When it was measured."""
    command: str | None = None
    """The exact command, so that anyone can measure it again."""


class Evidence(Model):
    """What shows a capability's status: one journal entry, one measured figure or one public reference."""

    journal: str | None = Field(default=None, pattern=r"^\d{4}-\d{2}-\d{2}-[a-z0-9][-a-z0-9]*$")
    """A journal entry, by file name without ``.md`` (``2025-12-14-nccl-across-the-sparks``);
    it must exist and be published."""
    measured: Measurement | None = None
    """A figure measured here."""
    url: AnyHttpUrl | None = None
    """A public reference (vendor documentation, a maintainer's answer)."""
    title: Text | None = None
    """What the reference is, shown as its link text (``url`` only)."""

    @model_validator(mode="after")
    def _one(self) -> Evidence:
        given = [k for k in ("journal", "measured", "url") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError(
                f"got {' and '.join(given) or 'nothing'} (expected exactly one of journal, measured or url)"
            )
        if self.title is not None and self.url is None:
            raise ValueError("title is for a url (expected title only next to url)")
        return self


class Capability(Model):
    """Something the fabric can do, with where it stands and what shows it."""

    id: Id
    """Stable id, e.g. ``gpudirect``."""
    name: Text
    """Short name, e.g. ``GPU-Direct RDMA``; every page shows it with its status."""
    kind: CapabilityKind = "other"
    """What it is about (``gpudirect``, ``nccl`` …), so that diagrams know where to draw it."""
    link: Id | None = None
    """The link it runs over, if any (its id): the link's sentence lists it with its status."""
    status: Status
    """``working``, ``partial``, ``planned`` or ``broken``."""
    note: Prose | None = None
    """What exactly works, or what is missing."""
    terms: list[Text] = []
    """Other names prose uses for it (``GPUDirect RDMA``, ``GDRDMA``): the docs check reads a
    sentence naming it, or its name, as a claim about it."""
    evidence: list[Evidence] = []
    """What shows the status; required unless the status is ``planned``."""

    @model_validator(mode="after")
    def _evidenced(self) -> Capability:
        if self.status != "planned" and not self.evidence:
            raise ValueError(
                f"status {self.status!r} without evidence (expected a journal entry, a measured figure or a url;"
                " or status planned)"
            )
        return self

    @property
    def working(self) -> bool:
        """True only for ``working``."""
        return self.status == "working"


class Rdma(Model):
    """``inventory/rdma.yaml``: the high-speed fabric."""

    links: list[Link] = []
    """Physical RDMA links."""
    sriov: Sriov | None = None
    """SR-IOV setup."""
    networks: list[NetworkAttachment] = []
    """Multus NetworkAttachmentDefinitions."""
    nccl: list[NcclVar] = []
    """NCCL environment for multi-node training."""
    pod: TrainingPod = TrainingPod()
    """What else a training pod sets (RuntimeClass, capabilities, the GPU resource)."""
    capabilities: list[Capability] = []
    """What the fabric can do and where each part stands, with evidence."""

    def capability(self, ident: str) -> Capability | None:
        """The capability with id ``ident``, if any."""
        return next((c for c in self.capabilities if c.id == ident), None)

    def of_kind(self, kind: CapabilityKind, link: str | None = None) -> list[Capability]:
        """Capabilities of ``kind`` (on ``link``, when given), in inventory order."""
        return [c for c in self.capabilities if c.kind == kind and (link is None or c.link in (None, link))]

    def on_link(self, link: str) -> list[Capability]:
        """Capabilities that run over the link ``link``, in inventory order."""
        return [c for c in self.capabilities if c.link == link]
