"""Nodes: what the kubelets report against ``inventory/hardware.yaml``. Pure: no I/O."""

from __future__ import annotations

import re

from labbook.drift.findings import Findings
from labbook.models.hardware import Node
from labbook.models.observed import ObservedNode

MEMORY_SLACK_PERCENT = 1.0
"""How far above ``memory.gb`` GiB the kubelet's capacity may be: it reports ``MemTotal``,
which never exceeds what is installed; the slack only absorbs rounding in the docs."""
_TALOS = re.compile(r"^Talos \((v[0-9][^)]*)\)$")
_SHARED_SUFFIX = "-SHARED"  # GPU feature discovery renames time-sliced GPUs' product label
KI_PER_GIB = 1024 * 1024


def talos_version(os_image: str | None) -> str | None:
    """``v1.11.5`` from ``Talos (v1.11.5)``; None for other OS images."""
    m = _TALOS.match(os_image or "")
    return m.group(1) if m else None


def memory_bounds(gb: int, tolerance_percent: float) -> tuple[float, float]:
    """Lowest and highest kubelet memory capacity (GiB) accepted for ``gb`` GB installed."""
    return gb * (1 - tolerance_percent / 100), gb * (1 + MEMORY_SLACK_PERCENT / 100)


def _memory(out: Findings, subject: str, node: Node, seen: ObservedNode, tolerance: float) -> None:
    low, high = memory_bounds(node.memory.gb, tolerance)
    if seen.memory_ki is None:
        out.add(
            "mismatch",
            subject,
            "the kubelet reports no memory capacity",
            at=("memory", "gb"),
            field="memory.gb",
            documented=node.memory.gb,
            observed=None,
            source=seen.origin,
        )
        return
    gib = seen.memory_ki / KI_PER_GIB
    if low <= gib <= high:
        return
    side = "below" if gib < low else "above"
    out.add(
        "mismatch",
        subject,
        f"the kubelet reports {seen.memory_ki:,}Ki ({gib:.1f} GiB), {side} the {low:.1f}-{high:.1f} GiB accepted "
        f"for {node.memory.gb} GB with memory_tolerance_percent {tolerance:g}",
        at=("memory", "gb"),
        field="memory.gb",
        documented=node.memory.gb,
        observed=round(gib, 1),
        source=seen.origin,
    )


def _gpus(out: Findings, subject: str, node: Node, seen: ObservedNode) -> None:
    if seen.gpus != node.gpu_count:
        out.add(
            "mismatch",
            subject,
            f"the node advertises {seen.gpus} nvidia.com/gpu, the docs list {node.gpu_count} GPU(s)",
            at=("gpus",),
            field="gpus.count",
            documented=node.gpu_count,
            observed=seen.gpus,
            source=seen.origin,
        )
    products = {g.product: j for j, g in enumerate(node.gpus) if g.product}
    if not products:
        return
    label = seen.gpu_product.removesuffix(_SHARED_SUFFIX) if seen.gpu_product else None
    if label not in products:
        j = next(iter(products.values()))
        why = (
            "has no nvidia.com/gpu.product label (is GPU feature discovery running?)"
            if label is None
            else (f"is labelled nvidia.com/gpu.product={seen.gpu_product}")
        )
        out.add(
            "mismatch",
            subject,
            f"the node {why}",
            at=("gpus", j, "product"),
            field=f"gpus[{j}].product",
            documented=node.gpus[j].product,
            observed=seen.gpu_product,
            source=seen.origin,
        )


def compare_node(out: Findings, node: Node, seen: ObservedNode, tolerance: float) -> None:
    """Architecture, threads, memory, GPUs, control-plane role and Talos version of one node."""
    subject = f"node/{node.name}"
    if seen.arch != node.arch:
        out.add(
            "mismatch",
            subject,
            f"the node reports kubernetes.io/arch={seen.arch}",
            at=("arch",),
            field="arch",
            documented=node.arch,
            observed=seen.arch,
            source=seen.origin,
        )
    if seen.cpu != node.cpu.threads:
        out.add(
            "mismatch",
            subject,
            f"the kubelet reports cpu capacity {seen.cpu}, the docs {node.cpu.threads} threads",
            at=("cpu", "threads"),
            field="cpu.threads",
            documented=node.cpu.threads,
            observed=seen.cpu,
            source=seen.origin,
        )
    _memory(out, subject, node, seen, tolerance)
    _gpus(out, subject, node, seen)
    documented_cp, observed_cp = "control-plane" in node.roles, "control-plane" in seen.roles
    if documented_cp != observed_cp:
        out.add(
            "mismatch",
            subject,
            "the node " + ("is not" if documented_cp else "is") + " labelled node-role.kubernetes.io/control-plane",
            at=("roles",),
            field="roles.control-plane",
            documented=documented_cp,
            observed=observed_cp,
            source=seen.origin,
        )
    if node.talos_version:
        running = talos_version(seen.os_image)
        if running != node.talos_version:
            out.add(
                "mismatch",
                subject,
                f"the node runs {seen.os_image or 'an unknown OS image'}",
                at=("talos_version",),
                field="talos_version",
                documented=node.talos_version,
                observed=running or seen.os_image,
                source=seen.origin,
            )


def compare_nodes(out: Findings, nodes: list[Node], seen: list[ObservedNode], tolerance: float) -> None:
    """Every documented node against the cluster's; extra nodes are undocumented."""
    by_name = {n.name: n for n in seen}
    for node in nodes:
        subject = f"node/{node.name}"
        out.checked(subject)
        found = by_name.get(node.name)
        if found is None:
            out.add("missing", subject, f"node {node.name} is documented but not in the cluster")
        else:
            compare_node(out, node, found, tolerance)
    documented = {n.name for n in nodes}
    for extra in seen:
        if extra.name not in documented:
            out.add(
                "undocumented",
                f"node/{extra.name}",
                f"node {extra.name} is in the cluster but not in the inventory",
                source=extra.origin,
                observed=extra.name,
            )
