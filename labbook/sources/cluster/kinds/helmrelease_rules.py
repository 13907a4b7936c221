"""HelmReleases against ``platform.yaml``: three versions of one chart, told apart. Pure: no I/O.

For each documented Helm deployment: the HelmRelease exists, installs where
documented, runs the documented chart and version, is not suspended, is Ready.
Versions compare as SemVer (:mod:`labbook.versions`), so the OCI digest
helm-controller appends (``2.1.1+41b39ad27d99``) is shown as context, never drift.

The cluster has two versions: what the HelmRelease asks for (C:
``spec.chart.spec.version``, or for a ``chartRef`` the OCIRepository's
``spec.ref`` digest, semver or tag, in source-controller's order of precedence)
and what runs (R: the newest ``deployed`` history entry). With ``--repo`` (Git
G) each version finding is labelled by :func:`labbook.models.report.three_way`,
naming the field manager that set C when ``managedFields`` shows one, and why R
differs from C when Flux says (conditions, ``observedGeneration``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from labbook import versions
from labbook.models.cluster import FLUX_MANAGERS, ClusterHelmRelease, ClusterKustomization
from labbook.models.platform import Component
from labbook.models.report import DriftLabel, three_way
from labbook.sources.cluster.kinds import flux
from labbook.sources.cluster.kinds.base import CompareContext

FAILED_REASONS = frozenset(
    {"InstallFailed", "UpgradeFailed", "TestFailed", "RollbackSucceeded", "RollbackFailed", "UninstallFailed"}
)
"""helm-controller Ready reasons after a release action failed (``api/v2/condition_types.go``)."""
_COMMIT = re.compile(r"(?:sha1:|sha256:|/)([0-9a-f]{40}(?:[0-9a-f]{24})?)$")


def commit_of(revision: str | None) -> str | None:
    """The commit of a source revision: ``main@sha1:<sha>`` (Flux v2.0+) or ``main/<sha>`` (older)."""
    m = _COMMIT.search(revision or "")
    return m.group(1) if m else None


def shown(version: str | None) -> str:
    """``2.1.1 (digest 41b39ad27d99)`` for an OCI chart version, the version itself otherwise."""
    digest = versions.build(version)
    return f"{versions.bare(version)} (digest {digest})" if digest else str(version)


@dataclass(frozen=True)
class Desired:
    """What a HelmRelease asks for in the cluster (C)."""

    value: str | None
    """The version, range, digest or ``latest``; None when it cannot be known."""
    where: str
    """The field it comes from."""
    manager: str | None = None
    """The field manager that set it."""

    def runs(self, running: str | None) -> bool:
        """Whether the running chart version is what this asks for."""
        if running is None or self.value is None:
            return False
        if self.value == "latest":
            return True
        if self.value.startswith("sha256:"):
            return versions.build(running) == self.value.partition(":")[2][:12]
        return versions.matches(self.value, running)

    def text(self) -> str:
        """``10.1.5 (spec.chart.spec.version, set by kubectl-patch)``."""
        by = f", set by {self.manager}" if self.manager and self.manager not in FLUX_MANAGERS else ""
        return f"{self.value} ({self.where}{by})"


def desired(ctx: CompareContext, hr: ClusterHelmRelease) -> Desired:
    """C for ``hr``."""
    if hr.spec_version is not None:
        return Desired(hr.spec_version, "spec.chart.spec.version", hr.version_manager)
    ref = hr.chart_ref
    if ref is not None and ref.kind == "OCIRepository":
        oci = next((o for o in ctx.seen.oci_repositories if (o.namespace, o.name) == (ref.namespace, ref.name)), None)
        if oci is not None:
            field, value = oci.ref
            return Desired(value, f"{ref} {field}", oci.ref_manager)
        return Desired(None, f"{ref}, which is not in the cluster")
    return Desired(None, str(ref) if ref else "no chart")


@dataclass(frozen=True)
class Why:
    """Why Flux has not (yet) made what runs what the HelmRelease asks for."""

    failed: bool
    """A release action failed (as opposed to: not applied yet)."""
    text: str
    """The sentence."""


def why_not_applied(hr: ClusterHelmRelease) -> Why | None:
    """From the Ready condition and ``observedGeneration``; None when Flux gives no reason (or is suspended)."""
    ready = hr.ready
    if hr.suspended:
        return None
    if ready is not None and ready.status == "False" and (ready.reason or "") in FAILED_REASONS:
        action = "upgrade" if hr.running else "install"
        return Why(True, f"the {action} failed: {ready.explain()}")
    if not hr.reconciled:
        return Why(False, "Flux has not applied it yet: helm-controller has not reconciled the current spec")
    if ready is None or not ready.true:
        detail = f": {ready.explain()}" if ready else " (no Ready condition yet)"
        return Why(False, f"Flux has not applied it yet{detail}")
    return None


def _behind(ctx: CompareContext, hr: ClusterHelmRelease, want: Desired) -> ClusterKustomization | None:
    """The Kustomization that applied ``hr``, when it is behind Git and it set C itself."""
    if ctx.git_commit is None or hr.applied_by is None or want.manager not in (None, "kustomize-controller"):
        return None
    ks = next(
        (k for k in ctx.seen.kustomizations if (k.namespace, k.name) == (hr.applied_by.namespace, hr.applied_by.name)),
        None,
    )
    applied = commit_of(ks.applied_revision) if ks else None
    return ks if ks is not None and applied is not None and applied != ctx.git_commit else None


def _label(ctx: CompareContext, hr: ClusterHelmRelease, documented: str, want: Desired, why: Why | None):
    pinned = next((h for h in ctx.git.helmreleases if (h.namespace, h.name) == (hr.namespace, hr.name)), None)
    if pinned is None:
        return "out-of-band", "; Git has no such HelmRelease"
    git = pinned.version
    behind = _behind(ctx, hr, want)
    if want.value is not None:
        desired_is_git, runs = versions.same(want.value, git), want.runs(hr.running)
    else:
        desired_is_git = runs = hr.running is not None and versions.matches(git, hr.running)
    label: DriftLabel = three_way(
        docs_match_git=versions.same(documented, git),
        desired_matches_git=desired_is_git,
        runs_desired=runs,
        flux_reason=why is not None,
        git_not_applied=behind is not None,
    )
    note = f"; Git pins {git}"
    if behind is not None and label == "not-reconciled" and not desired_is_git:
        ks = f"Kustomization {behind.namespace}/{behind.name}"
        note += f"; {ks} has applied {behind.applied_revision}, not {ctx.git_commit}"
    return label, note


def _version(ctx: CompareContext, comp: Component, i: int, hr: ClusterHelmRelease) -> bool:
    """The version finding, if any; True when it explains the Ready condition."""
    documented = comp.helm[i].version
    want = desired(ctx, hr)
    runs_docs = hr.running is not None and versions.matches(documented, hr.running)
    asks_other = want.value is not None and not versions.same(documented, want.value)
    if runs_docs and not asks_other:
        return False
    runs_desired = want.runs(hr.running)
    why = why_not_applied(hr) if want.value is not None and not runs_desired else None
    what = f"HelmRelease {hr.namespace}/{hr.name}"
    if hr.running is not None:
        message = f"{what} runs chart version {shown(hr.running)}"
    else:
        message = f"{what} has no release deployed yet" + (f" ({hr.attempted} attempted)" if hr.attempted else "")
    if want.value is not None and (asks_other or not runs_desired):
        message += f"; it asks for {want.text()}" if not runs_desired else f", as it asks: {want.text()}"
    if why is not None:
        message += f"; {why.text}"
    elif hr.suspended and not runs_desired:
        message += "; it is suspended"
    label: DriftLabel | None = None
    if ctx.git is not None:
        label, note = _label(ctx, hr, documented, want, why)
        message += note
    ctx.out.add(
        "mismatch",
        f"component/{comp.id}",
        message,
        at=("helm", i, "version"),
        field="chart.version",
        documented=documented,
        observed=versions.bare(hr.running) if not runs_docs else want.value,
        source=hr.origin,
        label=label,
    )
    return why is not None


def _release(ctx: CompareContext, comp: Component, i: int, hr: ClusterHelmRelease) -> None:
    subject, helm, out = f"component/{comp.id}", comp.helm[i], ctx.out
    what = f"HelmRelease {hr.namespace}/{hr.name}"
    into = comp.installs_into(i)
    if hr.installs_into != into:
        at = ("helm", i, "namespace") if helm.namespace else ("namespace",)
        message = f"{what} installs into {hr.installs_into}"
        out.add(
            "mismatch",
            subject,
            message,
            at=at,
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
    explained = _version(ctx, comp, i, hr)
    flux.state(ctx, subject, ("helm", i), hr, explained=explained)


def compare_helmreleases(ctx: CompareContext) -> None:
    """Every documented Helm deployment; HelmReleases no component claims are undocumented."""
    hrs = {(h.namespace, h.name): h for h in ctx.seen.helmreleases}
    absent = "HelmRelease" in ctx.seen.absent_kinds
    claimed: set[tuple[str, str]] = set()
    for comp in ctx.inventory.platform.components:
        for i in range(len(comp.helm)):
            key = comp.helmrelease(i)
            claimed.add(key)
            hr = hrs.get(key)
            if hr is not None:
                _release(ctx, comp, i, hr)
            elif not absent:
                message = f"documented, but no HelmRelease {key[0]}/{key[1]} in the cluster"
                ctx.out.add("missing", f"component/{comp.id}", message, at=("helm", i))
    flux.undocumented(ctx, "HelmRelease", ctx.seen.helmreleases, claimed, _chart)


def _chart(hr: flux.FluxObject) -> str:
    assert isinstance(hr, ClusterHelmRelease)
    return f" (chart {hr.chart} {shown(hr.running)})" if hr.chart and hr.running else ""
