"""Flux HelmReleases (``helm.toolkit.fluxcd.io/v2``): what each asks for, and what runs. Pure: no I/O.

Shapes from helm-controller ``api/v2/helmrelease_types.go`` and
``snapshot_types.go``: ``spec.chart.spec.version`` (default ``*``) or
``spec.chartRef``, ``spec.suspend``, ``status.history`` (newest first, "up to
the last successfully completed release"), ``status.conditions``,
``status.lastAttemptedRevision``. What runs is the newest history entry whose
``status`` is ``deployed``: a failed Helm upgrade marks the new release
``failed`` and leaves the previous one ``deployed`` (helm ``pkg/action/upgrade.go``,
``releasingUpgrade`` and ``failRelease``). The comparison is in
:mod:`.helmrelease_rules`.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from labbook.models.cluster import ClusterHelmRelease, FluxRef
from labbook.models.inventory import Inventory
from labbook.models.location import Location
from labbook.sources.cluster.kinds.base import CompareContext, Kind, ReadContext
from labbook.sources.cluster.kinds.helmrelease_rules import compare_helmreleases
from labbook.sources.cluster.plan import ListCall
from labbook.sources.cluster.wire import (
    Condition,
    ManagedMeta,
    Typed,
    Wire,
    condition,
    meta_dict,
    object_name,
    ready_only,
)

APPLIED_BY = ("kustomize.toolkit.fluxcd.io/name", "kustomize.toolkit.fluxcd.io/namespace")
"""Labels kustomize-controller puts on what it applies: the Kustomization's name and namespace."""
VERSION_PATH = ("spec", "chart", "spec", "version")
"""Where a chart template pins its version."""


class SourceRef(Wire):
    """A Flux ``sourceRef`` or ``chartRef``."""

    kind: str | None = None
    """Kind."""
    name: str | None = None
    """Name."""
    namespace: str | None = None
    """Namespace (default: the referring object's)."""


class ChartSpec(Wire):
    """``spec.chart.spec``."""

    chart: str | None = None
    """Chart name."""
    version: str | None = None
    """Version or range; Flux's default is ``*``."""
    source_ref: SourceRef | None = Field(default=None, alias="sourceRef")
    """The HelmRepository, GitRepository or Bucket."""


class ChartTemplate(Wire):
    """``spec.chart``."""

    spec: ChartSpec | None = None
    """The chart template spec."""


class HelmReleaseSpec(Wire):
    """``spec``."""

    chart: ChartTemplate | None = None
    """Inline chart template."""
    chart_ref: SourceRef | None = Field(default=None, alias="chartRef")
    """The OCIRepository or HelmChart holding the chart."""
    target_namespace: str | None = Field(default=None, alias="targetNamespace")
    """Namespace the release installs into, when not the object's."""
    suspend: bool = False
    """Reconciliation suspended."""


class HistoryEntry(Wire):
    """One ``status.history`` snapshot."""

    chart_name: str | None = Field(default=None, alias="chartName")
    """Chart name."""
    chart_version: str | None = Field(default=None, alias="chartVersion")
    """Chart version (``+<digest prefix>`` for OCI sources)."""
    status: str | None = None
    """Helm release status: ``deployed``, ``failed``, ``superseded`` …"""


class HelmReleaseStatus(Wire):
    """``status``."""

    observed_generation: int | None = Field(default=None, alias="observedGeneration")
    """Last generation reconciled."""
    conditions: list[Condition] = []
    """Conditions; the check reads Ready."""
    history: list[HistoryEntry] = []
    """Release history, newest first."""
    last_attempted_revision: str | None = Field(default=None, alias="lastAttemptedRevision")
    """Chart version of the last attempt."""


class HelmReleaseObject(Typed):
    """A HelmRelease."""

    metadata: ManagedMeta
    """``metadata`` with field managers."""
    spec: HelmReleaseSpec = HelmReleaseSpec()
    """Spec."""
    status: HelmReleaseStatus = HelmReleaseStatus()
    """Status."""


def _running(history: list[HistoryEntry]) -> HistoryEntry | None:
    return next((h for h in history if h.status == "deployed"), None)


def reconciled(generation: int | None, observed: int | None) -> bool:
    """Whether a Flux controller has reconciled the current spec (``observedGeneration``)."""
    return generation is None or (observed is not None and observed >= generation)


class HelmReleaseKind(Kind):
    """``helm.toolkit.fluxcd.io/v2`` HelmRelease."""

    group, version, kind, plural = "helm.toolkit.fluxcd.io", "v2", "HelmRelease", "helmreleases"
    model = HelmReleaseObject
    field = "helmreleases"
    crd = True
    provider = "flux"

    def calls(self, inv: Inventory) -> list[ListCall]:
        """One list across namespaces when a component is deployed by Helm."""
        return [self.list_call()] if any(c.helm for c in inv.platform.components) else []

    def documented(self, inv: Inventory) -> int:
        """Documented HelmReleases (per-arch entries of one release counted once)."""
        return len({c.helmrelease(i) for c in inv.platform.components for i in range(len(c.helm))})

    def parse(self, obj: HelmReleaseObject, ctx: ReadContext) -> list[ClusterHelmRelease]:
        """Desired and running versions, state, and who applied it."""
        spec, status, meta = obj.spec, obj.status, obj.metadata
        template = spec.chart.spec if spec.chart and spec.chart.spec else None
        ref = spec.chart_ref if spec.chart_ref and spec.chart_ref.kind and spec.chart_ref.name else None
        running = _running(status.history)
        newest = status.history[0] if status.history else None
        attempted = None
        if newest is not None and newest is not running:
            attempted = newest.chart_version
        elif newest is None:
            attempted = status.last_attempted_revision
        name, namespace = (meta.labels.get(k) for k in APPLIED_BY)
        return [
            ClusterHelmRelease(
                namespace=obj.namespace,
                name=meta.name,
                target_namespace=spec.target_namespace,
                chart=(running or newest or HistoryEntry()).chart_name or (template.chart if template else None),
                spec_version=(template.version or "*") if template else None,
                chart_ref=FluxRef(kind=ref.kind, namespace=ref.namespace or obj.namespace, name=ref.name)
                if ref and ref.kind and ref.name
                else None,
                version_manager=meta.manager_of(*VERSION_PATH) if template else None,
                running=running.chart_version if running else None,
                attempted=attempted,
                ready=condition(status.conditions),
                reconciled=reconciled(meta.generation, status.observed_generation),
                suspended=spec.suspend,
                applied_by=FluxRef(kind="Kustomization", namespace=namespace, name=name)
                if name and namespace
                else None,
                origin=Location(object=object_name(obj)),
            )
        ]

    def project(self, obj: HelmReleaseObject, ctx: ReadContext) -> dict[str, Any]:
        """Spec as asked, Ready, the newest and the running history entries, the version's field manager."""
        meta, status = obj.metadata, obj.status
        labels = {k: meta.labels[k] for k in APPLIED_BY if k in meta.labels}
        manager = meta.manager_of(*VERSION_PATH)
        leaf: dict[str, Any] = {}
        for step in reversed(VERSION_PATH):
            leaf = {f"f:{step}": leaf}
        managed = [{"manager": manager, "fieldsV1": leaf}] if manager else []
        metadata = meta_dict(obj, generation=meta.generation, labels=labels, managedFields=managed)
        spec = obj.spec.model_dump(by_alias=True, exclude_none=True, exclude_defaults=True)
        entries = [e for e in (*status.history[:1], _running(status.history)) if e is not None]
        hr_status: dict[str, Any] = {}
        if status.observed_generation is not None:
            hr_status["observedGeneration"] = status.observed_generation
        hr_status["conditions"] = ready_only(status.conditions)
        if entries:
            hr_status["history"] = [e.model_dump(by_alias=True, exclude_none=True) for e in dict.fromkeys(entries)]
        if status.last_attempted_revision:
            hr_status["lastAttemptedRevision"] = status.last_attempted_revision
        return {**self.head(), "metadata": metadata, **({"spec": spec} if spec else {}), "status": hr_status}

    def compare(self, ctx: CompareContext) -> None:
        """Each documented release against the cluster's, three ways with ``--repo``; extras undocumented."""
        compare_helmreleases(ctx)
