"""Inventory files of a small lab at some point in time, in the shapes ``inventory/`` uses today."""

from __future__ import annotations

NODE = """\
  - name: {name}
    kind: {kind}
    cpu: {{model: {cpu}, cores: {cores}, threads: {threads}}}
    arch: {arch}
    memory: {{gb: {gb}, type: {memtype}}}
    roles: [control-plane, gpu]
    gpus:
      - {{model: {gpu}, count: 1, fp4_pflops: 1.0}}
"""

SPARK = {
    "kind": "NVIDIA DGX Spark",
    "cpu": "NVIDIA GB10",
    "cores": 20,
    "threads": 20,
    "arch": "arm64",
    "gb": 128,
    "memtype": "LPDDR5X",
    "gpu": "NVIDIA GB10",
}
PC = {
    "kind": "Custom PC",
    "cpu": "AMD Ryzen 9 9950X3D",
    "cores": 16,
    "threads": 32,
    "arch": "amd64",
    "gb": 192,
    "memtype": "DDR5",
    "gpu": "NVIDIA RTX 5070 Ti",
}


def hardware(nodes: dict[str, dict[str, object]]) -> str:
    """``hardware.yaml`` with these nodes (name → a dict like :data:`SPARK`)."""
    return "# the machines\nnodes:\n" + "".join(NODE.format(name=n, **spec) for n, spec in nodes.items())


def platform(cilium: str = "1.18.2", plugin: str = "0.17.0", extra: str = "") -> str:
    """``platform.yaml`` with Cilium and the NVIDIA device plugin at these versions."""
    return f"""\
categories:
  - id: networking
    name: Networking
    components:
      - id: cilium
        name: Cilium
        description: eBPF CNI.
        url: https://cilium.io
        namespace: kube-system
        helm:
          - chart: cilium
            version: {cilium}
            source: {{kind: HelmRepository, name: cilium, namespace: flux-system}}
  - id: gpu-ai
    name: GPU/AI
    components:
      - id: nvidia-device-plugin
        name: NVIDIA device plugin
        description: Advertises nvidia.com/gpu.
        url: https://github.com/NVIDIA/k8s-device-plugin
        namespace: nvidia-device-plugin
        helm:
          - chart: nvidia-device-plugin
            version: {plugin}
            source: {{kind: HelmRepository, name: nvidia, namespace: flux-system}}
{extra}"""


def rdma(vfs: int = 4, gdr: str = "partial") -> str:
    """``rdma.yaml``: SR-IOV on one Spark with ``vfs`` VFs, and the GPU-Direct capability's status."""
    return f"""\
sriov:
  resource_name: nvidia.com/cx7_qsfp
  vf_creation: An init container writes sriov_numvfs.
  device_plugin: {{namespace: kube-system, daemonset: sriov-device-plugin, configmap: sriovdp-config,
                  vendor: "15b3", pf_device: "1021", vf_device: "101e"}}
  nodes:
    - {{node: spark-a, pf_interfaces: [enp1s0f0np0], vfs: {vfs}}}
status:
  - item: GPU-Direct RDMA across the Sparks
    state: {gdr}
"""


SITE = """\
title: Lab
tagline: A small lab.
cluster: {name: lab, os: Talos Linux, gitops: FluxCD}
"""
"""``site.yaml`` (history does not read it; the inventory loader needs it)."""
