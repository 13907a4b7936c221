"""What HelmReleases and Kustomizations share: suspended, Ready, undocumented. Pure: no I/O."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from labbook.models.cluster import ClusterHelmRelease, ClusterKustomization
from labbook.sources.cluster.kinds.base import CompareContext

FluxObject = ClusterHelmRelease | ClusterKustomization


def state(ctx: CompareContext, subject: str, at: tuple[str | int, ...], obj: FluxObject, *, explained: bool) -> None:
    """``suspended`` when Flux does not reconcile it; ``not-ready`` unless another finding explains why."""
    kind = "HelmRelease" if isinstance(obj, ClusterHelmRelease) else "Kustomization"
    what = f"{kind} {obj.namespace}/{obj.name}"
    if obj.suspended:
        resume = f"flux resume {kind.lower()} {obj.name} -n {obj.namespace}"
        message = f"{what} is suspended: Flux does not reconcile it ({resume})"
        ctx.out.add(
            "suspended", subject, message, at=at, field="suspend", documented=False, observed=True, source=obj.origin
        )
    ready = obj.ready
    if not explained and (ready is None or not ready.true):
        why = "has no Ready condition yet" if ready is None else f"is not Ready: {ready.explain()}"
        ctx.out.add(
            "not-ready",
            subject,
            f"{what} {why}",
            at=at,
            field="ready",
            documented=True,
            observed=None if ready is None else False,
            source=obj.origin,
        )


def undocumented(
    ctx: CompareContext,
    kind: str,
    objects: Iterable[FluxObject],
    claimed: set[tuple[str, str]],
    detail: Callable[[FluxObject], str] = lambda obj: "",
) -> None:
    """Each object no component claims and no ``ignore:`` rule leaves out."""
    platform = ctx.inventory.platform
    for obj in objects:
        if (obj.namespace, obj.name) in claimed or platform.ignores(kind, obj.namespace, obj.name):
            continue
        ctx.out.add(
            "undocumented",
            f"component/{obj.name}",
            f"{kind} {obj.namespace}/{obj.name}{detail(obj)} is in the cluster but not in the inventory",
            source=obj.origin,
            observed=f"{obj.namespace}/{obj.name}",
        )
