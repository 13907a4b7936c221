"""What a source saw, one model per kind of source. Pure: no I/O.

``sources/flux`` returns a :class:`FluxObserved` (the Flux objects in Git);
``sources/cluster`` and ``sources/snapshot`` a :class:`ClusterObserved` (nodes,
live Flux status and the RDMA plumbing; its models are in
:mod:`labbook.models.cluster`); ``sources/prose`` a
:class:`DocsObserved` (figures and claims stated in the docs and the inventory's prose).
The types say what each
source fills in. The drift engine compares one with the inventory and never
reads anything itself.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from labbook.models.cluster import ClusterObserved
from labbook.models.location import Location
from labbook.models.report import ReportWarning


class _Obs(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ObservedHelmRelease(_Obs):
    """A HelmRelease, as Git pins it."""

    namespace: str
    """Namespace of the HelmRelease object."""
    name: str
    """HelmRelease name."""
    target_namespace: str | None = None
    """``spec.targetNamespace``: where the chart is installed, when not the object's namespace."""
    chart: str | None = None
    """Chart name (``spec.chart.spec.chart``, or the OCI artifact's last path segment)."""
    version: str | None = None
    """Chart version pinned in Git."""
    source_kind: str | None = None
    """Kind of the chart source (``HelmRepository``, ``OCIRepository`` …)."""
    source_name: str | None = None
    """Name of the chart source."""
    source_namespace: str | None = None
    """Namespace of the chart source."""
    origin: Location
    """Where it was read: repo file:line."""

    @property
    def installs_into(self) -> str:
        """Namespace the release's workloads land in."""
        return self.target_namespace or self.namespace


class ObservedSource(_Obs):
    """A Flux chart source (HelmRepository, OCIRepository, HelmChart, GitRepository)."""

    kind: str
    """Source kind."""
    namespace: str
    """Namespace."""
    name: str
    """Name."""
    url: str | None = None
    """``spec.url``."""
    tag: str | None = None
    """OCIRepository ``spec.ref.tag``."""
    semver: str | None = None
    """OCIRepository ``spec.ref.semver``."""
    type: str | None = None
    """HelmRepository ``spec.type`` (``oci`` or default)."""
    origin: Location
    """Where it was read."""


class ObservedKustomization(_Obs):
    """A Flux Kustomization."""

    namespace: str
    """Namespace."""
    name: str
    """Name."""
    path: str | None = None
    """``spec.path``."""
    depends_on: list[str] = []
    """``spec.dependsOn`` as ``namespace/name``."""
    target_namespace: str | None = None
    """``spec.targetNamespace``."""
    origin: Location
    """Where it was read."""


class ObservedFigure(_Obs):
    """A figure, name or claim stated in the owner's prose."""

    kind: Literal[
        "cores",
        "threads",
        "memory_gb",
        "fp4_pflops",
        "nodes",
        "control_planes",
        "kind_count",
        "gpus",
        "link_gbps",
        "node_name",
        "capability",
    ]
    """Which inventory fact the text states."""
    value: str
    """The literal figure (``56``), the name (``talos-7aj-lwl``), or the capability id (``gpudirect``)."""
    claim: Literal["total", "each", "unqualified", "hedged"] = "unqualified"
    """What the wording says the figure is about: the whole cluster (or the link itself),
    each node, or nothing explicit; for a capability, ``hedged`` when the sentence says it
    does not (fully) work (``labbook.sources.prose.figures`` explains the rules)."""
    of: str | None = None
    """What a ``kind_count`` counts: the node kind, e.g. ``NVIDIA DGX Spark``."""
    origin: Location
    """file:line:col of the figure."""


class _Observation(_Obs):
    """What every source reports about itself."""

    target: str
    """Repo path, cluster context, snapshot file or docs folder."""
    revision: str | None = None
    """Git commit, or the snapshot's stamp."""
    warnings: list[ReportWarning] = []
    """Things that could not be fully read."""


class ObservedRepoSource(_Obs):
    """A Flux source that is the checked-out repository itself, and how the reader decided so."""

    kind: str
    """``GitRepository``, ``OCIRepository`` or ``Bucket``."""
    namespace: str
    """Namespace."""
    name: str
    """Name."""
    reason: str
    """How it was decided, for people (``--source``, a git remote, the Kustomization syncing the entry …)."""

    def __str__(self) -> str:
        return f"{self.kind} {self.namespace}/{self.name} ({self.reason})"


class FluxObserved(_Observation):
    """What a Flux repository deploys, read offline from Git (``sources/flux``)."""

    source: Literal["flux"] = "flux"
    """Which kind of source."""
    entry: str | None = None
    """The folder Flux starts from, repo-relative (``""`` for the repository root)."""
    entry_reason: str | None = None
    """How the entry point was found, for people."""
    repo_sources: list[ObservedRepoSource] = []
    """The sources that are this repository (the ones the reader can follow)."""
    helmreleases: list[ObservedHelmRelease] = []
    """HelmReleases, as Git pins them."""
    sources: list[ObservedSource] = []
    """Chart and manifest sources."""
    kustomizations: list[ObservedKustomization] = []
    """Flux Kustomizations."""
    namespaces: list[str] = []
    """Namespaces declared."""

    @property
    def header(self) -> list[str]:
        """How the repository was read, one line each: the entry point and which source is the repository."""
        lines = []
        if self.entry is not None:
            lines.append(f"entry point: {self.entry or '.'} ({self.entry_reason})")
        lines += [f"this repository: {s}" for s in self.repo_sources]
        return lines


class DocsObserved(_Observation):
    """Figures and names stated in the owner's prose (``sources/prose``)."""

    source: Literal["docs"] = "docs"
    """Which kind of source."""
    figures: list[ObservedFigure] = []
    """Figures stated in prose."""
    pages: list[str] = []
    """Every docs page read, as displayed paths, figures or not."""
    inventory: list[str] = []
    """Every inventory file whose prose fields were read, as displayed paths."""
    journal: list[str] = []
    """Every journal entry read, as displayed paths: each is judged against the inventory of its date."""


Observed = FluxObserved | ClusterObserved | DocsObserved
"""Any source's observation."""

__all__ = [
    "ClusterObserved",
    "DocsObserved",
    "FluxObserved",
    "Observed",
    "ObservedFigure",
    "ObservedHelmRelease",
    "ObservedKustomization",
    "ObservedSource",
]
