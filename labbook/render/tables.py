"""Hardware tables and the home page's text blocks, computed from the inventory.

Every figure here (cores, threads, memory, PFLOPS, GPUs, link speed) comes from
:class:`~labbook.models.hardware.Hardware` and :class:`~labbook.models.rdma.Rdma`;
none is typed in a page.
"""

from __future__ import annotations

from labbook.models.hardware import Gpu, Nic, Node, Totals
from labbook.models.inventory import Inventory
from labbook.models.journal import Journal
from labbook.models.rdma import Link
from labbook.render import pages
from labbook.render.capabilities import mark
from labbook.render.journal import related_list
from labbook.render.text import boxed, bullets, code, ident, join_words, md, num, plural, prose, rel, table


def cpu_text(node: Node) -> str:
    """``AMD Ryzen 9 9950X3D (16c/32t)``."""
    return f"{node.cpu.model} ({node.cpu.cores}c/{node.cpu.threads}t)"


def memory_text(node: Node) -> str:
    """``192 GB DDR5`` or ``128 GB LPDDR5X, unified``."""
    return f"{node.memory.gb} GB {node.memory.type}" + (", unified" if node.memory.unified else "")


def gpu_text(gpu: Gpu) -> str:
    """``NVIDIA RTX 5070 Ti`` or ``2× NVIDIA …``."""
    return gpu.model if gpu.count == 1 else f"{gpu.count}× {gpu.model}"


def nic_text(nic: Nic) -> str:
    """``NVIDIA ConnectX-7, 2× 200 Gbps``."""
    ports = f"{nic.ports}× " if nic.ports > 1 else ""
    return f"{nic.model}, {ports}{num(nic.speed_gbps)} Gbps"


def totals_text(t: Totals) -> dict[str, str]:
    """The totals as the words the tables and sentences use."""
    return {
        "nodes": plural(t.nodes, "node"),
        "cores": plural(t.cores, "core"),
        "threads": plural(t.threads, "thread"),
        "memory": f"{t.memory_gb} GB",
        "gpus": plural(t.gpus, "GPU"),
        "fp4": f"~{num(t.fp4_pflops)} PFLOPS FP4",
    }


def site_header(inv: Inventory) -> str:
    """The home page's title (the owner), tagline, living-document note and intro from ``site.yaml``."""
    site = inv.site
    out = f"# {md(site.heading)}\n\n**{md(site.tagline)}**\n\n"
    if site.living:
        out += f'!!! note "A living document"\n\n    {md(site.living)}\n\n'
    if site.intro:
        out += f"{md(site.intro)}\n"
    return out


def roles_text(node: Node) -> str:
    """``control-plane, workloads, gpu``."""
    return ", ".join(node.roles)


def hardware_table(inv: Inventory, page: str = pages.HOME) -> str:
    """The home page's table: Node, Hardware, CPU, RAM, Role, then GPU, PFLOPS FP4 and Arch; one row per node.

    No totals row: :func:`totals_line` follows the table, computed from the same nodes.
    """
    rows = []
    for node in inv.hardware.nodes:
        rows.append(
            [
                f"[{ident(node.name)}]({rel(page, pages.HARDWARE, node.name)})",
                md(node.kind),
                prose(cpu_text(node)),
                md(memory_text(node)),
                md(roles_text(node)),
                prose("; ".join(gpu_text(g) for g in node.gpus)) if node.gpus else "—",
                f"~{num(node.fp4_pflops)}" if node.gpus else "—",
                code(node.arch),
            ]
        )
    headers = ["Node", "Hardware", "CPU", "RAM", "Role", "GPU", "PFLOPS FP4", "Arch"]
    return boxed(table(headers, rows, "llllllrl"), "hardware")


def totals_line(inv: Inventory) -> str:
    """``Totals: 56 cores, 448 GB RAM, ~3.4 PFLOPS FP4 AI compute``, computed from the nodes."""
    t = inv.hardware.totals
    text = f"Totals: {plural(t.cores, 'core')}, {t.memory_gb} GB RAM, ~{num(t.fp4_pflops)} PFLOPS FP4 AI compute"
    return f'<p class="lb-totals">{md(text)}</p>\n'


def totals_sentence(inv: Inventory) -> str:
    """``3 nodes, 56 cores / 72 threads, 448 GB of memory, 3 GPUs and ~3.4 PFLOPS FP4.``"""
    w = totals_text(inv.hardware.totals)
    return md(f"{w['nodes']}, {w['cores']} / {w['threads']}, {w['memory']} of memory, {w['gpus']} and {w['fp4']}.")


def link_sentence(inv: Inventory, link: Link, page: str = pages.HOME) -> str:
    """A paragraph for a physical link, generated from ``rdma.yaml``: the cable, then what runs over it.

    Capabilities on the link are listed with their status (:func:`~labbook.render.capabilities.mark`);
    the sentence about the cable claims nothing else.
    """
    ends = []
    for end in link.endpoints:
        node = inv.hardware.node(end.node)
        kind = f" ({md(node.kind)})" if node else ""
        ends.append(f"[{ident(end.node)}]({rel(page, pages.HARDWARE, end.node)}){kind}")
    nics = {e.nic for e in link.endpoints}
    nic = md(nics.pop()) + " NICs" if len(nics) == 1 else join_words([md(n) for n in sorted(nics)])
    how = "point to point, no switch" if link.switch is None else f"through {md(link.switch)}"
    extras = []
    sriov = inv.rdma.sriov
    if sriov:
        counts = {s.node: s.vfs for s in sriov.nodes}
        on_link = [counts[e.node] for e in link.endpoints if e.node in counts]
        if on_link and len(set(on_link)) == 1 and len(on_link) == len(link.endpoints):
            extras.append(f"SR-IOV ({on_link[0]} VFs per node as {code(sriov.resource_name)})")
        elif on_link:
            extras.append(f"SR-IOV (VFs as {code(sriov.resource_name)})")
    tail = f", with {join_words(extras)}" if extras else ""
    out = (
        f"{ends[0]} and {ends[1]} are joined by a {link.speed_gbps} Gbps {md(link.cable)} between their {nic}: "
        f"{how}, {md(link.transport)}{tail}."
    )
    caps = inv.rdma.on_link(link.id)
    if caps:
        out += " Over it: " + "; ".join(mark(c) for c in caps) + "."
    return out + "\n"


def link_sentences(inv: Inventory, page: str = pages.HOME) -> str:
    """:func:`link_sentence` for every link, one paragraph each."""
    return "\n".join(link_sentence(inv, link, page) for link in inv.rdma.links)


def _short(name: str, note: str | None) -> str:
    """``Cilium (kube-proxy replacement)``; ``Kafka (Strimzi)`` + ``KRaft mode`` → ``Kafka (Strimzi, KRaft mode)``."""
    if not note:
        return md(name)
    if name.endswith(")"):
        return md(f"{name[:-1]}, {note})")
    return md(f"{name} ({note})")


def whats_running(inv: Inventory, page: str = pages.HOME) -> str:
    """One line per category: its components with their notes, each linked to the Platform page."""
    lines = []
    for cat in inv.platform.categories:
        items = [
            f"[{_short(c.name, ', '.join(c.notes) or None)}]({rel(page, pages.PLATFORM, c.id)})" for c in cat.components
        ]
        anchor = rel(page, pages.PLATFORM, pages.category_anchor(cat.id))
        lines.append(f"[**{md(cat.name)}**]({anchor}): " + ", ".join(items))
    return bullets(lines)


def text_list(items: list[str]) -> str:
    """Plain lines from the inventory as a bullet list."""
    return bullets(md(i) for i in items)


def design_choices(inv: Inventory) -> str:
    """The design philosophy as a numbered list: each choice in bold, then why."""
    if not inv.site.philosophy:
        return "No design choices written down yet.\n"
    return "".join(
        f"{i}. **{md(c.choice)}**" + (f" {md(c.why)}" if c.why else "") + "\n"
        for i, c in enumerate(inv.site.philosophy, start=1)
    )


def node_section(inv: Inventory, node: Node, journal: Journal | None, page: str, drafts: bool = False) -> str:
    """A node's heading (anchored by its name) and its facts."""
    rows = [
        ["Hardware", md(node.kind)],
        ["CPU", md(f"{node.cpu.model}: {plural(node.cpu.cores, 'core')}, {plural(node.cpu.threads, 'thread')}")],
        ["Architecture", code(node.arch)],
        ["Memory", md(memory_text(node))],
        ["Roles", ", ".join(md(r) for r in node.roles)],
    ]
    for gpu in node.gpus:
        product = f" ({code(gpu.product)})" if gpu.product else ""
        rows.append(["GPU", md(f"{gpu_text(gpu)}, ~{num(gpu.count * gpu.fp4_pflops)} PFLOPS FP4") + product])
    for nic in node.nics:
        rows.append(["NIC", md(nic_text(nic))])
    if node.talos_version:
        rows.append(["Talos", code(node.talos_version)])
    for end in (e for link in inv.rdma.links for e in link.endpoints if e.node == node.name):
        iface = f" ({' + '.join(code(i) for i in end.interfaces)})" if end.interfaces else ""
        rows.append(["RDMA port", md(f"{end.nic} {end.port}") + iface])
    out = f"## {md(node.name)} {{ #{node.name} }}\n\n" + boxed(table(["", ""], rows), "facts")
    if node.notes:
        out += "\n" + text_list(node.notes)
    if journal is not None:
        related = related_list(journal, node.name, page, drafts=drafts)
        if related:
            out += "\n**Journal:**\n\n" + related
    return out


def node_sections(
    inv: Inventory, journal: Journal | None = None, page: str = pages.HARDWARE, drafts: bool = False
) -> str:
    """:func:`node_section` for every node."""
    return "\n".join(node_section(inv, n, journal, page, drafts) for n in inv.hardware.nodes)
