"""Diagrams generated from the inventory as inline SVG (no Mermaid, no CDN).

- :func:`hardware_diagram`: every node, the RDMA links between them and the LAN.
- :func:`topology_diagram`: the GPU/RDMA path inside each GPU node: GPU, RDMA NIC,
  SR-IOV VFs and the Multus interface, and the link between the NICs.

Layout is deterministic (same inventory, same SVG), so the output is golden-tested.
"""

from __future__ import annotations

from labbook.models.hardware import Node
from labbook.models.inventory import Inventory
from labbook.models.rdma import Link, LinkEndpoint
from labbook.render.capabilities import WORDS, label
from labbook.render.svg import Canvas, fit, wrap
from labbook.render.tables import gpu_text, memory_text
from labbook.render.text import join_words, num

MARGIN = 20
BOX_W = 200
GAP = 110
PAD = 10


def ordered_nodes(inv: Inventory, nodes: list[Node] | None = None) -> list[Node]:
    """Nodes in inventory order, except that the two ends of each link sit side by side."""
    pool = list(inv.hardware.nodes if nodes is None else nodes)
    names = {n.name for n in pool}
    linked: list[str] = []
    for link in inv.rdma.links:
        for end in link.endpoints:
            if end.node in names and end.node not in linked:
                linked.append(end.node)
    first = [n for n in pool if n.name not in linked]
    return first + [n for name in linked for n in pool if n.name == name]


def _lan_speed(node: Node, inv: Inventory) -> float | None:
    """Fastest NIC of ``node`` that is not one of its RDMA link NICs."""
    link_nics = [e.nic.lower() for link in inv.rdma.links for e in link.endpoints if e.node == node.name]
    speeds = [n.speed_gbps for n in node.nics if not any(ln in n.model.lower() for ln in link_nics)]
    return max(speeds) if speeds else None


def _link_label(link: Link) -> list[str]:
    return [f"{link.speed_gbps} Gbps", link.cable, link.transport if link.switch is None else f"via {link.switch}"]


def _draw_links(c: Canvas, inv: Inventory, xs: dict[str, float], y: float, arc_top: float) -> None:
    """Adjacent ends: a thick straight line with its label in the gap; others: an arc above the boxes."""
    for link in inv.rdma.links:
        a, b = (e.node for e in link.endpoints)
        if a not in xs or b not in xs:
            continue
        left, right = sorted((xs[a], xs[b]))
        label = _link_label(link)
        if right - left == BOX_W + GAP:
            x1, x2 = left + BOX_W, right
            c.line(x1, y, x2, y, "lb-link", width=4)
            c.text((x1 + x2) / 2, y - 10, fit(label[0], GAP - 8, 13), "lb-text lb-strong", 13, "middle")
            for i, extra in enumerate(label[1:]):
                c.text((x1 + x2) / 2, y + 20 + 15 * i, fit(extra, GAP - 8, 11), "lb-muted", 11, "middle")
        else:
            x1, x2 = left + BOX_W / 2, right + BOX_W / 2
            c.path(
                f"M {x1:g} {arc_top + 50:g} C {x1:g} {arc_top:g} {x2:g} {arc_top:g} {x2:g} {arc_top + 50:g}",
                "lb-link",
                4,
            )
            c.text((x1 + x2) / 2, arc_top + 8, " · ".join(label), "lb-text lb-strong", 12, "middle")


def _arc_room(inv: Inventory, nodes: list[Node]) -> float:
    """Space above the boxes for links whose ends are not side by side."""
    at = {n.name: i for i, n in enumerate(nodes)}
    for link in inv.rdma.links:
        a, b = (e.node for e in link.endpoints)
        if a in at and b in at and abs(at[a] - at[b]) != 1:
            return 70
    return 0


def _node_lines(node: Node) -> list[tuple[str, str, float]]:
    """(text, class, size) lines inside a node's box."""
    inner = BOX_W - 2 * PAD
    lines = [
        (fit(node.name, inner, 14), "lb-text lb-strong", 14.0),
        (fit(f"{node.kind} · {node.arch}", inner, 11), "lb-muted", 11.0),
    ]
    cpu = node.cpu.model.split(" (")[0]  # the table has the full model; the box has room for the name
    lines += [(t, "lb-text", 11.0) for t in wrap(cpu, inner, 11)]
    lines.append((fit(f"{node.cpu.cores} cores, {node.cpu.threads} threads", inner, 11), "lb-text", 11))
    lines.append((fit(memory_text(node), inner, 11), "lb-text", 11))
    for gpu in node.gpus:
        lines.append((fit(gpu_text(gpu), inner, 11), "lb-text", 11))
        lines.append((fit(f"~{num(gpu.count * gpu.fp4_pflops)} PFLOPS FP4", inner, 11), "lb-muted", 11))
    return lines


def hardware_diagram(inv: Inventory) -> str:
    """Every node as a box, RDMA links between boxes, and each node's LAN port to a shared LAN."""
    nodes = ordered_nodes(inv)
    top = MARGIN + _arc_room(inv, nodes)
    content = [_node_lines(n) for n in nodes]
    box_h = PAD * 2 + max(sum(size * 1.45 for _, _, size in lines) for lines in content)
    c = Canvas()
    xs: dict[str, float] = {}
    lan_y = top + box_h + 60
    lan_drops = []
    for i, (node, lines) in enumerate(zip(nodes, content, strict=True)):
        x = MARGIN + i * (BOX_W + GAP)
        xs[node.name] = x
        c.rect(x, top, BOX_W, box_h, "lb-node")
        y = top + PAD
        for text, cls, size in lines:
            y += size * 1.45
            c.text(x + PAD, y - size * 0.35, text, cls, size)
        speed = _lan_speed(node, inv)
        if speed is not None:
            mid = x + BOX_W / 2
            c.line(mid, top + box_h, mid, lan_y, "lb-lan")
            c.text(mid + 6, top + box_h + 34, f"{num(speed)} GbE", "lb-muted", 11)
            lan_drops.append(mid)
    _draw_links(c, inv, xs, top + 40, MARGIN)
    width = 2 * MARGIN + len(nodes) * BOX_W + (len(nodes) - 1) * GAP
    height = top + box_h + MARGIN
    if lan_drops:
        c.line(MARGIN, lan_y, width - MARGIN, lan_y, "lb-lan", width=3)
        c.text(MARGIN, lan_y + 18, "LAN", "lb-muted lb-strong", 12)
        height = lan_y + 30
    names = join_words([n.name for n in nodes])
    links = "; ".join(
        f"{' and '.join(e.node for e in link.endpoints)} linked by {link.speed_gbps} Gbps {link.cable}"
        for link in inv.rdma.links
    )
    return c.render(width, height, "Cluster hardware", f"Nodes {names}. {links}".strip(), "lb-hardware")


def _endpoint(inv: Inventory, node: str) -> tuple[Link, LinkEndpoint] | None:
    return next(((lk, e) for lk in inv.rdma.links for e in lk.endpoints if e.node == node), None)


def topology_diagram(inv: Inventory) -> str:
    """Per GPU node: GPU, RDMA NIC, its VFs and the Multus interface; the link between the NICs."""
    sriov = {s.node: s for s in inv.rdma.sriov.nodes} if inv.rdma.sriov else {}
    resource = inv.rdma.sriov.resource_name if inv.rdma.sriov else ""
    nad = inv.rdma.networks[0] if inv.rdma.networks else None
    nodes = ordered_nodes(inv, [n for n in inv.hardware.nodes if n.gpus or _endpoint(inv, n.name) or n.name in sriov])
    inner = BOX_W - 2 * PAD
    top, head_h, gpu_h, nic_h, vf_h = MARGIN + _arc_room(inv, nodes), 52, 50, 50, 58
    box_h = head_h + gpu_h + 20 + nic_h + 16 + vf_h + PAD
    c = Canvas()
    xs: dict[str, float] = {}
    nic_y = top + head_h + gpu_h + 20
    for i, node in enumerate(nodes):
        x = MARGIN + i * (BOX_W + GAP)
        xs[node.name] = x
        c.rect(x, top, BOX_W, box_h, "lb-node")
        c.text(x + PAD, top + 22, fit(node.name, inner, 15), "lb-text lb-strong", 15)
        c.text(x + PAD, top + 40, fit(f"{node.kind} · {node.arch}", inner, 12), "lb-muted", 12)
        gy = top + head_h
        c.rect(x + PAD, gy, inner, gpu_h - 8, "lb-part", rx=5)
        gpus = "; ".join(gpu_text(g) for g in node.gpus) or "no GPU"
        c.text(x + 2 * PAD, gy + 17, fit(gpus, inner - 2 * PAD, 12), "lb-text lb-strong", 12)
        c.text(x + 2 * PAD, gy + 33, fit(f"nvidia.com/gpu × {node.gpu_count}", inner - 2 * PAD, 11), "lb-muted", 11)
        found = _endpoint(inv, node.name)
        if found is None:
            c.text(x + PAD, nic_y + 24, "no RDMA link", "lb-muted", 12)
            continue
        link, end = found
        c.rect(x + PAD, nic_y, inner, nic_h - 8, "lb-part", rx=5)
        c.text(x + 2 * PAD, nic_y + 17, fit(f"{end.nic} · {end.port}", inner - 2 * PAD, 12), "lb-text lb-strong", 12)
        pf = f"PF {end.interface}" if end.interface else "PF"
        c.text(x + 2 * PAD, nic_y + 33, fit(pf, inner - 2 * PAD, 11), "lb-muted", 11)
        for cap in inv.rdma.of_kind("gpudirect", link.id)[:1]:
            mid = x + BOX_W / 2
            c.line(mid, gy + gpu_h - 8, mid, nic_y, f"lb-gdr lb-gdr--{cap.status}", dash=not cap.working)
            room = BOX_W / 2 - 6 - PAD / 2
            c.text(mid - 6, gy + gpu_h + 3, fit(cap.name, room, 10), "lb-muted", 10, "end")
            status = (cap.id, cap.status)
            c.text(mid - 6, gy + gpu_h + 14, WORDS[cap.status], "lb-strong lb-text", 10, "end", capability=status)
        vf_y = nic_y + nic_h + 8
        sn = sriov.get(node.name)
        if sn is not None:
            count = sn.vfs if sn.vfs <= 8 else 1
            w = (inner - 6 * (count - 1)) / count
            for k in range(count):
                vx = x + PAD + k * (w + 6)
                c.rect(vx, vf_y, w, 22, "lb-vf", rx=4)
                c.text(vx + w / 2, vf_y + 15, f"VF{k}" if sn.vfs <= 8 else f"{sn.vfs} VFs", "lb-text", 11, "middle")
            c.text(x + PAD, vf_y + 38, fit(f"{resource} × {sn.vfs}", inner, 11), "lb-muted", 11)
            if nad:
                c.text(x + PAD, vf_y + 53, fit(f"pods: {nad.name} ({nad.cni})", inner, 11), "lb-muted", 11)
    _draw_links(c, inv, xs, nic_y + 21, MARGIN)
    width = 2 * MARGIN + len(nodes) * BOX_W + (len(nodes) - 1) * GAP
    desc = "; ".join(
        f"{' and '.join(e.node for e in lk.endpoints)}: {lk.speed_gbps} Gbps {lk.transport} between "
        f"{' and '.join(e.nic for e in lk.endpoints)}" + "".join(f", {label(cap)}" for cap in inv.rdma.on_link(lk.id))
        for lk in inv.rdma.links
    )
    return c.render(width, top + box_h + MARGIN, "GPU and RDMA topology", desc or "No RDMA links", "lb-topology")
