"""From built objects to the observed model: HelmReleases, sources, Kustomizations, Namespaces.

HelmRelease ``helm.toolkit.fluxcd.io`` v2, v2beta2 and v2beta1 share the
fields read here:

- ``spec.chart.spec``: chart, version (Flux's default ``*`` when unset) and
  ``sourceRef`` (namespace defaults to the release's);
- ``spec.chartRef``: an ``OCIRepository`` gives the chart name as the last
  path segment of its URL and the version as ``ref.tag``, ``ref.semver`` or
  ``ref.digest`` (Flux's default ``latest``); a ``HelmChart`` gives its own
  chart and version.
"""

from __future__ import annotations

from typing import Any

from labbook.models.location import Location
from labbook.models.observed import ObservedHelmRelease, ObservedKustomization, ObservedSource
from labbook.sources.flux.diagnostics import Diagnostics
from labbook.sources.flux.entry import FLUX_KUSTOMIZE
from labbook.sources.flux.resource import Res, items, text

HELM = "helm.toolkit.fluxcd.io"
SOURCE = "source.toolkit.fluxcd.io"
SOURCE_KINDS = ("HelmRepository", "OCIRepository", "HelmChart", "GitRepository", "Bucket")


def _origin(res: Res) -> Location:
    return Location(file=res.file, line=res.line)


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def oci_chart(url: str | None) -> str | None:
    """The chart name of an OCI artifact URL: its last path segment."""
    if not url:
        return None
    tail = url.rstrip("/").rpartition("/")[2]
    return tail.partition("@")[0].partition(":")[0] or None


def oci_version(spec: dict[str, Any]) -> str:
    """What an OCIRepository pins: ``ref.tag``, ``ref.semver`` or ``ref.digest``, else ``latest``."""
    ref = _dict(spec.get("ref"))
    return text(ref.get("tag")) or text(ref.get("semver")) or text(ref.get("digest")) or "latest"


def source(res: Res) -> ObservedSource:
    """A HelmRepository, OCIRepository, HelmChart, GitRepository or Bucket."""
    spec = res.spec
    ref = _dict(spec.get("ref"))
    return ObservedSource(
        kind=res.kind,
        namespace=res.namespace,
        name=res.name,
        url=text(spec.get("url")),
        tag=text(ref.get("tag")) if res.kind == "OCIRepository" else None,
        semver=text(ref.get("semver")) if res.kind == "OCIRepository" else None,
        type=text(spec.get("type")),
        origin=_origin(res),
    )


def helmrelease(res: Res, index: dict[tuple[str, str, str], Res], diag: Diagnostics) -> ObservedHelmRelease:
    """A HelmRelease, its chart resolved through ``chartRef`` when it has one."""
    spec = res.spec
    chart_spec = _dict(_dict(spec.get("chart")).get("spec"))
    chart = version = kind = name = namespace = None
    if chart_spec:
        ref = _dict(chart_spec.get("sourceRef"))
        chart = text(chart_spec.get("chart"))
        version = text(chart_spec.get("version")) or "*"
        kind, name = text(ref.get("kind")), text(ref.get("name"))
        namespace = text(ref.get("namespace")) or res.namespace
    elif spec.get("chartRef"):
        ref = _dict(spec.get("chartRef"))
        kind, name = text(ref.get("kind")), text(ref.get("name"))
        namespace = text(ref.get("namespace")) or res.namespace
        target = index.get((kind or "", namespace, name or ""))
        if kind in ("OCIRepository", "HelmChart") and target is None:
            diag.warn(
                res.file,
                res.line,
                f"{res.describe()}: chartRef {kind} {namespace}/{name} is not in the repo (chart and version unknown)",
            )
        elif kind == "OCIRepository" and target is not None:
            chart, version = oci_chart(text(target.spec.get("url"))), oci_version(target.spec)
        elif kind == "HelmChart" and target is not None:
            chart, version = text(target.spec.get("chart")), text(target.spec.get("version")) or "*"
    else:
        diag.warn(res.file, res.line, f"{res.describe()} has neither spec.chart nor spec.chartRef (expected one)")
    return ObservedHelmRelease(
        namespace=res.namespace,
        name=res.name,
        target_namespace=text(spec.get("targetNamespace")),
        chart=chart,
        version=version,
        source_kind=kind,
        source_name=name,
        source_namespace=namespace,
        origin=_origin(res),
    )


def kustomization(res: Res) -> ObservedKustomization:
    """A Flux Kustomization."""
    spec = res.spec
    depends = []
    for dep in items(spec.get("dependsOn")):
        if isinstance(dep, dict) and text(dep.get("name")):
            depends.append(f"{text(dep.get('namespace')) or res.namespace}/{text(dep.get('name'))}")
    return ObservedKustomization(
        namespace=res.namespace,
        name=res.name,
        path=text(spec.get("path")),
        depends_on=depends,
        target_namespace=text(spec.get("targetNamespace")),
        origin=_origin(res),
    )


def observe(objects: list[Res], diag: Diagnostics) -> dict[str, Any]:
    """The FluxObserved fields for a list of built objects."""
    index = {(o.kind, o.namespace, o.name): o for o in objects if o.group == SOURCE}
    helmreleases, sources, kustomizations, namespaces = [], [], [], set()
    for obj in objects:
        if obj.group == HELM and obj.kind == "HelmRelease":
            helmreleases.append(helmrelease(obj, index, diag))
        elif obj.group == SOURCE and obj.kind in SOURCE_KINDS:
            sources.append(source(obj))
        elif obj.group == FLUX_KUSTOMIZE and obj.kind == "Kustomization":
            kustomizations.append(kustomization(obj))
        elif obj.kind == "Namespace" and obj.group == "":
            namespaces.add(obj.name)
        elif obj.kind == "ResourceSet":
            templated = [
                text(_dict(r.get("metadata")).get("name")) or "?"
                for r in items(obj.spec.get("resources"))
                if isinstance(r, dict) and r.get("kind") == "HelmRelease"
            ]
            if templated:
                diag.warn(
                    obj.file,
                    obj.line,
                    f"{obj.describe()} templates HelmRelease {', '.join(templated)}: Flux Operator ResourceSets are "
                    "not expanded offline",
                )
    key = lambda o: (o.namespace, o.name)  # noqa: E731
    return {
        "helmreleases": sorted(helmreleases, key=key),
        "sources": sorted(sources, key=lambda s: (s.kind, s.namespace, s.name)),
        "kustomizations": sorted(kustomizations, key=key),
        "namespaces": sorted(namespaces),
    }
