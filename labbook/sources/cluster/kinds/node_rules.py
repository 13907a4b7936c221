"""Node rules: the labels and resources read, and the comparison (state, then each documented fact). Pure: no I/O."""

from __future__ import annotations

import re
from datetime import datetime

from labbook.models.cluster import ObservedNode
from labbook.models.hardware import Node as DocumentedNode
from labbook.sources.cluster.kinds.base import CompareContext

MEMORY_SLACK_PERCENT = 1.0
"""How far above ``memory.gb`` GiB the kubelet's capacity may be: it reports ``MemTotal``,
which never exceeds what is installed; the slack only absorbs rounding in the docs."""
KI_PER_GIB = 1024 * 1024
GPU_RESOURCE = "nvidia.com/gpu"
"""Extended resource the NVIDIA device plugin advertises."""
GPU_PRODUCT_LABEL = "nvidia.com/gpu.product"
"""GPU feature discovery: product, ``-SHARED`` appended when time-sliced without renaming."""
GPU_COUNT_LABEL = "nvidia.com/gpu.count"
"""GPU feature discovery: physical GPUs."""
GPU_REPLICAS_LABEL = "nvidia.com/gpu.replicas"
"""GPU feature discovery: replicas per GPU (time-slicing or MPS)."""
SHARED_SUFFIX = "-SHARED"
"""What GPU feature discovery appends to the product of a shared GPU."""
ARCH_LABEL = "kubernetes.io/arch"
"""Well-known node label for the CPU architecture."""
ROLE_PREFIX = "node-role.kubernetes.io/"
"""Node labels whose suffix is a role, e.g. ``node-role.kubernetes.io/control-plane``."""
NODE_LABELS = (ARCH_LABEL, GPU_PRODUCT_LABEL, GPU_COUNT_LABEL, GPU_REPLICAS_LABEL)
"""Node labels the check reads (besides roles and what DaemonSet placement reads)."""
_TALOS = re.compile(r"^Talos \((v[0-9][^)]*)\)$")


def duration(since: datetime | None, now: datetime | None) -> str:
    """``for 2h 5m (since 2026-01-31T09:55:00Z)``, as far as the times are known."""
    if since is None:
        return ""
    stamp = since.strftime("%Y-%m-%dT%H:%M:%SZ")
    if now is None or now < since:
        return f"since {stamp}"
    seconds = int((now - since).total_seconds())
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        shown = f"{days}d {hours}h"
    elif hours:
        shown = f"{hours}h {minutes}m"
    else:
        shown = f"{minutes}m" if minutes else f"{secs}s"
    return f"for {shown} (since {stamp})"


def memory_bounds(gb: int, tolerance_percent: float) -> tuple[float, float]:
    """Lowest and highest kubelet memory capacity (GiB) accepted for ``gb`` GB installed."""
    return gb * (1 - tolerance_percent / 100), gb * (1 + MEMORY_SLACK_PERCENT / 100)


def talos_version(os_image: str | None) -> str | None:
    """``v1.11.5`` from ``Talos (v1.11.5)``; None for other OS images."""
    m = _TALOS.match(os_image or "")
    return m.group(1) if m else None


def _state(ctx: CompareContext, subject: str, seen: ObservedNode) -> None:
    ready = seen.ready
    if ready is None or not ready.true:
        status = ready.status if ready else None
        taints = [str(t) for t in seen.taints if t.key.startswith("node.kubernetes.io/")]
        how = f"Ready {status} {duration(ready.since, ctx.now)}".rstrip() if ready else "no Ready condition"
        why = f": {ready.explain()}" if ready and (ready.reason or ready.message) else ""
        tainted = f"; tainted {', '.join(taints)}" if taints else ""
        ctx.out.add(
            "not-ready",
            subject,
            f"the node is not Ready: {how}{why}{tainted}",
            field="ready",
            documented=True,
            observed=status,
            source=seen.origin,
        )
    if seen.unschedulable:
        ctx.out.add(
            "unschedulable",
            subject,
            "the node is cordoned (spec.unschedulable): the scheduler places no new pods here "
            "(DaemonSet pods tolerate it)",
            field="schedulable",
            documented=True,
            observed=False,
            source=seen.origin,
        )


def _memory(ctx: CompareContext, subject: str, node: DocumentedNode, seen: ObservedNode, tolerance: float) -> None:
    low, high = memory_bounds(node.memory.gb, tolerance)
    if seen.memory_ki is None:
        message = "the kubelet reports no memory capacity"
        ctx.out.add(
            "mismatch",
            subject,
            message,
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
    ctx.out.add(
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


def _gpus(ctx: CompareContext, subject: str, node: DocumentedNode, seen: ObservedNode) -> None:
    replicas = seen.gpu_replicas if seen.gpu_replicas and seen.gpu_replicas > 1 else None
    shared = f" ({seen.gpus} {GPU_RESOURCE} advertised: {replicas} time-slicing replicas per GPU)" if replicas else ""
    if seen.gpu_count is not None:
        physical, how = seen.gpu_count, f"GPU feature discovery counts {seen.gpu_count} GPU(s) ({GPU_COUNT_LABEL})"
    elif replicas and seen.gpus % replicas == 0:
        physical, how = seen.gpus // replicas, f"the node advertises {seen.gpus} {GPU_RESOURCE}"
    else:
        physical = seen.gpus
        how = f"the node advertises {seen.gpus} {GPU_RESOURCE}" + (
            f" and has no {GPU_COUNT_LABEL} label (is GPU feature discovery running?)" if seen.gpus else ""
        )
    if physical != node.gpu_count:
        ctx.out.add(
            "mismatch",
            subject,
            f"{how}{shared}, the docs list {node.gpu_count} GPU(s)",
            at=("gpus",),
            field="gpus.count",
            documented=node.gpu_count,
            observed=physical,
            source=seen.origin,
        )
    products = {g.product: j for j, g in enumerate(node.gpus) if g.product}
    if not products:
        return
    label = seen.gpu_product.removesuffix(SHARED_SUFFIX) if seen.gpu_product else None
    if label not in products:
        j = next(iter(products.values()))
        why = (
            f"has no {GPU_PRODUCT_LABEL} label (is GPU feature discovery running?)"
            if label is None
            else f"is labelled {GPU_PRODUCT_LABEL}={seen.gpu_product}"
        )
        ctx.out.add(
            "mismatch",
            subject,
            f"the node {why}",
            at=("gpus", j, "product"),
            field=f"gpus[{j}].product",
            documented=node.gpus[j].product,
            observed=seen.gpu_product,
            source=seen.origin,
        )


def _compare(ctx: CompareContext, node: DocumentedNode, seen: ObservedNode, tolerance: float) -> None:
    subject, out = f"node/{node.name}", ctx.out
    if seen.arch != node.arch:
        out.add(
            "mismatch",
            subject,
            f"the node reports {ARCH_LABEL}={seen.arch}",
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
    _memory(ctx, subject, node, seen, tolerance)
    _gpus(ctx, subject, node, seen)
    documented_cp, observed_cp = "control-plane" in node.roles, "control-plane" in seen.roles
    if documented_cp != observed_cp:
        label = "the node " + ("is not" if documented_cp else "is") + f" labelled {ROLE_PREFIX}control-plane"
        out.add(
            "mismatch",
            subject,
            label,
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


def compare_nodes(ctx: CompareContext) -> None:
    """Every documented node against the cluster's; extra nodes are undocumented."""
    by_name = {n.name: n for n in ctx.seen.nodes}
    hardware = ctx.inventory.hardware
    for node in hardware.nodes:
        subject = f"node/{node.name}"
        found = by_name.get(node.name)
        if found is None:
            ctx.out.add("missing", subject, f"node {node.name} is documented but not in the cluster")
        else:
            _state(ctx, subject, found)
            _compare(ctx, node, found, hardware.memory_tolerance_percent)
    documented = {n.name for n in hardware.nodes}
    for extra in ctx.seen.nodes:
        if extra.name not in documented:
            ctx.out.add(
                "undocumented",
                f"node/{extra.name}",
                f"node {extra.name} is in the cluster but not in the inventory",
                source=extra.origin,
                observed=extra.name,
            )
