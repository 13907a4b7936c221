"""The cluster kinds the check reads: one class each, in one table.

Adding a kind is one module (its read plan, wire model, parse, snapshot
projection and comparison: :class:`~labbook.sources.cluster.kinds.base.Kind`),
one row below, and the :class:`~labbook.models.cluster.ClusterObserved` field
its observations go to. The table's order is the order of the reads and of the
comparisons.
"""

from __future__ import annotations

from labbook.sources.cluster.kinds.base import CompareContext, Kind, ReadContext
from labbook.sources.cluster.kinds.daemonset import DaemonSetKind
from labbook.sources.cluster.kinds.helmrelease import HelmReleaseKind
from labbook.sources.cluster.kinds.kustomization import KustomizationKind
from labbook.sources.cluster.kinds.nad import NadKind
from labbook.sources.cluster.kinds.node import NodeKind
from labbook.sources.cluster.kinds.ocirepository import OCIRepositoryKind
from labbook.sources.cluster.kinds.sriov import SriovConfigKind

KINDS: tuple[Kind, ...] = (
    NodeKind(),
    HelmReleaseKind(),
    OCIRepositoryKind(),
    KustomizationKind(),
    NadKind(),
    SriovConfigKind(),
    DaemonSetKind(),
)
"""Every kind, in read and comparison order."""

BY_TYPE: dict[tuple[str, str], Kind] = {(k.api_version, k.kind): k for k in KINDS}
"""The kind of each ``(apiVersion, kind)``."""

__all__ = ["BY_TYPE", "KINDS", "CompareContext", "Kind", "ReadContext"]
