"""API objects -> ClusterObserved: the same code for live reads and snapshots."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest

from labbook.sources.cluster import parse, wire
from labbook.sources.cluster.parse import deployed_version, observe, validate
from tests.sources.cluster.apiserver import load_fixture

RESOURCES = ("cpu", "memory", "nvidia.com/gpu", "nvidia.com/cx7_qsfp")


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


@pytest.mark.parametrize(
    ("status", "version"),
    [
        ({"history": [{"chartVersion": "1.2.3"}], "lastAttemptedRevision": "1.2.4"}, "1.2.3"),
        ({"history": [], "lastAttemptedRevision": "1.2.4"}, "1.2.4"),
        ({"lastAttemptedRevision": "v2.1.1@sha256:" + "a" * 64}, "v2.1.1"),
        ({"lastAttemptedRevision": "0.13.0+0123456789abcdef"}, "0.13.0"),
        ({}, None),
    ],
    ids=["history", "fallback", "oci-digest", "build-digest", "never-installed"],
)
def test_deployed_version(status: dict[str, Any], version: str | None) -> None:
    assert deployed_version(wire.HelmReleaseStatus.model_validate(status)) == version


def test_homelab_fixture_observed() -> None:
    objects, _ = load_fixture("homelab")
    readable = [o for o in objects if o["kind"] != "Secret"]
    good, bad = validate(readable)
    assert not bad
    seen = observe(good, target="t", revision=None, resources=RESOURCES)
    spark = next(n for n in seen.nodes if n.name == "talos-7aj-lwl")
    assert (spark.arch, spark.cpu, spark.memory_ki, spark.gpus) == ("arm64", 20, 127601212, 1)
    assert spark.gpu_product == "NVIDIA-GB10" and spark.roles == ["control-plane"]
    assert spark.resources == {"nvidia.com/cx7_qsfp": 4}
    assert spark.os_image == "Talos (v1.11.5)" and spark.kubelet == "v1.34.1"
    assert spark.origin.object == "Node talos-7aj-lwl"
    grafana = next(h for h in seen.helmreleases if h.name == "grafana")
    assert (grafana.namespace, grafana.chart, grafana.version, grafana.ready) == (
        "monitoring",
        "grafana",
        "10.1.4",
        True,
    )
    assert grafana.origin.object == "HelmRelease monitoring/grafana"
    assert [(n.name, n.resource_name, n.cni) for n in seen.networks] == [("cx7-rdma", "nvidia.com/cx7_qsfp", "sriov")]
    pool = seen.sriov_pools[0]
    assert (pool.resource_name, pool.vendors, pool.devices, pool.pf_names) == (
        "nvidia.com/cx7_qsfp",
        ["15b3"],
        ["101e"],
        ["enp1s0f0np0"],
    )
    ks = next(k for k in seen.kustomizations if k.name == "flux-system")
    assert ks.ready is True and ks.revision.startswith("main@sha1:")
    sriov = next(d for d in seen.daemonsets if d.name == "sriov-device-plugin")
    assert (sriov.desired, sriov.ready) == (2, 2)
    assert sriov.node_selector == {"kubernetes.io/arch": "arm64", "nvidia.com/gpu.product": "NVIDIA-GB10"}


def _cm(config: str) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "c", "namespace": "ns"},
        "data": {"config.json": config},
    }


def test_sriov_config_variants_and_breakage() -> None:
    listed = json.dumps({"resourceList": [{"resourceName": "a", "selectors": [{"vendors": ["15b3"]}]}]})
    good, _ = validate([_cm(listed), _cm("{not json"), _cm(json.dumps({"resources": []}))])
    seen = observe(good, target="t", revision=None, resources=RESOURCES)
    assert [(p.resource_name, p.vendors) for p in seen.sriov_pools] == [("intel.com/a", ["15b3"])]  # default prefix
    assert [w.file for w in seen.warnings] == ["ConfigMap ns/c", "ConfigMap ns/c"]
    assert "config.json is unusable" in seen.warnings[0].message


def test_nad_cni_type_from_single_config_or_list() -> None:
    assert parse.cni_type('{"type": "sriov"}') == ("sriov", None)
    assert parse.cni_type('{"plugins": [{"type": "macvlan"}, {"type": "tuning"}]}') == ("macvlan", None)
    assert parse.cni_type(None) == (None, None)
    cni, problem = parse.cni_type("{")
    assert cni is None and problem.startswith("spec.config is not JSON")


def test_arch_falls_back_to_node_info_and_absent_gpu_is_zero() -> None:
    good, _ = validate([_node(capacity={"cpu": "8", "memory": "1Gi"}, nodeInfo={"architecture": "arm64"})])
    node = observe(good, target="t", revision=None, resources=RESOURCES).nodes[0]
    assert (node.arch, node.gpus, node.memory_ki, node.gpu_product) == ("arm64", 0, 1024 * 1024, None)
