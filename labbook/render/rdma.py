"""The GPU & AI page: hardware stack, software stack, SR-IOV, Multus, NCCL and status."""

from __future__ import annotations

import json
import re

from labbook.models.inventory import Inventory
from labbook.render import pages
from labbook.render.platform import charts_cell, deployed_cell
from labbook.render.tables import gpu_text, memory_text
from labbook.render.text import bullets, code, md, num, rel, table


def badge(state: str) -> str:
    """A coloured label (``docs/assets/labbook.css``); the state is one of a fixed set of words."""
    return f'<span class="lb-badge lb-badge--{state}">{state}</span>'


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
            if end.interface:
                rdma += f" ({code(end.interface)})"
        else:
            rdma = "—"
        rows.append(
            [
                f"[{md(node.name)}]({rel(page, pages.HARDWARE, node.name)})",
                md("; ".join(gpu_text(g) for g in node.gpus)),
                f"~{num(node.fp4_pflops)}",
                md(memory_text(node)),
                code(node.arch),
                rdma,
            ]
        )
    return table(["Node", "GPU", "PFLOPS FP4", "Memory", "Arch", "RDMA"], rows, "llrlll")


def software_stack(inv: Inventory, category: str, page: str = pages.GPU_AI) -> str:
    """The components of one platform category, with what they do and how they are deployed."""
    cat = next((c for c in inv.platform.categories if c.id == category), None)
    if cat is None:
        known = ", ".join(c.id for c in inv.platform.categories)
        raise ValueError(f"software_stack: unknown category {category!r} (expected one of: {known})")
    rows = [
        [
            f"[{md(c.name)}]({rel(page, pages.PLATFORM, c.id)})",
            md(c.description),
            code(c.namespace),
            charts_cell(c),
            deployed_cell(c),
        ]
        for c in cat.components
    ]
    return table(["Component", "What it does", "Namespace", "Chart", "Deployed by"], rows)


def sriov(inv: Inventory, page: str = pages.GPU_AI) -> str:
    """How VFs are created and advertised, the device plugin, and VFs per node."""
    s = inv.rdma.sriov
    if s is None:
        return "SR-IOV is not configured.\n"
    dp = s.device_plugin
    out = f"{md(s.vf_creation)}\n\n"
    if s.why_not_operator:
        out += f'!!! note "Why not the SR-IOV Network Operator?"\n\n    {md(s.why_not_operator)}\n\n'
    out += table(
        ["", ""],
        [
            ["Resource", code(s.resource_name)],
            ["DaemonSet", code(f"{dp.namespace}/{dp.daemonset}")],
            ["ConfigMap", code(f"{dp.namespace}/{dp.configmap}")],
            ["PCI vendor", code(dp.vendor)],
            ["PF device", code(dp.pf_device)],
            ["VF device", code(dp.vf_device)],
        ],
    )
    rows = [
        [
            f"[{md(n.node)}]({rel(page, pages.HARDWARE, n.node)})",
            ", ".join(code(i) for i in n.pf_interfaces),
            str(n.vfs),
            code(s.resource_name),
        ]
        for n in s.nodes
    ]
    rows.append(["**Total**", "", f"**{sum(n.vfs for n in s.nodes)}**", ""])
    return out + "\n" + table(["Node", "PF interfaces", "VFs", "Advertised as"], rows, "llrl")


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
            md(n.description) if n.description else "",
        ]
        for n in inv.rdma.networks
    ]
    return table(["Name", "Namespace", "VF pool", "CNI", "IPAM", "Used for"], rows)


def nccl_table(inv: Inventory) -> str:
    """The NCCL environment, one variable per row with why it is set."""
    if not inv.rdma.nccl:
        return "No NCCL environment is documented.\n"
    rows = [[code(v.name), code(v.value), md(v.why)] for v in inv.rdma.nccl]
    return table(["Variable", "Value", "Why"], rows)


def pod_snippet(inv: Inventory) -> str:
    """A training pod's RDMA wiring, from the first NAD and the NCCL environment (a YAML code block)."""
    nad = inv.rdma.networks[0] if inv.rdma.networks else None
    lines = []
    if nad:
        lines += [
            "metadata:",
            "  annotations:",
            f"    k8s.v1.cni.cncf.io/networks: {json.dumps(f'{nad.namespace}/{nad.name}')}",
        ]
    lines += ["spec:", "  containers:", "    - name: trainer"]
    if inv.rdma.nccl:
        lines.append("      env:")
        for v in inv.rdma.nccl:
            lines += [f"        - name: {v.name}", f"          value: {json.dumps(v.value)}"]
    if nad:
        lines += [
            "      resources:",
            "        limits:",
            "          nvidia.com/gpu: 1",
            f"          {nad.resource_name}: 1",
        ]
    return fenced("yaml", "\n".join(lines))


def status_list(inv: Inventory) -> str:
    """What works and what does not yet."""
    if not inv.rdma.status:
        return "Nothing recorded yet.\n"
    return bullets(
        f"{badge(s.state)} {md(s.item.rstrip('.'))}" + (f". {md(s.note)}" if s.note else "") for s in inv.rdma.status
    )
