"""DaemonSet placement as the DaemonSet controller decides it (labbook.models.scheduling).

Cases follow the rules of kubernetes ``component-helpers/scheduling/corev1/nodeaffinity``
(terms ORed, requirements ANDed, empty or unparsable terms match nothing, ``matchFields``
on ``metadata.name`` with one value), ``apimachinery`` label requirements (``NotIn`` and
``DoesNotExist`` match an absent key, ``Gt``/``Lt`` compare integers), ``Toleration.ToleratesTaint``
and the tolerations ``AddOrUpdateDaemonPodTolerations`` adds to every daemon pod.
"""

from __future__ import annotations

import pytest

from labbook.models.scheduling import NodeView, Placement, Requirement, Taint, Term, Toleration

NODE = NodeView(
    name="talos-7aj-lwl",
    labels={"kubernetes.io/arch": "arm64", "nvidia.com/gpu.count": "1", "nvidia.com/gpu.product": "NVIDIA-GB10"},
)


def _req(key: str, op: str, *values: str) -> Requirement:
    return Requirement(key=key, operator=op, values=list(values))


@pytest.mark.parametrize(
    ("req", "matches"),
    [
        (_req("kubernetes.io/arch", "In", "arm64", "amd64"), True),
        (_req("kubernetes.io/arch", "In", "amd64"), False),
        (_req("kubernetes.io/arch", "NotIn", "amd64"), True),
        (_req("absent", "NotIn", "x"), True),  # NotIn matches a node without the label
        (_req("nvidia.com/gpu.product", "Exists"), True),
        (_req("absent", "Exists"), False),
        (_req("absent", "DoesNotExist"), True),
        (_req("kubernetes.io/arch", "DoesNotExist"), False),
        (_req("nvidia.com/gpu.count", "Gt", "0"), True),
        (_req("nvidia.com/gpu.count", "Gt", "1"), False),
        (_req("nvidia.com/gpu.count", "Lt", "2"), True),
        (_req("kubernetes.io/arch", "Gt", "0"), False),  # not an integer: no match
        (_req("absent", "Lt", "5"), False),
    ],
    ids=str,
)
def test_label_requirements(req: Requirement, matches: bool) -> None:
    assert req.valid() and req.matches(NODE.labels) is matches


@pytest.mark.parametrize(
    "req",
    [
        _req("a", "In"),  # In needs values
        _req("a", "Exists", "x"),  # Exists takes none
        _req("a", "Gt", "1", "2"),
        _req("a", "Gt", "one"),
        _req("a", "Equals", "x"),
    ],
    ids=str,
)
def test_requirements_kube_would_not_parse_match_nothing(req: Requirement) -> None:
    assert not req.valid()
    assert not Term(match_expressions=[req, _req("kubernetes.io/arch", "In", "arm64")]).matches(NODE.name, NODE.labels)


def test_terms_are_ored_requirements_anded_empty_terms_match_nothing() -> None:
    arm = _req("kubernetes.io/arch", "In", "arm64")
    amd = _req("kubernetes.io/arch", "In", "amd64")
    gpu = _req("nvidia.com/gpu.present", "In", "true")
    assert Placement(required_terms=[Term(match_expressions=[amd]), Term(match_expressions=[arm])]).places_on(NODE)
    assert not Placement(required_terms=[Term(match_expressions=[arm, gpu])]).places_on(NODE)
    assert not Placement(required_terms=[Term()]).places_on(NODE)
    assert not Placement(required_terms=[]).places_on(NODE)  # a required affinity without terms: nowhere
    assert Placement(required_terms=None).places_on(NODE)  # no required affinity: anywhere


def test_match_fields_on_the_node_name() -> None:
    this = Term(match_fields=[_req("metadata.name", "In", "talos-7aj-lwl")])
    other = Term(match_fields=[_req("metadata.name", "NotIn", "talos-7aj-lwl")])
    two = Term(match_fields=[_req("metadata.name", "In", "talos-7aj-lwl", "talos-ysi-4k0")])  # one value only
    assert Placement(required_terms=[this]).places_on(NODE)
    assert not Placement(required_terms=[other]).places_on(NODE)
    assert not Placement(required_terms=[two]).places_on(NODE)


def test_node_selector_and_affinity_must_both_hold() -> None:
    selector = {"nvidia.com/gpu.product": "NVIDIA-GB10"}
    arm = Term(match_expressions=[_req("kubernetes.io/arch", "In", "arm64")])
    assert Placement(node_selector=selector, required_terms=[arm]).places_on(NODE)
    why = Placement(node_selector={**selector, "x": "y"}, required_terms=[arm]).why_not(NODE)
    assert why == ("selector", "it lacks the nodeSelector label(s) x=y")
    assert Placement(node_name="talos-ysi-4k0").why_not(NODE) == (
        "name",
        "the pod template pins nodeName talos-ysi-4k0",
    )


@pytest.mark.parametrize(
    ("toleration", "taint", "tolerated"),
    [
        (Toleration(key="k", value="v", effect="NoSchedule"), Taint(key="k", value="v", effect="NoSchedule"), True),
        (Toleration(key="k", value="w", effect="NoSchedule"), Taint(key="k", value="v", effect="NoSchedule"), False),
        (Toleration(key="k", operator="Exists"), Taint(key="k", value="v", effect="NoExecute"), True),  # any effect
        (Toleration(operator="Exists", effect="NoSchedule"), Taint(key="k", effect="NoSchedule"), True),  # any key
        (Toleration(operator="Exists", effect="NoSchedule"), Taint(key="k", effect="NoExecute"), False),
        (Toleration(key="k", operator="Lt", value="5"), Taint(key="k", value="3", effect="NoSchedule"), True),
        (Toleration(key="k", operator="Gt", value="5"), Taint(key="k", value="3", effect="NoSchedule"), False),
        (Toleration(key="k", operator="Gt", value="x"), Taint(key="k", value="3", effect="NoSchedule"), False),
    ],
    ids=str,
)
def test_tolerations(toleration: Toleration, taint: Taint, tolerated: bool) -> None:
    assert toleration.tolerates(taint) is tolerated


@pytest.mark.parametrize(
    ("taint", "host_network", "placed"),
    [
        (Taint(key="node.kubernetes.io/unreachable", effect="NoExecute"), False, True),  # added by the controller
        (Taint(key="node.kubernetes.io/not-ready", effect="NoExecute"), False, True),
        (Taint(key="node.kubernetes.io/unschedulable", effect="NoSchedule"), False, True),  # cordoned
        (Taint(key="node.kubernetes.io/memory-pressure", effect="NoSchedule"), False, True),
        (Taint(key="node.kubernetes.io/unreachable", effect="NoSchedule"), False, False),  # not added
        (Taint(key="node.kubernetes.io/network-unavailable", effect="NoSchedule"), False, False),
        (Taint(key="node.kubernetes.io/network-unavailable", effect="NoSchedule"), True, True),  # hostNetwork
        (Taint(key="dedicated", value="ai", effect="PreferNoSchedule"), False, True),  # never keeps a pod off
        (Taint(key="dedicated", value="ai", effect="NoSchedule"), False, False),
    ],
    ids=str,
)
def test_tolerations_every_daemon_pod_gets(taint: Taint, host_network: bool, placed: bool) -> None:
    node = NODE.model_copy(update={"taints": [taint]})
    assert Placement(host_network=host_network).places_on(node) is placed


def test_nvidia_chart_defaults_on_an_unreachable_node() -> None:
    # the chart's default tolerations (values.yaml) and the homelab's affinity (examples/flux)
    nvidia = Placement(
        required_terms=[Term(match_expressions=[_req("nvidia.com/gpu.present", "In", "true")])],
        tolerations=[
            Toleration(key="CriticalAddonsOnly", operator="Exists"),
            Toleration(key="nvidia.com/gpu", operator="Exists", effect="NoSchedule"),
        ],
    )
    gpu = NODE.model_copy(update={"labels": {**NODE.labels, "nvidia.com/gpu.present": "true"}})
    assert nvidia.places_on(gpu)
    unreachable = [
        Taint(key="node.kubernetes.io/unreachable", effect="NoSchedule"),
        Taint(key="node.kubernetes.io/unreachable", effect="NoExecute"),
    ]
    down = gpu.model_copy(update={"taints": unreachable})
    assert nvidia.why_not(down) == ("taint", "its taint node.kubernetes.io/unreachable:NoSchedule is not tolerated")
    assert nvidia.untolerated(down) == unreachable[:1]
    assert nvidia.label_keys() == {"nvidia.com/gpu.present"}
