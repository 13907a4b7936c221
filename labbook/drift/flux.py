"""Docs drift against the Flux repository: the inventory's components versus what Git deploys. Pure: no I/O.

Each component is matched to Flux objects by the naming convention (an explicit
``flux:`` reference, or else the component id; see
:meth:`labbook.models.platform.Component.helmrelease`):

- ``missing``: documented, but no such HelmRelease or Kustomization in the repo;
- ``mismatch``: the object exists but ``chart.name``, ``chart.version``,
  ``namespace`` (where it installs), ``source`` (``Kind namespace/name``) or,
  for Kustomizations, ``path`` differ. A HelmRelease found under the
  documented name but in another namespace is a ``namespace`` mismatch;
- ``undocumented``: a HelmRelease or Kustomization Git deploys that no
  component claims and no ``platform.ignore`` rule (shell wildcards on kind,
  namespace and name) excludes. Its subject is ``component/<object name>``,
  the component it would be, and it points at the repo file.

Versions compare as SemVer (:func:`labbook.versions.same`): a leading ``v`` and
``+build`` metadata do not make another version (``v2.1.1`` is ``2.1.1``);
ranges compare as written.
Findings come in inventory order (component, then its ``helm`` entries), then
undocumented objects sorted by kind, namespace and name.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from datetime import UTC, datetime

from labbook.drift.findings import Findings
from labbook.models.inventory import Inventory
from labbook.models.location import Location
from labbook.models.observed import FluxObserved, ObservedHelmRelease, ObservedKustomization
from labbook.models.platform import Component, Platform
from labbook.models.report import Report
from labbook.versions import same

FIXABLE_FIELDS = ("chart.name", "chart.version", "namespace")
"""Mismatches ``--fix`` may write back to the inventory."""


@dataclass(frozen=True)
class Fixable:
    """A mismatch the inventory can take from Git: one scalar at one key."""

    subject: str
    """``component/<id>``."""
    field: str
    """``chart.name``, ``chart.version`` or ``namespace``."""
    path: tuple[str | int, ...]
    """Key path under the component in ``platform.yaml``, e.g. ``("helm", 0, "version")``. A ``namespace``
    fix for one of several deployments goes to ``helm[i].namespace`` (added if absent), never to the
    component's namespace, which the others share."""
    old: str
    """What the inventory says."""
    new: str
    """What Git says."""


@dataclass
class Outcome(Findings):
    """Findings, checked subjects and what ``--fix`` could repair."""

    fixable: list[Fixable] = field(default_factory=list)
    """Mismatches ``--fix`` can write back into the inventory."""


def source_text(kind: str | None, namespace: str | None, name: str | None) -> str | None:
    """A chart source as people write it: ``HelmRepository flux-system/cilium``."""
    if not kind and not name:
        return None
    return f"{kind or '?'} {namespace + '/' if namespace else ''}{name or '?'}"


def normalize_path(path: str | None) -> str:
    """A Flux ``spec.path`` for comparison: ``./infra/x/`` and ``infra/x`` are the same."""
    clean = posixpath.normpath((path or "").strip().lstrip("/")) if (path or "").strip() else "."
    return "./" if clean == "." else f"./{clean}"


def ignored(platform: Platform, kind: str, namespace: str, name: str) -> bool:
    """Whether an ``ignore:`` rule leaves this object out of the docs on purpose."""
    return platform.ignores(kind, namespace, name)


class _Checker:
    def __init__(self, inventory: Inventory, observed: FluxObserved) -> None:
        self.inv = inventory
        self.out = Outcome(inventory)
        self.hrs = {(h.namespace, h.name): h for h in observed.helmreleases}
        self.kss = {(k.namespace, k.name): k for k in observed.kustomizations}
        self.observed = observed
        self.claimed: set[tuple[str, str, str]] = set()

    def run(self) -> Outcome:
        components = self.inv.platform.components
        exact = {("HelmRelease", *c.helmrelease(i)) for c in components for i in range(len(c.helm))}
        for comp in components:
            subject = f"component/{comp.id}"
            self.out.checked(subject)
            for i in range(len(comp.helm)):
                self._helm(comp, i, exact)
            if comp.kustomization is not None:
                self._kustomization(comp)
        self._undocumented()
        return self.out

    def _helm(self, comp: Component, i: int, exact: set[tuple[str, str, str]]) -> None:
        subject, helm = f"component/{comp.id}", comp.helm[i]
        key = comp.helmrelease(i)
        hr = self.hrs.get(key)
        moved = False
        if hr is None:
            elsewhere = [
                h
                for h in self.observed.helmreleases
                if h.name == key[1] and ("HelmRelease", h.namespace, h.name) not in exact
            ]
            if len(elsewhere) == 1:
                hr, moved = elsewhere[0], True
        if hr is None:
            message = f"documented, but no HelmRelease {key[0]}/{key[1]} in the repo"
            self.out.add("missing", subject, message, at=("helm", i))
            return
        self.claimed.add(("HelmRelease", hr.namespace, hr.name))
        what = f"HelmRelease {hr.namespace}/{hr.name}"
        into = comp.installs_into(i)
        ns_at: tuple[str | int, ...] = ("helm", i, "namespace") if helm.namespace else ("namespace",)
        deploys = len(comp.helm) + (comp.kustomization is not None)
        fix_at = ns_at if helm.namespace or deploys == 1 else ("helm", i, "namespace")
        if hr.installs_into != into or moved:
            observed_ns = hr.installs_into if hr.installs_into != into else hr.namespace
            documented_ns = into if hr.installs_into != into else key[0]
            self.out.add(
                "mismatch",
                subject,
                f"{what} installs into namespace {hr.installs_into}, not {into} as documented"
                if hr.installs_into != into
                else f"{what} lives in namespace {hr.namespace}, not {key[0]} as documented",
                at=ns_at,
                field="namespace",
                documented=documented_ns,
                observed=observed_ns,
                source=hr.origin,
            )
            if hr.target_namespace is None:
                self.out.fixable.append(Fixable(subject, "namespace", fix_at, into, hr.namespace))
        self._field(subject, ("helm", i, "chart"), "chart.name", helm.chart, hr, what, "deploys chart")
        self._field(subject, ("helm", i, "version"), "chart.version", helm.version, hr, what, "pins chart version")
        documented = source_text(helm.source.kind, helm.source.namespace or hr.namespace, helm.source.name)
        observed = source_text(hr.source_kind, hr.source_namespace, hr.source_name)
        if documented != observed:
            self.out.add(
                "mismatch",
                subject,
                f"{what} takes its chart from {observed or 'no source'}, not {documented} as documented",
                at=("helm", i, "source"),
                field="source",
                documented=documented,
                observed=observed,
                source=hr.origin,
            )

    def _field(
        self,
        subject: str,
        at: tuple[str | int, ...],
        name: str,
        documented: str,
        hr: ObservedHelmRelease,
        what: str,
        verb: str,
    ) -> None:
        observed = hr.chart if name == "chart.name" else hr.version
        if documented == observed or (name == "chart.version" and same(documented, observed)):
            return
        self.out.add(
            "mismatch",
            subject,
            f"{what} {verb} {observed} in Git; the inventory says {documented}"
            if observed is not None
            else f"{what}: Git shows no {name.replace('.', ' ')} (see the warnings); the inventory says {documented}",
            at=at,
            field=name,
            documented=documented,
            observed=observed,
            source=hr.origin,
        )
        if observed is not None:
            self.out.fixable.append(Fixable(subject, name, at, documented, observed))

    def _kustomization(self, comp: Component) -> None:
        subject, spec = f"component/{comp.id}", comp.kustomization
        assert spec is not None
        key = comp.kustomization_ref()
        assert key is not None
        ks: ObservedKustomization | None = self.kss.get(key)
        what = f"Flux Kustomization {key[0]}/{key[1]}"
        if ks is None:
            self.out.add("missing", subject, f"documented, but no {what} in the repo", at=("kustomization",))
            return
        self.claimed.add(("Kustomization", ks.namespace, ks.name))
        if normalize_path(ks.path) != normalize_path(spec.path):
            self.out.add(
                "mismatch",
                subject,
                f"{what} builds {ks.path}, not {spec.path} as documented",
                at=("kustomization", "path"),
                field="path",
                documented=spec.path,
                observed=ks.path,
                source=ks.origin,
            )
        if ks.target_namespace and ks.target_namespace != comp.namespace:
            self.out.add(
                "mismatch",
                subject,
                f"{what} installs into namespace {ks.target_namespace} (targetNamespace), not {comp.namespace}",
                at=("namespace",),
                field="namespace",
                documented=comp.namespace,
                observed=ks.target_namespace,
                source=ks.origin,
            )

    def _undocumented(self) -> None:
        platform = self.inv.platform
        extra: list[tuple[str, ObservedHelmRelease | ObservedKustomization]] = [
            ("HelmRelease", h) for h in self.observed.helmreleases
        ] + [("Kustomization", k) for k in self.observed.kustomizations]
        extra.sort(key=lambda e: (e[0], e[1].namespace, e[1].name))
        for kind, obj in extra:
            if (kind, obj.namespace, obj.name) in self.claimed or ignored(platform, kind, obj.namespace, obj.name):
                continue
            subject = f"component/{obj.name}"
            self.out.checked(subject)
            detail = ""
            if isinstance(obj, ObservedHelmRelease) and obj.chart:
                detail = f" (chart {obj.chart} {obj.version or ''})".replace(" )", ")")
            self.out.add(
                "undocumented",
                subject,
                f"{kind} {obj.namespace}/{obj.name}{detail} is deployed by the repo but not in the inventory "
                "(expected a component, or an ignore rule in platform.yaml)",
                observed=f"{obj.namespace}/{obj.name}",
                source=obj.origin,
            )


def check(inventory: Inventory, observed: FluxObserved) -> Outcome:
    """Findings and fixable mismatches of ``inventory`` against ``observed``."""
    return _Checker(inventory, observed).run()


def compare(inventory: Inventory, observed: FluxObserved, *, generated_at: datetime | None = None) -> Report:
    """The ``labbook_report: 1`` report of the inventory against a Flux repository read by ``read_repo``."""
    outcome = check(inventory, observed)
    return Report(
        source="flux",
        target=observed.target,
        revision=observed.revision,
        generated_at=generated_at or datetime.now(UTC),
        context=observed.header,
        subjects=outcome.subjects,
        findings=outcome.findings,
        warnings=observed.warnings,
    )


__all__ = ["FIXABLE_FIELDS", "Fixable", "Location", "Outcome", "check", "compare", "ignored", "source_text"]
