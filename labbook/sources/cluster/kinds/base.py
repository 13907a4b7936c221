"""What every cluster kind provides, and what it is given. Pure: no I/O.

A :class:`Kind` owns, for one ``(apiVersion, kind)``:

- its **read plan**: the list calls an inventory needs (:meth:`Kind.calls`);
- its **wire model**: the fields it reads, validated (:attr:`Kind.model`);
- its **parse**: wire object -> observed model (:meth:`Kind.parse`);
- its **snapshot projection**: the object cut down to what it reads (:meth:`Kind.project`);
- its **comparison** with the inventory (:meth:`Kind.compare`).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any, ClassVar

from pydantic import BaseModel

from labbook.drift.findings import Findings
from labbook.models.cluster import ClusterObserved, ObservedNode
from labbook.models.inventory import Inventory
from labbook.models.observed import FluxObserved
from labbook.models.report import ReportWarning
from labbook.sources.cluster.plan import ListCall, ReadPlan
from labbook.sources.cluster.wire import Typed


@dataclass(frozen=True)
class ReadContext:
    """What parsing and projecting an object needs beyond the object itself."""

    capacity: tuple[str, ...]
    """Node capacity and allocatable keys kept."""
    labels: frozenset[str]
    """Node label keys kept (the plan's and those DaemonSet placement reads)."""
    warnings: list[ReportWarning] = field(default_factory=list)
    """Where parsing records what it could not use."""


@dataclass
class CompareContext:
    """Everything a comparison may look at, and where its findings go."""

    out: Findings
    """Findings collected."""
    inventory: Inventory
    """The claims."""
    seen: ClusterObserved
    """The cluster."""
    plan: ReadPlan
    """What was read (DaemonSet targets)."""
    git: FluxObserved | None = None
    """The Flux repository (``--repo``), for three-way labels."""
    git_commit: str | None = None
    """The commit the ``--repo`` checkout is at, when it is a git checkout."""

    @cached_property
    def not_ready(self) -> dict[str, ObservedNode]:
        """Nodes whose Ready condition is not True, by name."""
        return {n.name: n for n in self.seen.nodes if not n.is_ready}

    @property
    def now(self) -> datetime | None:
        """When the cluster was observed."""
        return self.seen.observed_at


class Kind(ABC):
    """One API kind the cluster check reads."""

    group: ClassVar[str]
    """API group (empty for the core group)."""
    version: ClassVar[str]
    """API version within the group."""
    kind: ClassVar[str]
    """``kind``."""
    plural: ClassVar[str]
    """Resource name in URLs and RBAC rules."""
    model: ClassVar[type[Typed]]
    """Wire model."""
    field: ClassVar[str]
    """The :class:`ClusterObserved` field its observations go to."""
    crd: ClassVar[bool] = False
    """Served by a CustomResourceDefinition (a 404 means not installed)."""
    provider: ClassVar[str | None] = None
    """Component id whose installation serves the CRD (for the finding when it is absent)."""

    @property
    def api_version(self) -> str:
        """``apiVersion``."""
        return f"{self.group}/{self.version}" if self.group else self.version

    def list_call(self, namespace: str | None = None, name: str | None = None) -> ListCall:
        """A list of this kind, in ``namespace`` (all when None), of one ``name`` when given."""
        selector = f"metadata.name={name}" if name else None
        return ListCall(self.kind, self.group, self.version, self.plural, namespace, selector, self.crd)

    @abstractmethod
    def calls(self, inv: Inventory) -> list[ListCall]:
        """The lists a check of ``inv`` needs (none when the inventory documents nothing of this kind)."""

    def documented(self, inv: Inventory) -> int:
        """How many documented objects this kind checks (for the finding when its CRD is absent)."""
        return 0

    def label_keys(self, obj: Any) -> set[str]:
        """Node label keys ``obj`` needs kept (DaemonSet placement)."""
        return set()

    @abstractmethod
    def parse(self, obj: Any, ctx: ReadContext) -> Sequence[BaseModel]:
        """The observations of one valid object."""

    @abstractmethod
    def project(self, obj: Any, ctx: ReadContext) -> dict[str, Any]:
        """``obj`` as a snapshot records it: the fields :meth:`parse` reads, and nothing else."""

    def compare(self, ctx: CompareContext) -> None:  # noqa: B027 (a kind may observe without comparing)
        """Findings of this kind against the inventory."""

    def head(self) -> dict[str, Any]:
        """``apiVersion`` and ``kind`` of a projected object."""
        return {"apiVersion": self.api_version, "kind": self.kind}
