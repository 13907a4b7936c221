"""Components: Flux HelmReleases and Kustomizations in the cluster against ``platform.yaml``. Pure: no I/O.

With a Flux repository (``--repo``), each version finding gets a three-way label
comparing the documented, Git and deployed versions:

- ``docs-stale``: Git and the cluster agree, the docs differ;
- ``not-reconciled``: the docs and Git agree, the cluster lags;
- ``out-of-band``: the cluster differs from Git (and from the docs).
"""

from __future__ import annotations

from fnmatch import fnmatchcase

from labbook.drift.findings import Findings
from labbook.models.observed import ClusterObserved, FluxObserved, ObservedHelmRelease, ObservedKustomization
from labbook.models.platform import Component, Platform
from labbook.models.report import DriftLabel
from labbook.sources.cluster.plan import helm_identity, helm_installs_into, kustomization_identity


def same_version(a: str | None, b: str | None) -> bool:
    """Equal chart versions, ignoring a leading ``v`` (Flux and Helm treat ``v1.2.3`` as ``1.2.3``)."""
    if a is None or b is None:
        return a is b
    return a.strip().removeprefix("v") == b.strip().removeprefix("v")


def three_way(documented: str, git: str | None, deployed: str | None) -> DriftLabel:
    """Label a version that differs between the docs and the cluster, given what Git pins."""
    if git is not None and same_version(git, deployed):
        return "docs-stale"
    if git is not None and same_version(git, documented):
        return "not-reconciled"
    return "out-of-band"


def _ignored(platform: Platform, kind: str, namespace: str, name: str) -> bool:
    return any(
        r.kind == kind and fnmatchcase(name, r.name) and fnmatchcase(namespace, r.namespace) for r in platform.ignore
    )


def _not_ready(
    out: Findings, subject: str, at: tuple[str | int, ...], what: str, ready: bool | None, why: str | None, source
) -> None:
    if ready is True:
        return
    state = "has no Ready condition yet" if ready is None else "is not Ready"
    out.add(
        "not-ready",
        subject,
        f"{what} {state}" + (f": {why}" if why else ""),
        at=at,
        field="ready",
        documented=True,
        observed=ready,
        source=source,
    )


def _helm(
    out: Findings,
    comp: Component,
    i: int,
    hr: ObservedHelmRelease,
    git: dict[tuple[str, str], ObservedHelmRelease] | None,
) -> None:
    subject, helm = f"component/{comp.id}", comp.helm[i]
    what = f"HelmRelease {hr.namespace}/{hr.name}"
    into = helm_installs_into(comp, i)
    if hr.installs_into != into:
        out.add(
            "mismatch",
            subject,
            f"{what} installs into {hr.installs_into}",
            at=("helm", i, "namespace") if helm.namespace else ("namespace",),
            field="namespace",
            documented=into,
            observed=hr.installs_into,
            source=hr.origin,
        )
    if hr.chart and hr.chart != helm.chart:
        out.add(
            "mismatch",
            subject,
            f"{what} deploys chart {hr.chart}",
            at=("helm", i, "chart"),
            field="chart.name",
            documented=helm.chart,
            observed=hr.chart,
            source=hr.origin,
        )
    if not same_version(hr.version, helm.version):
        label: DriftLabel | None = None
        message = (
            f"{what} has deployed chart version {hr.version}" if hr.version else f"{what} has no release deployed yet"
        )
        if git is not None:
            pinned = git.get((hr.namespace, hr.name))
            git_version = pinned.version if pinned else None
            label = three_way(helm.version, git_version, hr.version)
            message += f"; Git pins {git_version}" if pinned else "; Git has no such HelmRelease"
        out.add(
            "mismatch",
            subject,
            message,
            at=("helm", i, "version"),
            field="chart.version",
            documented=helm.version,
            observed=hr.version,
            source=hr.origin,
            label=label,
        )
    _not_ready(out, subject, ("helm", i), what, hr.ready, hr.ready_message, hr.origin)


def compare_components(out: Findings, platform: Platform, seen: ClusterObserved, git: FluxObserved | None) -> None:
    """HelmReleases and Kustomizations: exist, Ready, documented chart and version; extras undocumented."""
    hrs = {(h.namespace, h.name): h for h in seen.helmreleases}
    kss = {(k.namespace, k.name): k for k in seen.kustomizations}
    pinned = {(h.namespace, h.name): h for h in git.helmreleases} if git is not None else None
    hr_absent = "HelmRelease" in seen.absent_kinds
    ks_absent = "Kustomization" in seen.absent_kinds
    used: set[tuple[str, str, str]] = set()
    for comp in platform.components:
        subject = f"component/{comp.id}"
        out.checked(subject)
        for i in range(len(comp.helm)):
            key = helm_identity(comp, i)
            used.add(("HelmRelease", *key))
            hr = hrs.get(key)
            if hr is not None:
                _helm(out, comp, i, hr, pinned)
            elif not hr_absent:
                out.add(
                    "missing",
                    subject,
                    f"documented, but no HelmRelease {key[0]}/{key[1]} in the cluster",
                    at=("helm", i),
                )
        if comp.kustomization is not None:
            key = kustomization_identity(comp)
            used.add(("Kustomization", *key))
            ks = kss.get(key)
            what = f"Kustomization {key[0]}/{key[1]}"
            if ks is not None:
                _not_ready(out, subject, ("kustomization",), what, ks.ready, ks.ready_message, ks.origin)
            elif not ks_absent:
                out.add("missing", subject, f"documented, but no {what} in the cluster", at=("kustomization",))
    extras: list[tuple[str, ObservedHelmRelease | ObservedKustomization]] = [
        ("HelmRelease", h) for h in seen.helmreleases
    ] + [("Kustomization", k) for k in seen.kustomizations]
    for kind, obj in extras:
        if (kind, obj.namespace, obj.name) in used or _ignored(platform, kind, obj.namespace, obj.name):
            continue
        out.add(
            "undocumented",
            f"component/{obj.name}",
            f"{kind} {obj.namespace}/{obj.name} is in the cluster but not in the inventory",
            source=obj.origin,
            observed=f"{obj.namespace}/{obj.name}",
        )
