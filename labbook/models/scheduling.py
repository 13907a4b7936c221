"""Where a DaemonSet's pods may run, decided as the DaemonSet controller decides it. Pure: no I/O.

``NodeShouldRunDaemonPod`` in kubernetes ``pkg/controller/daemon/daemon_controller.go``
builds the pod the controller would create and checks three predicates:

- the pod's ``nodeName``, if it has one, is the node's;
- its required node affinity: ``nodeSelector`` (every label equal) and
  ``requiredDuringSchedulingIgnoredDuringExecution`` (``component-helpers``
  ``scheduling/corev1/nodeaffinity``: terms ORed, requirements within a term
  ANDed, an empty term or one that does not parse matches nothing,
  ``matchFields`` only on ``metadata.name``);
- no NoSchedule or NoExecute taint of the node left untolerated
  (``FindMatchingUntoleratedTaint``, with ``Toleration.ToleratesTaint`` in
  ``k8s.io/api/core/v1/toleration.go``), counting the tolerations the
  controller adds to every daemon pod (``AddOrUpdateDaemonPodTolerations`` in
  ``pkg/controller/daemon/util/daemonset_util.go``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from pydantic import BaseModel, ConfigDict

NOT_READY_TAINT = "node.kubernetes.io/not-ready"
"""Taint the node lifecycle controller sets while Ready is False."""
UNREACHABLE_TAINT = "node.kubernetes.io/unreachable"
"""Taint the node lifecycle controller sets while Ready is Unknown."""
UNSCHEDULABLE_TAINT = "node.kubernetes.io/unschedulable"
"""Taint that goes with ``spec.unschedulable`` (a cordoned node)."""
PLACEMENT_EFFECTS = ("NoSchedule", "NoExecute")
"""The taint effects that keep a daemon pod off a node (PreferNoSchedule does not)."""


class _Sched(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Taint(_Sched):
    """A node taint."""

    key: str
    """Taint key."""
    value: str = ""
    """Taint value."""
    effect: str
    """``NoSchedule``, ``PreferNoSchedule`` or ``NoExecute``."""
    time_added: str | None = None
    """When a NoExecute taint was added (RFC 3339)."""

    def __str__(self) -> str:
        return f"{self.key}{'=' + self.value if self.value else ''}:{self.effect}"


class Toleration(_Sched):
    """A pod toleration."""

    key: str = ""
    """Taint key; empty with ``Exists`` tolerates every key."""
    operator: str = "Equal"
    """``Equal`` (the default), ``Exists``, ``Lt`` or ``Gt``."""
    value: str = ""
    """Value compared with the taint's."""
    effect: str = ""
    """Effect; empty tolerates every effect."""

    def tolerates(self, taint: Taint) -> bool:
        """``Toleration.ToleratesTaint``: effect, then key, then the operator."""
        if self.effect and self.effect != taint.effect:
            return False
        if self.key and self.key != taint.key:
            return False
        if self.operator in ("", "Equal"):
            return self.value == taint.value
        if self.operator == "Exists":
            return True
        if self.operator in ("Lt", "Gt"):
            mine, theirs = _int(self.value), _int(taint.value)
            if mine is None or theirs is None:
                return False
            return theirs < mine if self.operator == "Lt" else theirs > mine
        return False


DAEMON_TOLERATIONS = (
    Toleration(key=NOT_READY_TAINT, operator="Exists", effect="NoExecute"),
    Toleration(key=UNREACHABLE_TAINT, operator="Exists", effect="NoExecute"),
    Toleration(key="node.kubernetes.io/disk-pressure", operator="Exists", effect="NoSchedule"),
    Toleration(key="node.kubernetes.io/memory-pressure", operator="Exists", effect="NoSchedule"),
    Toleration(key="node.kubernetes.io/pid-pressure", operator="Exists", effect="NoSchedule"),
    Toleration(key=UNSCHEDULABLE_TAINT, operator="Exists", effect="NoSchedule"),
)
"""Tolerations the DaemonSet controller adds to every daemon pod."""
HOST_NETWORK_TOLERATION = Toleration(
    key="node.kubernetes.io/network-unavailable", operator="Exists", effect="NoSchedule"
)
"""Added as well when the pod uses the host network."""


def _int(text: str) -> int | None:
    try:
        return int(text, 10)
    except ValueError:
        return None


class Requirement(_Sched):
    """One ``matchExpressions`` or ``matchFields`` entry."""

    key: str
    """Label key (or field, ``metadata.name``)."""
    operator: str
    """``In``, ``NotIn``, ``Exists``, ``DoesNotExist``, ``Gt`` or ``Lt``."""
    values: list[str] = []
    """Values."""

    def valid(self, *, field: bool = False) -> bool:
        """Whether kube parses it (``labels.NewRequirement``, or In/NotIn with one value for fields)."""
        if field:
            return self.operator in ("In", "NotIn") and len(self.values) == 1
        if self.operator in ("In", "NotIn"):
            return bool(self.values)
        if self.operator in ("Exists", "DoesNotExist"):
            return not self.values
        if self.operator in ("Gt", "Lt"):
            return len(self.values) == 1 and _int(self.values[0]) is not None
        return False

    def matches(self, labels: Mapping[str, str]) -> bool:
        """``labels.Requirement.Matches`` (NotIn and DoesNotExist also match an absent key)."""
        has, value = self.key in labels, labels.get(self.key, "")
        if self.operator == "In":
            return has and value in self.values
        if self.operator == "NotIn":
            return not has or value not in self.values
        if self.operator == "Exists":
            return has
        if self.operator == "DoesNotExist":
            return not has
        number = _int(value) if has else None
        if number is None:
            return False
        limit = int(self.values[0])
        return number > limit if self.operator == "Gt" else number < limit

    def __str__(self) -> str:
        values = f" ({', '.join(self.values)})" if self.values else ""
        return f"{self.key} {self.operator}{values}"


class Term(_Sched):
    """A ``nodeSelectorTerms`` entry: every requirement must hold."""

    match_expressions: list[Requirement] = []
    """Label requirements."""
    match_fields: list[Requirement] = []
    """Field requirements (``metadata.name``)."""

    def matches(self, name: str, labels: Mapping[str, str]) -> bool:
        """An empty term, or one kube cannot parse, matches nothing."""
        if not self.match_expressions and not self.match_fields:
            return False
        if not all(r.valid() for r in self.match_expressions) or not all(
            r.valid(field=True) for r in self.match_fields
        ):
            return False
        fields = {"metadata.name": name}
        return all(r.matches(labels) for r in self.match_expressions) and all(
            r.matches(fields) for r in self.match_fields
        )


class NodeView(_Sched):
    """What placement looks at on a node."""

    name: str
    """Node name (``metadata.name``)."""
    labels: dict[str, str] = {}
    """Labels."""
    taints: list[Taint] = []
    """Taints."""


class Placement(_Sched):
    """The scheduling parts of a DaemonSet's pod template."""

    node_name: str | None = None
    """``spec.nodeName``: the template pins one node."""
    node_selector: dict[str, str] = {}
    """``spec.nodeSelector``."""
    required_terms: list[Term] | None = None
    """``affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms``."""
    tolerations: list[Toleration] = []
    """``spec.tolerations`` as written."""
    host_network: bool = False
    """``spec.hostNetwork``."""

    @property
    def all_tolerations(self) -> list[Toleration]:
        """The written tolerations and the ones the controller adds."""
        extra = [HOST_NETWORK_TOLERATION] if self.host_network else []
        return [*self.tolerations, *DAEMON_TOLERATIONS, *extra]

    def why_not(self, node: NodeView) -> tuple[Literal["name", "selector", "affinity", "taint"], str] | None:
        """Why the controller keeps a daemon pod off ``node`` (which predicate, and a sentence), or None."""
        if self.node_name and self.node_name != node.name:
            return "name", f"the pod template pins nodeName {self.node_name}"
        missing = [f"{k}={v}" for k, v in self.node_selector.items() if node.labels.get(k) != v]
        if missing:
            return "selector", f"it lacks the nodeSelector label(s) {', '.join(missing)}"
        if self.required_terms is not None and not any(t.matches(node.name, node.labels) for t in self.required_terms):
            terms = " or ".join(
                "[" + ", ".join(str(r) for r in (*t.match_expressions, *t.match_fields)) + "]"
                for t in self.required_terms
            )
            return "affinity", f"it matches none of the required node affinity terms {terms or '(none)'}"
        untolerated = self.untolerated(node)
        if untolerated:
            return "taint", f"its taint {untolerated[0]} is not tolerated"
        return None

    def untolerated(self, node: NodeView) -> list[Taint]:
        """The node's NoSchedule and NoExecute taints no toleration of the daemon pod tolerates."""
        tolerations = self.all_tolerations
        return [
            taint
            for taint in node.taints
            if taint.effect in PLACEMENT_EFFECTS and not any(t.tolerates(taint) for t in tolerations)
        ]

    def places_on(self, node: NodeView) -> bool:
        """Whether the DaemonSet controller wants a pod on ``node``."""
        return self.why_not(node) is None

    def label_keys(self) -> set[str]:
        """Node label keys placement reads (a snapshot keeps exactly these)."""
        keys = set(self.node_selector)
        for term in self.required_terms or []:
            keys |= {r.key for r in term.match_expressions}
        return keys
