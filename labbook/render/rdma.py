"""The GPU & AI page: hardware stack, software stack, SR-IOV, Multus, NCCL and the training pod."""

from __future__ import annotations

import json
import re

from labbook.models.inventory import Inventory
from labbook.render import pages
from labbook.render.platform import charts_cell, deployed_cell
from labbook.render.tables import gpu_text, memory_text
from labbook.render.text import boxed, code, ident, join_words, md, num, plural, prose, rel, table


def fenced(lang: str, body: str) -> str:
    """A fenced code block whose fence is longer than any backtick run in ``body``."""
    longest = max((len(m) for m in re.findall(r"`+", body)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{lang}\n{body.rstrip()}\n{fence}\n"


def hardware_stack(inv: Inventory, page: str = pages.GPU_AI) -> str:
    """One row per GPU node: GPUs, peak FP4, memory and its RDMA port, if any."""
    ports = {e.node: (link, e) for link in inv.rdma.links for e in link.endpoints}
    rows = []
    for node in inv.hardware.nodes:
        if not node.gpus:
            continue
        link_end = ports.get(node.name)
        if link_end:
            link, end = link_end
            rdma = md(f"{end.nic} {end.port}, {link.speed_gbps} Gbps {link.transport}")
            if end.interfaces:
                rdma += " (" + " + ".join(code(i) for i in end.interfaces) + ")"
        else:
            rdma = "—"
        rows.append(
            [
                f"[{ident(node.name)}]({rel(page, pages.HARDWARE, node.name)})",
                md("; ".join(gpu_text(g) for g in node.gpus)),
                f"~{num(node.fp4_pflops)}",
                md(memory_text(node)),
                code(node.arch),
                rdma,
            ]
        )
    return boxed(table(["Node", "GPU", "PFLOPS FP4", "Memory", "Arch", "RDMA"], rows, "llrlll"), "stack")


def pcie_paths(inv: Inventory, page: str = pages.GPU_AI) -> str:
    """Which of a port's interfaces carry the VFs, per link end: what a pod's VF can reach.

    Empty when no endpoint lists more than one interface.
    """
    sriov = {n.node: n for n in inv.rdma.sriov.nodes} if inv.rdma.sriov else {}
    lines = []
    for link in inv.rdma.links:
        for end in link.endpoints:
            if len(end.interfaces) < 2:
                continue
            names = join_words([code(i) for i in end.interfaces])
            sn = sriov.get(end.node)
            with_vfs = [i for i in end.interfaces if sn and i in sn.pf_interfaces]
            without = [i for i in end.interfaces if i not in with_vfs]
            if with_vfs and without:
                vfs = (
                    f"its {plural(sn.vfs, 'VF')} exist on {join_words([code(i) for i in with_vfs])} only, "  # type: ignore[union-attr]
                    f"so a pod's VF never uses {join_words([code(i) for i in without])}"
                )
            elif with_vfs:
                vfs = "its VFs exist on every one of them"
            else:
                vfs = "it has no VFs"
            node = f"[{ident(end.node)}]({rel(page, pages.HARDWARE, end.node)})"
            lines.append(f"- {node}: {md(end.port)} shows up as {len(end.interfaces)} interfaces, {names}; {vfs}.\n")
    return "".join(lines)


def software_stack(inv: Inventory, category: str, page: str = pages.GPU_AI) -> str:
    """The components of one platform category, with what they do and how they are deployed."""
    cat = next((c for c in inv.platform.categories if c.id == category), None)
    if cat is None:
        known = ", ".join(c.id for c in inv.platform.categories)
        raise ValueError(f"software_stack: unknown category {category!r} (expected one of: {known})")
    rows = [
        [
            f"[{md(c.name)}]({rel(page, pages.PLATFORM, c.id)})",
            prose(c.description),
            code(c.namespace),
            charts_cell(c),
            deployed_cell(c),
        ]
        for c in cat.components
    ]
    return boxed(table(["Component", "What it does", "Namespace", "Chart", "Deployed by"], rows), "software")


def sriov(inv: Inventory, page: str = pages.GPU_AI) -> str:
    """How VFs are created and advertised, the device plugin, and VFs per node."""
    s = inv.rdma.sriov
    if s is None:
        return "SR-IOV is not configured.\n"
    dp = s.device_plugin
    out = f"{md(s.vf_creation)}\n\n"
    if s.why_not_operator:
        out += f'!!! note "Why not the SR-IOV Network Operator?"\n\n    {md(s.why_not_operator)}\n\n'
    out += boxed(
        table(
            ["", ""],
            [
                ["Resource", code(s.resource_name)],
                ["DaemonSet", code(f"{dp.namespace}/{dp.daemonset}")],
                ["ConfigMap", code(f"{dp.namespace}/{dp.configmap}")],
                ["PCI vendor", code(dp.vendor)],
                ["PF device", code(dp.pf_device)],
                ["VF device", code(dp.vf_device)],
            ],
        ),
        "facts",
    )
    rows = [
        [
            f"[{ident(n.node)}]({rel(page, pages.HARDWARE, n.node)})",
            ", ".join(code(i) for i in n.pf_interfaces),
            str(n.vfs),
            code(s.resource_name),
        ]
        for n in s.nodes
    ]
    rows.append(["**Total**", "", f"**{sum(n.vfs for n in s.nodes)}**", ""])
    return out + "\n" + boxed(table(["Node", "PF interfaces", "VFs", "Advertised as"], rows, "llrl"), "vfs")


def networks(inv: Inventory) -> str:
    """The Multus NetworkAttachmentDefinitions."""
    if not inv.rdma.networks:
        return "No NetworkAttachmentDefinitions are documented.\n"
    rows = [
        [
            code(n.name),
            code(n.namespace),
            code(n.resource_name),
            code(n.cni),
            md(n.ipam) if n.ipam else "—",
            prose(n.description) if n.description else "",
        ]
        for n in inv.rdma.networks
    ]
    return boxed(table(["Name", "Namespace", "VF pool", "CNI", "IPAM", "Used for"], rows), "networks")


def nccl_table(inv: Inventory) -> str:
    """The NCCL environment, one variable per row with why it is set."""
    if not inv.rdma.nccl:
        return "No NCCL environment is documented.\n"
    rows = [[code(v.name), code(v.value), prose(v.why)] for v in inv.rdma.nccl]
    return boxed(table(["Variable", "Value", "Why"], rows), "nccl")


def pod_snippet(inv: Inventory) -> str:
    """A training pod's RDMA wiring (a YAML code block): the network, the RuntimeClass, ``IPC_LOCK``,
    the NCCL environment and one GPU and one VF, all from the inventory."""
    nad = inv.rdma.networks[0] if inv.rdma.networks else None
    pod = inv.rdma.pod
    lines = []
    if nad:
        lines += [
            "metadata:",
            "  annotations:",
            f"    k8s.v1.cni.cncf.io/networks: {json.dumps(f'{nad.namespace}/{nad.name}')}",
        ]
    lines.append("spec:")
    if pod.runtime_class:
        lines.append(f"  runtimeClassName: {pod.runtime_class}")
    lines += ["  containers:", "    - name: trainer"]
    if pod.capabilities:
        lines += [
            "      securityContext:",
            "        capabilities:",
            f"          add: [{', '.join(json.dumps(c) for c in pod.capabilities)}]",
        ]
    if inv.rdma.nccl:
        lines.append("      env:")
        for v in inv.rdma.nccl:
            lines += [f"        - name: {v.name}", f"          value: {json.dumps(v.value)}"]
    lines += ["      resources:", "        limits:", f"          {pod.gpu_resource}: 1"]
    if nad:
        lines.append(f"          {nad.resource_name}: 1")
    return fenced("yaml", "\n".join(lines))
