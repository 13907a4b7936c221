"""A first ``platform.yaml`` from what a Flux repository deploys (``labbook init --from-flux``). Pure: no I/O.

Written so that ``labbook drift flux`` against the same repository is in sync:

- every HelmRelease becomes a component named after it, in a category per
  namespace it installs into, with its chart, version and source exactly as
  Git pins them, and a ``flux:`` reference whenever the naming convention
  alone would not find it;
- a Flux Kustomization of plain manifests becomes a component with a
  ``kustomization:``;
- Kustomizations that only wrap HelmReleases or other Kustomizations, and
  HelmReleases whose chart cannot be resolved offline, become ``ignore:``
  rules that say why.

Descriptions and URLs are placeholders for the owner to replace.
"""

from __future__ import annotations

import re
from typing import Any

from labbook.models.observed import FluxObserved, ObservedHelmRelease, ObservedKustomization
from labbook.sources.flux.reader import Build

SOURCE_KINDS = {"HelmRepository", "OCIRepository", "GitRepository", "HelmChart", "Bucket"}
"""Source kinds the inventory can name."""
_NOT_ID = re.compile(r"[^a-z0-9-]+")


def slug(text: str) -> str:
    """A valid inventory id (DNS label) from an object name."""
    out = _NOT_ID.sub("-", text.lower()).strip("-")[:63].strip("-")
    return out or "component"


def _unique(base: str, taken: set[str], *more: str) -> str:
    for candidate in (slug(base), *(slug(f"{base}-{m}") for m in more)):
        if candidate not in taken:
            taken.add(candidate)
            return candidate
    n = 2
    while f"{slug(base)[:60]}-{n}" in taken:
        n += 1
    taken.add(f"{slug(base)[:60]}-{n}")
    return f"{slug(base)[:60]}-{n}"


def _url(chart: str) -> str:
    return f"https://artifacthub.io/packages/search?ts_query_web={re.sub(r'[^A-Za-z0-9._-]', '', chart) or 'helm'}"


def _helm_component(hr: ObservedHelmRelease, taken: set[str]) -> dict[str, Any]:
    cid = _unique(hr.name, taken, hr.namespace)
    into = hr.installs_into
    helm: dict[str, Any] = {
        "chart": hr.chart,
        "version": hr.version,
        "source": {"kind": hr.source_kind, "name": hr.source_name, "namespace": hr.source_namespace},
    }
    if cid != hr.name or hr.namespace != into:
        helm["flux"] = {"name": hr.name, **({"namespace": hr.namespace} if hr.namespace != into else {})}
    return {
        "id": cid,
        "name": hr.name,
        "description": f"Deployed by HelmRelease {hr.namespace}/{hr.name} (chart {hr.chart}).",
        "url": _url(hr.chart or hr.name),
        "namespace": into,
        "helm": [helm],
    }


def _ks_component(ks: ObservedKustomization, taken: set[str]) -> dict[str, Any]:
    cid = _unique(ks.name, taken, ks.namespace)
    deploy: dict[str, Any] = {"path": ks.path or "./"}
    if cid != ks.name or ks.namespace != "flux-system":
        deploy["flux"] = {"name": ks.name, **({"namespace": ks.namespace} if ks.namespace != "flux-system" else {})}
    return {
        "id": cid,
        "name": ks.name,
        "description": f"Plain manifests applied by Flux Kustomization {ks.namespace}/{ks.name}.",
        "url": "https://fluxcd.io/flux/components/kustomize/kustomizations/",
        "namespace": slug(ks.target_namespace or ks.namespace),
        "kustomization": deploy,
    }


def _resolvable(hr: ObservedHelmRelease) -> str | None:
    """Why a HelmRelease cannot be documented as it stands, or None."""
    if not hr.chart or not hr.version:
        return "its chart cannot be resolved offline (see the warnings of `labbook flux list`)"
    if hr.source_kind not in SOURCE_KINDS or not hr.source_name:
        return f"its chart comes from a {hr.source_kind or 'missing'} source the inventory cannot name"
    names = (hr.name, hr.namespace, hr.installs_into, hr.source_name)
    if any(slug(n) != n for n in names):
        return "its name, namespace or source is not a DNS label the inventory accepts"
    return None


def platform_from(observed: FluxObserved, found: Build) -> dict[str, Any]:
    """The ``platform.yaml`` data for a repository, as plain dicts and lists."""
    applies: dict[tuple[str, str], set[str]] = {}
    for ks in found.kustomizations:
        applies[(ks.namespace, ks.name)] = {o.kind for o in ks.objects}
    taken: set[str] = set()
    by_namespace: dict[str, list[dict[str, Any]]] = {}
    ignore: list[dict[str, Any]] = []
    for hr in observed.helmreleases:
        why = _resolvable(hr)
        if why:
            ignore.append(
                {"kind": "HelmRelease", "name": hr.name, "namespace": hr.namespace, "reason": f"Not documented: {why}."}
            )
            continue
        comp = _helm_component(hr, taken)
        by_namespace.setdefault(comp["namespace"], []).append(comp)
    for ks in observed.kustomizations:
        kinds = applies.get((ks.namespace, ks.name), set())
        if "HelmRelease" in kinds or "Kustomization" in kinds:
            what = "HelmReleases documented as components" if "HelmRelease" in kinds else "other Kustomizations"
            ignore.append(
                {"kind": "Kustomization", "name": ks.name, "namespace": ks.namespace, "reason": f"Applies {what}."}
            )
            continue
        if slug(ks.name) != ks.name or slug(ks.namespace) != ks.namespace:
            reason = "Not documented: its name or namespace is not a DNS label the inventory accepts."
            ignore.append({"kind": "Kustomization", "name": ks.name, "namespace": ks.namespace, "reason": reason})
            continue
        comp = _ks_component(ks, taken)
        by_namespace.setdefault(comp["namespace"], []).append(comp)
    categories = [
        {"id": slug(ns), "name": ns, "components": sorted(comps, key=lambda c: c["id"])}
        for ns, comps in sorted(by_namespace.items())
    ]
    return {"categories": categories, "ignore": ignore}


def cluster_name(found: Build) -> str:
    """A name for the cluster: the entry folder's name (``clusters/homelab`` gives ``homelab``)."""
    return found.entry.rstrip("/").rpartition("/")[2] or found.repo.resolve().name or "cluster"
