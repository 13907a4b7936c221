"""Flux Kustomizations (``kustomize.toolkit.fluxcd.io/v1``) against ``platform.yaml``. Pure: no I/O.

Shapes from kustomize-controller ``api/v1/kustomization_types.go``:
``spec.sourceRef``, ``spec.suspend``, ``status.lastAppliedRevision`` and
``lastAttemptedRevision`` (the source artifact's revision, ``main@sha1:<commit>``
for a GitRepository: source-controller ``api/v1beta2/artifact_types.go``),
``status.conditions``. Each documented Kustomization exists, is not suspended,
is Ready, and, when ``--repo`` is a git checkout, has applied the commit the
checkout is at (only Kustomizations built from the repository itself: the
``flux-system/flux-system`` GitRepository that ``flux bootstrap`` creates).
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from labbook.models.cluster import ClusterKustomization, FluxRef
from labbook.models.inventory import Inventory
from labbook.models.location import Location
from labbook.models.platform import FLUX_NAMESPACE, Component
from labbook.sources.cluster.kinds import flux
from labbook.sources.cluster.kinds.base import CompareContext, Kind, ReadContext
from labbook.sources.cluster.kinds.helmrelease import SourceRef, reconciled
from labbook.sources.cluster.kinds.helmrelease_rules import commit_of
from labbook.sources.cluster.plan import ListCall
from labbook.sources.cluster.wire import (
    Condition,
    ObjectMeta,
    Typed,
    Wire,
    condition,
    meta_dict,
    object_name,
    ready_only,
)

REPOSITORY = FluxRef(kind="GitRepository", namespace=FLUX_NAMESPACE, name=FLUX_NAMESPACE)
"""The GitRepository of the Flux repository itself, as ``flux bootstrap`` names it."""


class KustomizationSpec(Wire):
    """``spec``."""

    source_ref: SourceRef | None = Field(default=None, alias="sourceRef")
    """The source it builds from."""
    suspend: bool = False
    """Reconciliation suspended."""


class KustomizationStatus(Wire):
    """``status``."""

    observed_generation: int | None = Field(default=None, alias="observedGeneration")
    """Last generation reconciled."""
    conditions: list[Condition] = []
    """Conditions; the check reads Ready."""
    last_applied_revision: str | None = Field(default=None, alias="lastAppliedRevision")
    """Source revision last applied, e.g. ``main@sha1:…``."""
    last_attempted_revision: str | None = Field(default=None, alias="lastAttemptedRevision")
    """Source revision of the last attempt."""


class KustomizationObject(Typed):
    """A Flux Kustomization."""

    metadata: ObjectMeta
    """``metadata``."""
    spec: KustomizationSpec = KustomizationSpec()
    """Spec."""
    status: KustomizationStatus = KustomizationStatus()
    """Status."""


class KustomizationKind(Kind):
    """``kustomize.toolkit.fluxcd.io/v1`` Kustomization."""

    group, version, kind, plural = "kustomize.toolkit.fluxcd.io", "v1", "Kustomization", "kustomizations"
    model = KustomizationObject
    field = "kustomizations"
    crd = True
    provider = "flux"

    def calls(self, inv: Inventory) -> list[ListCall]:
        """One list across namespaces when a component is deployed by Flux (they apply HelmReleases too)."""
        return [self.list_call()] if any(c.kustomization or c.helm for c in inv.platform.components) else []

    def documented(self, inv: Inventory) -> int:
        """Documented Kustomizations."""
        return sum(1 for c in inv.platform.components if c.kustomization)

    def parse(self, obj: KustomizationObject, ctx: ReadContext) -> list[ClusterKustomization]:
        """Source, revisions and state."""
        spec, status = obj.spec, obj.status
        ref = spec.source_ref
        source = (
            FluxRef(kind=ref.kind, namespace=ref.namespace or obj.namespace, name=ref.name)
            if ref and ref.kind and ref.name
            else None
        )
        return [
            ClusterKustomization(
                namespace=obj.namespace,
                name=obj.metadata.name,
                source=source,
                ready=condition(status.conditions),
                applied_revision=status.last_applied_revision,
                attempted_revision=status.last_attempted_revision,
                suspended=spec.suspend,
                reconciled=reconciled(obj.metadata.generation, status.observed_generation),
                origin=Location(object=object_name(obj)),
            )
        ]

    def project(self, obj: KustomizationObject, ctx: ReadContext) -> dict[str, Any]:
        """Source, suspension, generation, Ready and both revisions."""
        spec = obj.spec.model_dump(by_alias=True, exclude_none=True, exclude_defaults=True)
        status = obj.status.model_dump(by_alias=True, exclude_none=True, exclude={"conditions"})
        status["conditions"] = ready_only(obj.status.conditions)
        metadata = meta_dict(obj, generation=obj.metadata.generation)
        return {**self.head(), "metadata": metadata, **({"spec": spec} if spec else {}), "status": status}

    def compare(self, ctx: CompareContext) -> None:
        """Each documented Kustomization; those no component claims are undocumented."""
        kss = {(k.namespace, k.name): k for k in ctx.seen.kustomizations}
        absent = "Kustomization" in ctx.seen.absent_kinds
        claimed: set[tuple[str, str]] = set()
        for comp in ctx.inventory.platform.components:
            key = comp.kustomization_ref()
            if key is None:
                continue
            claimed.add(key)
            ks = kss.get(key)
            if ks is not None:
                _check(ctx, comp, ks)
            elif not absent:
                message = f"documented, but no Kustomization {key[0]}/{key[1]} in the cluster"
                ctx.out.add("missing", f"component/{comp.id}", message, at=("kustomization",))
        flux.undocumented(ctx, "Kustomization", ctx.seen.kustomizations, claimed)


def _revision(ctx: CompareContext, subject: str, what: str, ks: ClusterKustomization) -> bool:
    """Not-reconciled when the checkout is at another commit; True when the Ready state is explained."""
    head = ctx.git_commit
    applied = commit_of(ks.applied_revision)
    if head is None or ks.source != REPOSITORY or applied == head:
        return False
    ready, explained = ks.ready, False
    if commit_of(ks.attempted_revision) == head and ready is not None and ready.status == "False":
        why, explained = f"applying it failed: {ready.explain()}", True
    elif ks.suspended:
        why = "it is suspended"
    else:
        why = "Flux has not applied it yet" + (f" ({ready.explain()})" if ready and not ready.true else "")
        explained = ready is not None and not ready.true
    ctx.out.add(
        "mismatch",
        subject,
        f"{what} has applied {ks.applied_revision or 'nothing yet'}; the Git checkout is at {head}: {why}",
        at=("kustomization",),
        field="revision",
        documented=head,
        observed=applied,
        source=ks.origin,
        label="not-reconciled",
    )
    return explained


def _check(ctx: CompareContext, comp: Component, ks: ClusterKustomization) -> None:
    subject, what = f"component/{comp.id}", f"Kustomization {ks.namespace}/{ks.name}"
    explained = _revision(ctx, subject, what, ks)
    flux.state(ctx, subject, ("kustomization",), ks, explained=explained)
