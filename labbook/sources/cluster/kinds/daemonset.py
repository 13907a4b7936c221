"""DaemonSets of the GPU/RDMA stack (``apps/v1``): placed, scheduled and ready where documented. Pure: no I/O.

Placement is computed as the DaemonSet controller computes it
(:mod:`labbook.models.scheduling`) from the pod template's ``nodeName``,
``nodeSelector``, required node affinity and tolerations against the nodes'
labels and taints. Status from ``DaemonSetStatus`` (``desiredNumberScheduled``,
``numberReady``; kubernetes ``pkg/controller/daemon/daemon_controller.go``,
``updateDaemonSetStatus``). What a node's state explains is reported under that
node as a consequence: a documented node the DaemonSet skips only because of a
taint it does not tolerate, and the pods that cannot be ready on a NotReady node
(daemon pods tolerate the not-ready and unreachable taints, so the node still
counts as desired, and the node lifecycle controller marks its pods not Ready).
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from labbook.models.cluster import ObservedDaemonSet
from labbook.models.inventory import Inventory
from labbook.models.location import Location
from labbook.models.scheduling import Placement, Requirement, Term, Toleration
from labbook.sources.cluster.kinds.base import CompareContext, Kind, ReadContext
from labbook.sources.cluster.plan import DaemonSetTarget, ListCall, daemonset_targets
from labbook.sources.cluster.wire import ObjectMeta, Typed, Wire, meta_dict, object_name

CONDITION_TAINTS = "node.kubernetes.io/"
"""Prefix of the taints the node lifecycle controller sets from node conditions (and cordoning)."""


class RequirementWire(Wire):
    """A ``NodeSelectorRequirement``."""

    key: str
    """Key."""
    operator: str
    """Operator."""
    values: list[str] = []
    """Values."""


class TermWire(Wire):
    """A ``NodeSelectorTerm``."""

    match_expressions: list[RequirementWire] = Field(default=[], alias="matchExpressions")
    """Label requirements."""
    match_fields: list[RequirementWire] = Field(default=[], alias="matchFields")
    """Field requirements."""


class NodeSelectorWire(Wire):
    """A ``NodeSelector``."""

    node_selector_terms: list[TermWire] = Field(default=[], alias="nodeSelectorTerms")
    """Terms, ORed."""


class NodeAffinityWire(Wire):
    """``affinity.nodeAffinity``."""

    required: NodeSelectorWire | None = Field(default=None, alias="requiredDuringSchedulingIgnoredDuringExecution")
    """The hard requirement (the preferred terms never keep a pod off a node)."""


class AffinityWire(Wire):
    """``affinity``."""

    node_affinity: NodeAffinityWire | None = Field(default=None, alias="nodeAffinity")
    """Node affinity."""


class TolerationWire(Wire):
    """A ``Toleration``."""

    key: str | None = None
    """Key."""
    operator: str | None = None
    """Operator (``Equal`` when empty)."""
    value: str | None = None
    """Value."""
    effect: str | None = None
    """Effect."""


class PodSpecWire(Wire):
    """``spec.template.spec``: the scheduling fields."""

    node_name: str | None = Field(default=None, alias="nodeName")
    """Pinned node."""
    node_selector: dict[str, str] = Field(default={}, alias="nodeSelector")
    """Node selector."""
    affinity: AffinityWire | None = None
    """Affinity."""
    tolerations: list[TolerationWire] = []
    """Tolerations."""
    host_network: bool = Field(default=False, alias="hostNetwork")
    """Host network (adds the network-unavailable toleration)."""

    def placement(self) -> Placement:
        """The model placement is decided on."""
        node = self.affinity.node_affinity if self.affinity else None
        required = node.required if node else None
        terms = None
        if required is not None:
            terms = [
                Term(
                    match_expressions=[Requirement(**r.model_dump()) for r in t.match_expressions],
                    match_fields=[Requirement(**r.model_dump()) for r in t.match_fields],
                )
                for t in required.node_selector_terms
            ]
        tolerations = [Toleration(**t.model_dump(exclude_none=True)) for t in self.tolerations]
        return Placement(
            node_name=self.node_name,
            node_selector=dict(self.node_selector),
            required_terms=terms,
            tolerations=tolerations,
            host_network=self.host_network,
        )


class PodTemplateWire(Wire):
    """``spec.template``."""

    spec: PodSpecWire = PodSpecWire()
    """Pod spec."""


class DaemonSetSpecWire(Wire):
    """``spec``."""

    template: PodTemplateWire = PodTemplateWire()
    """Pod template."""


class DaemonSetStatusWire(Wire):
    """``status``."""

    desired_number_scheduled: int = Field(default=0, alias="desiredNumberScheduled", ge=0)
    """Nodes that should run the pod."""
    number_ready: int = Field(default=0, alias="numberReady", ge=0)
    """Nodes whose pod is ready."""


class DaemonSetObject(Typed):
    """A DaemonSet."""

    metadata: ObjectMeta
    """``metadata``."""
    spec: DaemonSetSpecWire = DaemonSetSpecWire()
    """Spec."""
    status: DaemonSetStatusWire = DaemonSetStatusWire()
    """Status."""


class DaemonSetKind(Kind):
    """``apps/v1`` DaemonSet of the GPU/RDMA stack."""

    group, version, kind, plural = "apps", "v1", "DaemonSet", "daemonsets"
    model = DaemonSetObject
    field = "daemonsets"

    def calls(self, inv: Inventory) -> list[ListCall]:
        """Each documented DaemonSet, by name, in its namespace."""
        return [self.list_call(t.namespace, t.name) for t in daemonset_targets(inv)]

    def label_keys(self, obj: DaemonSetObject) -> set[str]:
        """The node label keys its placement reads."""
        return obj.spec.template.spec.placement().label_keys()

    def parse(self, obj: DaemonSetObject, ctx: ReadContext) -> list[ObservedDaemonSet]:
        """Counts and placement."""
        return [
            ObservedDaemonSet(
                namespace=obj.namespace,
                name=obj.metadata.name,
                desired=obj.status.desired_number_scheduled,
                ready=obj.status.number_ready,
                placement=obj.spec.template.spec.placement(),
                origin=Location(object=object_name(obj)),
            )
        ]

    def project(self, obj: DaemonSetObject, ctx: ReadContext) -> dict[str, Any]:
        """The scheduling fields of the template, and the counts."""
        pod = obj.spec.template.spec.model_dump(by_alias=True, exclude_none=True, exclude_defaults=True)
        spec = {"template": {"spec": pod}} if pod else {}
        status = obj.status.model_dump(by_alias=True)
        return {**self.head(), "metadata": meta_dict(obj), **({"spec": spec} if spec else {}), "status": status}

    def compare(self, ctx: CompareContext) -> None:
        """Each documented DaemonSet exists, is placed on the nodes it should be, scheduled there and ready."""
        dss = {(d.namespace, d.name): d for d in ctx.seen.daemonsets}
        for t in ctx.plan.daemonsets:
            ds = dss.get((t.namespace, t.name))
            if ds is None:
                message = f"no DaemonSet {t.namespace}/{t.name} in the cluster"
                ctx.out.add(
                    "missing", t.subject, message, at=t.field, field="daemonset", documented=f"{t.namespace}/{t.name}"
                )
                continue
            placed = _placement(ctx, t, ds)
            _readiness(ctx, t, ds, placed)


def _placement(ctx: CompareContext, t: DaemonSetTarget, ds: ObservedDaemonSet) -> list[str]:
    what, nodes = f"DaemonSet {ds.namespace}/{ds.name}", {n.name: n for n in ctx.seen.nodes}
    expected = [n for n in t.nodes if n in nodes]
    placed = sorted(n.name for n in ctx.seen.nodes if ds.placement.places_on(n.view))
    tainted = {}
    for name in expected:
        taints = ds.placement.untolerated(nodes[name].view)
        why = ds.placement.why_not(nodes[name].view)
        if taints and why is not None and why[0] == "taint":
            tainted[name] = taints
            down = name in ctx.not_ready and all(x.key.startswith(CONDITION_TAINTS) for x in taints)
            cause = "consequence of the node not being Ready: " if down else ""
            shown = ", ".join(str(x) for x in taints)
            message = f"{cause}its taint {shown} keeps {what} ({t.subject}) off this node: its pods do not tolerate it"
            ctx.out.add(
                "not-ready" if down else "mismatch",
                f"node/{name}",
                message,
                at=t.field,
                field="taints",
                documented=[],
                observed=[str(x) for x in taints],
                source=nodes[name].origin,
                claim_of=t.subject,
            )
    wanted = [n for n in expected if n not in tainted]
    if placed != wanted:
        reasons = []
        for name in wanted:
            why = ds.placement.why_not(nodes[name].view)
            if why is not None:
                reasons.append(f"not on {name}: {why[1]}")
        reasons += [f"also on {n}" for n in placed if n not in wanted]
        message = f"{what} is placed on {', '.join(placed) or 'no node'} ({'; '.join(reasons)})"
        ctx.out.add(
            "mismatch",
            t.subject,
            message,
            at=t.field,
            field="daemonset.nodes",
            documented=wanted,
            observed=placed,
            source=ds.origin,
        )
    elif ds.desired != len(placed):
        message = f"{what} is scheduled on {ds.desired} node(s); it should run on {', '.join(placed) or 'none'}"
        ctx.out.add(
            "mismatch",
            t.subject,
            message,
            at=t.field,
            field="daemonset.desired",
            documented=len(placed),
            observed=ds.desired,
            source=ds.origin,
        )
    return placed


def _readiness(ctx: CompareContext, t: DaemonSetTarget, ds: ObservedDaemonSet, placed: list[str]) -> None:
    if ds.ready >= ds.desired:
        return
    what = f"DaemonSet {ds.namespace}/{ds.name}"
    down = [n for n in placed if n in ctx.not_ready]
    short = ds.desired - ds.ready
    for name in down[:short]:
        message = (
            f"consequence of the node not being Ready: {what} ({t.subject}) has {ds.ready} of {ds.desired} pods "
            "ready, and its pod on this node cannot be"
        )
        ctx.out.add(
            "not-ready",
            f"node/{name}",
            message,
            at=t.field,
            field="daemonset.ready",
            documented=ds.desired,
            observed=ds.ready,
            source=ds.origin,
            claim_of=t.subject,
        )
    if short > len(down):
        note = f" ({len(down)} of the missing on NotReady nodes, reported there)" if down else ""
        message = f"{what} has {ds.ready} of {ds.desired} pods ready{note}"
        ctx.out.add(
            "not-ready",
            t.subject,
            message,
            at=t.field,
            field="daemonset.ready",
            documented=ds.desired,
            observed=ds.ready,
            source=ds.origin,
        )
