"""API objects -> ClusterObserved: the same code for live reads and snapshots."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest

from labbook.load.inventory import load_inventory
from labbook.sources.cluster import wire
from labbook.sources.cluster.kinds.nad import cni_type
from labbook.sources.cluster.parse import observe, validate
from labbook.sources.cluster.plan import read_plan
from tests.conftest import ROOT
from tests.sources.cluster.apiserver import load_fixture

PLAN = read_plan(load_inventory(ROOT / "inventory"))


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("32", Decimal(32)),
        ("500m", Decimal("0.5")),
        ("127601212Ki", Decimal(127601212 * 1024)),
        ("1Gi", Decimal(2**30)),
        ("1.5k", Decimal(1500)),
        ("1e3", Decimal(1000)),
        ("2E-3", Decimal("0.002")),
        ("+4", Decimal(4)),
        (".5", Decimal("0.5")),
    ],
    ids=["int", "milli", "Ki", "Gi", "decimal-k", "exponent", "neg-exponent", "plus", "leading-dot"],
)
def test_quantities(text: str, value: Decimal) -> None:
    assert wire.quantity_value(text) == value


@pytest.mark.parametrize(
    "text", ["", "12XB", "Ki", "1.2.3", "1 Gi"], ids=["empty", "unit", "no-number", "dots", "space"]
)
def test_bad_quantities(text: str) -> None:
    with pytest.raises(ValueError, match="expected a Kubernetes quantity"):
        wire.quantity_value(text)


def _node(**status: Any) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Node", "metadata": {"name": "n1", "labels": {}}, "status": status}


def test_live_objects_keep_only_used_fields_and_snapshots_refuse_others() -> None:
    obj = _node(capacity={"cpu": "4", "pods": "110"}, phase="Running")
    good, bad = validate([obj])
    assert not bad and good[0].status.capacity == {"cpu": "4", "pods": "110"}
    _, bad = validate([obj], strict=True)
    assert [e["loc"] for e in bad[0].error.errors()] == [("status", "phase")]


def test_validation_collects_every_problem() -> None:
    objs = [
        _node(capacity={"memory": "lots"}),
        {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}},
        "not an object",
        {"apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": {"name": ""}, "status": {"numberReady": -1}},
    ]
    good, bad = validate(objs)
    assert good == []
    assert [b.index for b in bad] == [0, 1, 2, 3]
    assert "expected a Kubernetes quantity" in str(bad[0].error)
    assert "kind 'Secret' (v1) is not read by the checker" in bad[1].message
    assert "expected an API object mapping" in bad[2].message
    assert {e["loc"] for e in bad[3].error.errors()} == {("metadata", "name"), ("status", "numberReady")}


def _observe(objects: list[Any], **kw: Any):
    good, bad = validate(objects)
    assert not bad, [b.message or b.error for b in bad]
    return observe(good, PLAN, target="t", revision=None, observed_at=None, **kw)


def _hr(status: dict[str, Any], **spec: Any) -> dict[str, Any]:
    spec = spec or {"chart": {"spec": {"chart": "c", "version": "1.2.4"}}}
    return {
        "apiVersion": "helm.toolkit.fluxcd.io/v2",
        "kind": "HelmRelease",
        "metadata": {"name": "r", "namespace": "ns", "generation": 2},
        "spec": spec,
        "status": {"observedGeneration": 2, **status},
    }


@pytest.mark.parametrize(
    ("history", "running", "attempted"),
    [
        ([{"chartVersion": "1.2.4", "status": "deployed"}], "1.2.4", None),
        # a failed upgrade leaves the previous release deployed (helm pkg/action/upgrade.go)
        ([{"chartVersion": "1.2.4", "status": "failed"}, {"chartVersion": "1.2.3", "status": "deployed"}], "1.2.3",
         "1.2.4"),
        ([{"chartVersion": "1.2.4", "status": "failed"}], None, "1.2.4"),  # the first install failed
        ([], None, "1.2.4"),  # no history: only the attempt is known
    ],
    ids=["deployed", "failed-upgrade", "failed-install", "no-history"],
)  # fmt: skip
def test_running_is_the_newest_deployed_release(history: list, running: str | None, attempted: str | None) -> None:
    [hr] = _observe([_hr({"history": history, "lastAttemptedRevision": "1.2.4"})]).helmreleases
    assert (hr.running, hr.attempted, hr.spec_version) == (running, attempted, "1.2.4")


def test_oci_release_keeps_the_digest_and_its_desired_version_comes_from_the_ocirepository() -> None:
    oci = {
        "apiVersion": "source.toolkit.fluxcd.io/v1",
        "kind": "OCIRepository",
        "metadata": {"name": "kgateway", "namespace": "ns"},
        "spec": {
            "url": "oci://cr.kgateway.dev/kgateway-dev/charts/kgateway",
            "ref": {"tag": "v2.1.1", "semver": ">=2"},
        },
    }
    hr = _hr(
        {"history": [{"chartName": "kgateway", "chartVersion": "2.1.1+41b39ad27d99", "status": "deployed"}]},
        chartRef={"kind": "OCIRepository", "name": "kgateway"},
    )
    seen = _observe([hr, oci])
    [release], [repo] = seen.helmreleases, seen.oci_repositories
    assert (release.running, release.spec_version, release.chart) == ("2.1.1+41b39ad27d99", None, "kgateway")
    assert (release.chart_ref.kind, release.chart_ref.namespace, release.chart_ref.name) == (
        "OCIRepository",
        "ns",
        "kgateway",
    )
    assert repo.ref == ("spec.ref.semver", ">=2")  # semver takes precedence over tag (source-controller docs)


def test_field_manager_of_the_version_a_non_flux_one_first() -> None:
    version = {"f:spec": {"f:chart": {"f:spec": {"f:version": {}}}}}
    hr = _hr({})
    hr["metadata"]["managedFields"] = [
        {"manager": "kustomize-controller", "operation": "Apply", "fieldsV1": {"f:spec": {"f:interval": {}}}},
        {"manager": "kubectl-patch", "operation": "Update", "fieldsV1": version},
        {"manager": "helm-controller", "operation": "Update", "subresource": "status", "fieldsV1": {"f:status": {}}},
    ]
    [release] = _observe([hr]).helmreleases
    assert release.version_manager == "kubectl-patch"
    hr["metadata"]["managedFields"][1]["manager"] = "kustomize-controller"
    assert _observe([hr]).helmreleases[0].version_manager == "kustomize-controller"


def test_homelab_fixture_observed() -> None:
    objects, _ = load_fixture("homelab")
    readable = [o for o in objects if o["kind"] != "Secret"]
    seen = _observe(readable)
    spark = next(n for n in seen.nodes if n.name == "talos-7aj-lwl")
    assert (spark.arch, spark.cpu, spark.memory_ki, spark.gpus, spark.gpu_count) == ("arm64", 20, 127601212, 1, 1)
    assert spark.gpu_product == "NVIDIA-GB10" and spark.roles == ["control-plane"]
    assert spark.resources == spark.allocatable == {"nvidia.com/cx7_qsfp": 4}
    assert spark.os_image == "Talos (v1.11.5)" and spark.kubelet == "v1.34.1"
    assert spark.is_ready and not spark.unschedulable and spark.taints == []
    assert spark.origin.object == "Node talos-7aj-lwl"
    grafana = next(h for h in seen.helmreleases if h.name == "grafana")
    assert (grafana.namespace, grafana.chart, grafana.running, grafana.spec_version) == (
        "monitoring",
        "grafana",
        "10.1.4",
        "10.1.4",
    )
    assert grafana.ready.true and grafana.reconciled and grafana.version_manager == "kustomize-controller"
    assert (grafana.applied_by.namespace, grafana.applied_by.name) == ("flux-system", "infrastructure")
    assert grafana.origin.object == "HelmRelease monitoring/grafana"
    kgateway = next(h for h in seen.helmreleases if h.name == "kgateway")
    assert kgateway.running.startswith("2.1.1+") and kgateway.chart_ref.name == "kgateway"
    assert [(n.name, n.resource_name, n.cni) for n in seen.networks] == [("cx7-rdma", "nvidia.com/cx7_qsfp", "sriov")]
    pool = seen.sriov_pools[0]
    assert (pool.resource_name, pool.vendors, pool.devices, pool.pf_names) == (
        "nvidia.com/cx7_qsfp",
        ["15b3"],
        ["101e"],
        ["enp1s0f0np0"],
    )
    ks = next(k for k in seen.kustomizations if k.name == "flux-system")
    assert (
        ks.ready.true
        and ks.applied_revision.startswith("main@sha1:")
        and str(ks.source) == ("GitRepository flux-system/flux-system")
    )
    sriov = next(d for d in seen.daemonsets if d.name == "sriov-device-plugin")
    assert (sriov.desired, sriov.ready) == (2, 2)
    assert sriov.placement.node_selector == {"kubernetes.io/arch": "arm64", "nvidia.com/gpu.product": "NVIDIA-GB10"}
    nvidia = next(d for d in seen.daemonsets if d.name == "nvidia-device-plugin")
    [term] = nvidia.placement.required_terms
    assert [str(r) for r in term.match_expressions] == ["nvidia.com/gpu.present In (true)"]
    assert "nvidia.com/gpu.present" in spark.labels  # kept: the DaemonSet's affinity reads it


def _cm(config: str) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "c", "namespace": "ns"},
        "data": {"config.json": config},
    }


def test_sriov_config_variants_and_breakage() -> None:
    listed = json.dumps({"resourceList": [{"resourceName": "a", "selectors": [{"vendors": ["15b3"]}]}]})
    seen = _observe([_cm(listed), _cm("{not json"), _cm(json.dumps({"resources": []}))])
    assert [(p.resource_name, p.vendors) for p in seen.sriov_pools] == [("intel.com/a", ["15b3"])]  # default prefix
    assert [w.file for w in seen.warnings] == ["ConfigMap ns/c", "ConfigMap ns/c"]
    assert "config.json is unusable" in seen.warnings[0].message


def test_nad_cni_type_from_single_config_or_list() -> None:
    assert cni_type('{"type": "sriov"}') == ("sriov", None)
    assert cni_type('{"plugins": [{"type": "macvlan"}, {"type": "tuning"}]}') == ("macvlan", None)
    assert cni_type(None) == (None, None)
    cni, problem = cni_type("{")
    assert cni is None and problem.startswith("spec.config is not JSON")


def test_arch_falls_back_to_node_info_and_absent_gpu_is_zero() -> None:
    node = _observe([_node(capacity={"cpu": "8", "memory": "1Gi"}, nodeInfo={"architecture": "arm64"})]).nodes[0]
    assert (node.arch, node.gpus, node.memory_ki, node.gpu_product, node.gpu_count) == ("arm64", 0, 1024**2, None, None)
    assert node.ready is None and not node.is_ready  # no Ready condition: not ready


def test_node_state_taints_and_gpu_labels() -> None:
    obj = _node(
        capacity={"nvidia.com/gpu": "4", "nvidia.com/cx7_qsfp": "4"},
        allocatable={"nvidia.com/cx7_qsfp": "3"},
        conditions=[{"type": "Ready", "status": "Unknown", "reason": "NodeStatusUnknown",
                     "message": "Kubelet stopped posting node status.", "lastTransitionTime": "2025-11-27T19:40:02Z"}],
    )  # fmt: skip
    obj["metadata"]["labels"] = {"nvidia.com/gpu.count": "1", "nvidia.com/gpu.replicas": "4", "unrelated": "x"}
    obj["spec"] = {"unschedulable": True, "taints": [
        {"key": "node.kubernetes.io/unreachable", "effect": "NoExecute", "timeAdded": "2025-11-27T19:40:07Z"}]}  # fmt: skip
    node = _observe([obj]).nodes[0]
    assert (node.gpus, node.gpu_count, node.gpu_replicas) == (4, 1, 4)
    assert (node.resources, node.allocatable) == ({"nvidia.com/cx7_qsfp": 4}, {"nvidia.com/cx7_qsfp": 3})
    assert (node.ready.status, node.ready.reason, node.ready.since.isoformat()) == (
        "Unknown", "NodeStatusUnknown", "2025-11-27T19:40:02+00:00")  # fmt: skip
    assert node.unschedulable and [str(t) for t in node.taints] == ["node.kubernetes.io/unreachable:NoExecute"]
    assert "unrelated" not in node.labels
