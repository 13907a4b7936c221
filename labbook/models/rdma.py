"""RDMA: the ConnectX-7 link between the Sparks, SR-IOV, Multus and NCCL."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, PositiveInt

from labbook.models.base import Id, Model, Text


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
    gpudirect: bool = False
    """Whether GPU-Direct RDMA is used across this link."""


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
    vf_creation: Text
    """How the VFs come to exist (on Talos: an init container writing sysfs)."""
    device_plugin: DevicePlugin
    """The device plugin advertising them."""
    nodes: list[SriovNode] = Field(min_length=1)
    """Per-node PFs and VF counts."""
    why_not_operator: Text | None = None
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
    description: Text | None = None
    """What pods use it for."""


class NcclVar(Model):
    """One NCCL environment variable."""

    name: str = Field(pattern=r"^[A-Z][A-Z0-9_]*$")
    """Variable name, e.g. ``NCCL_IB_HCA``."""
    value: str
    """Value as set in the training pods."""
    why: Text
    """What it does here."""


class StatusItem(Model):
    """What works and what does not yet."""

    item: Text
    """The capability, e.g. ``GPU-Direct RDMA across the Sparks``."""
    state: Literal["working", "partial", "blocked", "planned"]
    """Where it stands."""
    note: Text | None = None
    """Detail."""


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
    status: list[StatusItem] = []
    """What works and what does not yet."""
