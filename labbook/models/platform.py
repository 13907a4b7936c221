"""Platform: the components Flux deploys, grouped by category."""

from __future__ import annotations

from fnmatch import fnmatchcase
from typing import Literal

from pydantic import AnyHttpUrl, Field, model_validator

from labbook.models.base import Arch, Id, Model, Text

FLUX_NAMESPACE = "flux-system"
"""Namespace of a Flux Kustomization whose ``flux:`` reference names none (where ``flux bootstrap`` puts them)."""

SourceKind = Literal["HelmRepository", "OCIRepository", "GitRepository", "HelmChart", "Bucket"]
"""Flux source kinds a HelmRelease can take its chart from."""


class SourceRef(Model):
    """The Flux source a chart comes from."""

    kind: SourceKind
    """Source kind, e.g. ``HelmRepository``."""
    name: Id
    """Source object name."""
    namespace: str | None = None
    """Source namespace; by default the HelmRelease's own."""


class FluxRef(Model):
    """An explicit pointer at a Flux object, when its name is not the component id."""

    name: Id
    """Object name."""
    namespace: Id | None = None
    """Object namespace; by default the component's namespace (``flux-system`` for
    Kustomizations)."""


class HelmDeploy(Model):
    """A component deployed by a Flux HelmRelease."""

    chart: Text
    """Chart name, e.g. ``cilium`` (for OCI charts, the last path segment)."""
    version: Text
    """Chart version, exactly as pinned in Git (a tag, or a semver range)."""
    source: SourceRef
    """Where the chart comes from."""
    namespace: Id | None = None
    """Namespace this release installs into, when not the component's."""
    flux: FluxRef | None = None
    """The HelmRelease, when it is not named after the component or does not live in
    the namespace it installs into."""
    arch: Arch | None = None
    """Set when this release serves only one architecture (per-arch runner scale sets)."""


class KustomizationDeploy(Model):
    """A component deployed as plain manifests by a Flux Kustomization."""

    path: Text
    """``spec.path`` of the Flux Kustomization, e.g. ``./infrastructure/sriov-device-plugin``."""
    flux: FluxRef | None = None
    """The Flux Kustomization, when it is not named after the component."""


class RunsOn(Model):
    """Where a component's pods are allowed to run."""

    nodes: list[Id] = []
    """Node names; must exist in the hardware inventory."""
    arch: list[Arch] = []
    """Architectures."""


class Component(Model):
    """One piece of the platform."""

    id: Id
    """Stable id, e.g. ``cilium``; journal entries refer to it."""
    name: Text
    """Display name, e.g. ``Cilium``."""
    description: Text
    """One line on what it does here."""
    url: AnyHttpUrl
    """Upstream project page."""
    namespace: Id
    """Namespace the component runs in."""
    helm: list[HelmDeploy] = []
    """HelmReleases that deploy it (several for per-arch scale sets)."""
    kustomization: KustomizationDeploy | None = None
    """Flux Kustomization that deploys its plain manifests."""
    notes: list[Text] = []
    """Short remarks, e.g. ``KRaft mode`` or ``v1 data engine``."""
    runs_on: RunsOn | None = None
    """Restrictions on where it runs; everywhere when absent."""

    def helmrelease(self, index: int) -> tuple[str, str]:
        """``(namespace, name)`` of the HelmRelease deploying ``helm[index]``.

        The name is ``helm[index].flux.name``, else the component id; the namespace is
        ``helm[index].flux.namespace``, else ``helm[index].namespace``, else the component's.
        """
        helm = self.helm[index]
        name = helm.flux.name if helm.flux else self.id
        namespace = (helm.flux.namespace if helm.flux else None) or helm.namespace or self.namespace
        return namespace, name

    def installs_into(self, index: int) -> str:
        """Namespace ``helm[index]`` installs its workloads into: its own, else the component's."""
        return self.helm[index].namespace or self.namespace

    def kustomization_ref(self) -> tuple[str, str] | None:
        """``(namespace, name)`` of the Flux Kustomization deploying the component, if any.

        The name is ``kustomization.flux.name``, else the component id; the namespace is
        ``kustomization.flux.namespace``, else ``flux-system``.
        """
        if self.kustomization is None:
            return None
        flux = self.kustomization.flux
        return (flux.namespace if flux and flux.namespace else FLUX_NAMESPACE), (flux.name if flux else self.id)

    @model_validator(mode="after")
    def _deployed_somehow(self) -> Component:
        if not self.helm and self.kustomization is None:
            raise ValueError("a component needs `helm` or `kustomization` (expected how Flux deploys it)")
        return self


class Category(Model):
    """A group of components on the platform page."""

    id: Id
    """Stable id, e.g. ``networking``."""
    name: Text
    """Display name, e.g. ``Networking``."""
    components: list[Component] = Field(min_length=1)
    """Components in display order."""


class IgnoreRule(Model):
    """A Flux object left out of the docs on purpose."""

    kind: Literal["HelmRelease", "Kustomization"]
    """Object kind."""
    name: str = Field(min_length=1)
    """Object name; shell-style wildcards allowed."""
    namespace: str = "*"
    """Object namespace; shell-style wildcards allowed."""
    reason: Text
    """Why it is not documented."""


class Platform(Model):
    """``inventory/platform.yaml``: what runs on the cluster."""

    categories: list[Category] = Field(min_length=1)
    """Categories in display order."""
    ignore: list[IgnoreRule] = []
    """Flux objects the drift check must not report as undocumented."""

    @property
    def components(self) -> list[Component]:
        """Every component, in display order."""
        return [c for cat in self.categories for c in cat.components]

    def ignores(self, kind: str, namespace: str, name: str) -> bool:
        """Whether an ``ignore:`` rule leaves this Flux object out of the docs on purpose."""
        return any(
            r.kind == kind and fnmatchcase(name, r.name) and fnmatchcase(namespace, r.namespace) for r in self.ignore
        )

    def component(self, cid: str) -> Component | None:
        """The component with id ``cid``, if any."""
        return next((c for c in self.components if c.id == cid), None)
