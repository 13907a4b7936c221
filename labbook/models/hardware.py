"""Hardware: the nodes of the cluster, and the totals computed from them."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, PositiveFloat, PositiveInt, model_validator

from labbook.models.base import Arch, Id, Model, Prose, Text

Role = Literal["control-plane", "workloads", "gpu"]
"""What a node is for."""


class Cpu(Model):
    """A node's processor."""

    model: Text
    """Marketing name, e.g. ``AMD Ryzen 9 9950X3D``."""
    cores: PositiveInt
    """Physical cores."""
    threads: PositiveInt
    """Hardware threads; what the kubelet reports as ``cpu`` capacity."""

    @model_validator(mode="after")
    def _threads_cover_cores(self) -> Cpu:
        if self.threads < self.cores:
            raise ValueError(f"threads ({self.threads}) is less than cores ({self.cores})")
        return self


class Memory(Model):
    """A node's RAM."""

    gb: PositiveInt
    """Installed memory in GB (binary, as DIMMs are sold)."""
    type: Text
    """Memory technology, e.g. ``DDR5`` or ``LPDDR5X unified``."""
    unified: bool = False
    """True when CPU and GPU share this memory (Grace Blackwell)."""


class Gpu(Model):
    """A GPU model fitted to a node."""

    model: Text
    """Marketing name, e.g. ``NVIDIA RTX 5070 Ti``."""
    count: PositiveInt = 1
    """How many of this model the node has."""
    fp4_pflops: PositiveFloat
    """Peak FP4 throughput of one GPU, in PFLOPS (sparse, as vendors quote it)."""
    product: str | None = None
    """The ``nvidia.com/gpu.product`` node label GPU feature discovery sets, if known."""


class Nic(Model):
    """A network interface card."""

    model: Text
    """Marketing name, e.g. ``NVIDIA ConnectX-7``."""
    speed_gbps: PositiveFloat
    """Line rate per port in Gbit/s."""
    ports: PositiveInt = 1
    """Number of ports."""


class Node(Model):
    """One machine in the cluster."""

    name: Id
    """Kubernetes node name, e.g. ``talos-7aj-lwl``."""
    kind: Text
    """What the hardware is, e.g. ``Custom PC`` or ``NVIDIA DGX Spark``."""
    cpu: Cpu
    """The processor."""
    arch: Arch
    """CPU architecture."""
    memory: Memory
    """Installed memory."""
    roles: list[Role] = Field(min_length=1)
    """What the node does; every node here is a control-plane node."""
    gpus: list[Gpu] = []
    """GPUs fitted, one entry per model."""
    nics: list[Nic] = []
    """Network cards fitted."""
    talos_version: str | None = Field(default=None, pattern=r"^v\d+\.\d+\.\d+$")
    """Talos Linux version the node runs, e.g. ``v1.11.5``; checked against the cluster."""
    notes: list[Prose] = []
    """Free-form remarks shown on the hardware page."""

    @property
    def gpu_count(self) -> int:
        """GPUs on this node."""
        return sum(g.count for g in self.gpus)

    @property
    def fp4_pflops(self) -> float:
        """Peak FP4 PFLOPS of all GPUs on this node."""
        return sum(g.count * g.fp4_pflops for g in self.gpus)

    @property
    def control_plane(self) -> bool:
        """True when the node runs the control plane (an etcd member on Talos)."""
        return "control-plane" in self.roles


class Totals(Model):
    """Cluster totals, always computed from the nodes, never typed."""

    nodes: int
    """Number of nodes."""
    cores: int
    """Physical cores."""
    threads: int
    """Hardware threads."""
    memory_gb: int
    """Memory in GB."""
    gpus: int
    """GPUs."""
    fp4_pflops: float
    """Peak FP4 PFLOPS."""
    control_planes: int = 0
    """Control-plane nodes (etcd members)."""


class Hardware(Model):
    """``inventory/hardware.yaml``: the machines."""

    nodes: list[Node] = []
    """Every node of the cluster (empty only in a fresh ``labbook init`` inventory, for the owner to fill)."""
    memory_tolerance_percent: float = Field(default=8.0, ge=0, le=50)
    """How far the kubelet's memory capacity may fall below ``memory.gb`` before the
    cluster check calls it a mismatch. Firmware, the kernel and (on GB10) the GPU
    carve-out keep some memory from the kubelet: 128 GB shows as ~121.7 GiB."""

    def node(self, name: str) -> Node | None:
        """The node called ``name``, if any."""
        return next((n for n in self.nodes if n.name == name), None)

    @property
    def totals(self) -> Totals:
        """Totals over all nodes."""
        return Totals(
            nodes=len(self.nodes),
            cores=sum(n.cpu.cores for n in self.nodes),
            threads=sum(n.cpu.threads for n in self.nodes),
            memory_gb=sum(n.memory.gb for n in self.nodes),
            gpus=sum(n.gpu_count for n in self.nodes),
            fp4_pflops=round(sum(n.fp4_pflops for n in self.nodes), 3),
            control_planes=sum(n.control_plane for n in self.nodes),
        )

    def count_of_kind(self, kind: str) -> int:
        """How many nodes are of ``kind`` (``NVIDIA DGX Spark``)."""
        return sum(n.kind == kind for n in self.nodes)
