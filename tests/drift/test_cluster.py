"""Cluster drift, pure: the inventory against the observed fixture clusters, rule by rule."""

from __future__ import annotations

import functools
import math
from datetime import UTC, datetime
from typing import Any

import pytest

from labbook.drift.cluster import compare_cluster
from labbook.drift.cluster.nodes import memory_bounds, talos_version
from labbook.formats import render
from labbook.load.inventory import load_inventory
from labbook.models.location import Location
from labbook.models.observed import ClusterObserved, FluxObserved, ObservedHelmRelease
from labbook.sources.cluster.parse import observe, validate
from labbook.sources.cluster.plan import read_plan
from tests.conftest import ROOT
from tests.sources.cluster.apiserver import load_fixture

INVENTORY = load_inventory(ROOT / "inventory")
PLAN = read_plan(INVENTORY)
STAMP = datetime(2026, 1, 31, 12, 0, tzinfo=UTC)


@functools.cache
def _observed(name: str) -> ClusterObserved:
    objects, _ = load_fixture(name)
    selected = {c.field_selector.removeprefix("metadata.name=") for c in PLAN.calls if c.field_selector}
    read = [
        o for o in objects if o["kind"] not in ("Secret", "ConfigMap", "DaemonSet") or o["metadata"]["name"] in selected
    ]
    good, bad = validate(read)
    assert not bad
    return observe(good, target="admin@homelab", revision=None, resources=PLAN.capacity, labels=PLAN.labels)


def observed_fixture(name: str, **update: Any) -> ClusterObserved:
    """What a live read of ``tests/fixtures/cluster/<name>`` observes (field selectors applied)."""
    return _observed(name).model_copy(update=update)


def check(seen: ClusterObserved, git: FluxObserved | None = None):
    return compare_cluster(INVENTORY, seen, generated_at=STAMP, git=git)


def codes(report) -> list[tuple[str, str, str | None]]:
    return [(f.code, f.subject, f.field) for f in report.findings]


def test_homelab_is_in_sync() -> None:
    report = check(observed_fixture("homelab"))
    assert report.in_sync, [f.message for f in report.findings]
    assert report.source == "cluster" and report.target == "admin@homelab"
    assert report.subjects[:3] == ["node/talos-76w-3r0", "node/talos-7aj-lwl", "node/talos-ysi-4k0"]
    assert len(report.subjects) == 3 + 23 + 2  # nodes, components, rdma/sriov and rdma/cx7-rdma


@pytest.mark.parametrize("fmt", ["text", "json"], ids=["text", "json"])
def test_drifted_report(fmt: str, golden) -> None:
    report = check(observed_fixture("drifted"))
    ext = {"text": "txt", "json": "json"}[fmt]
    golden(f"cluster/drifted.{ext}", render(report, fmt))


def test_drifted_findings_one_of_each() -> None:
    report = check(observed_fixture("drifted"))
    assert codes(report) == [
        ("mismatch", "node/talos-76w-3r0", "memory.gb"),
        ("mismatch", "node/talos-76w-3r0", "talos_version"),
        ("mismatch", "node/talos-7aj-lwl", "gpus[0].product"),
        ("mismatch", "node/talos-ysi-4k0", "roles.control-plane"),
        ("undocumented", "node/talos-9xq-2mb", None),
        ("mismatch", "component/cilium", "chart.version"),
        ("missing", "component/longhorn", None),
        ("mismatch", "component/grafana", "chart.version"),
        ("not-ready", "component/grafana", "ready"),
        ("mismatch", "component/hubble", "chart.version"),
        ("not-ready", "component/rabbitmq", "ready"),
        ("missing", "component/nvidia-device-plugin", "daemonset"),
        ("not-ready", "component/multus", "daemonset.ready"),
        ("undocumented", "component/podinfo", None),
        ("mismatch", "rdma/sriov", "device_plugin.vf_device"),
        ("mismatch", "rdma/sriov", "nodes[0].vfs"),
        ("mismatch", "rdma/sriov", "daemonset.nodes"),
        ("mismatch", "rdma/cx7-rdma", "resource_name"),
        ("undocumented", "rdma/macvlan-lan", None),
    ]
    by_field = {(f.subject, f.field): f for f in report.findings}
    vfs = by_field[("rdma/sriov", "nodes[0].vfs")]
    assert (vfs.documented, vfs.observed) == (4, 2)
    assert str(vfs.where) == "inventory/rdma.yaml:42" and vfs.source == Location(object="Node talos-7aj-lwl")
    assert all(f.label is None for f in report.findings)  # no --repo, no three-way labels


@pytest.mark.parametrize(
    ("gb", "ki", "ok"),
    [
        (128, 127_601_212, True),  # a DGX Spark: 121.7 GiB of 128 GB unified memory
        (192, 197_562_740, True),
        (128, math.ceil(128 * 0.92 * 1024 * 1024), True),  # exactly the 8 % floor
        (128, math.floor(128 * 0.92 * 1024 * 1024), False),
        (128, 128 * 1024 * 1024, True),  # all of it
        (128, int(128 * 1.01 * 1024 * 1024) + 1, False),  # more than installed, past the slack
        (192, 127_601_212, False),
    ],
    ids=["spark", "ryzen", "floor", "below-floor", "exact", "above", "wrong-node"],
)
def test_memory_tolerance(gb: int, ki: int, ok: bool) -> None:
    low, high = memory_bounds(gb, 8)
    assert (low <= ki / 1024 / 1024 <= high) is ok
    name = next(n.name for n in INVENTORY.hardware.nodes if n.memory.gb == gb)
    seen = observed_fixture("homelab")
    nodes = [n.model_copy(update={"memory_ki": ki}) if n.name == name else n for n in seen.nodes]
    report = check(seen.model_copy(update={"nodes": nodes}))
    assert report.in_sync is ok
    if not ok:
        [finding] = report.findings
        assert (finding.subject, finding.field, finding.documented) == (f"node/{name}", "memory.gb", gb)
        assert finding.observed == round(ki / 1024 / 1024, 1)
        assert "memory_tolerance_percent 8" in finding.message


def test_talos_version_from_os_image() -> None:
    assert talos_version("Talos (v1.11.5)") == "v1.11.5"
    assert talos_version("Talos (v1.12.0-alpha.1)") == "v1.12.0-alpha.1"
    assert talos_version("Ubuntu 24.04.3 LTS") is None
    assert talos_version(None) is None


def test_time_sliced_gpu_product_is_the_same_gpu() -> None:
    seen = observed_fixture("homelab")
    nodes = [n.model_copy(update={"gpu_product": f"{n.gpu_product}-SHARED"}) for n in seen.nodes]
    assert check(seen.model_copy(update={"nodes": nodes})).in_sync


def test_missing_node_points_at_its_inventory_entry() -> None:
    seen = observed_fixture("homelab")
    nodes = [n for n in seen.nodes if n.name != "talos-ysi-4k0"]
    dss = [d.model_copy(update={"desired": d.desired - 1, "ready": d.ready - 1}) for d in seen.daemonsets]
    report = check(seen.model_copy(update={"nodes": nodes, "daemonsets": dss}))
    assert codes(report) == [("missing", "node/talos-ysi-4k0", None)]  # reported once, not per DaemonSet or VF pool
    assert str(report.findings[0].where) == "inventory/hardware.yaml:58"


def test_absent_crd_is_one_finding_per_kind() -> None:
    seen = observed_fixture("homelab", helmreleases=[], absent_kinds=["HelmRelease"])
    report = check(seen)
    [finding] = report.findings
    assert (finding.code, finding.subject, finding.field) == ("missing", "component/flux", "crd")
    assert finding.documented == "helmreleases.helm.toolkit.fluxcd.io"
    assert "so 22 documented object(s) of that kind could not be checked" in finding.message


def test_release_without_ready_condition_or_history() -> None:
    seen = observed_fixture("homelab")
    hrs = [
        h.model_copy(update={"ready": None, "ready_message": None, "version": None}) if h.name == "nats" else h
        for h in seen.helmreleases
    ]
    report = check(seen.model_copy(update={"helmreleases": hrs}))
    assert [(f.code, f.field, f.observed) for f in report.findings] == [
        ("mismatch", "chart.version", None),
        ("not-ready", "ready", None),
    ]
    assert report.findings[0].message == "HelmRelease nats/nats has no release deployed yet"
    assert report.findings[1].message == "HelmRelease nats/nats has no Ready condition yet"


def test_daemonset_scheduled_on_fewer_nodes_than_documented() -> None:
    seen = observed_fixture("homelab")
    dss = [
        d.model_copy(update={"desired": 2, "ready": 2}) if d.name == "kube-multus-ds" else d for d in seen.daemonsets
    ]
    [finding] = check(seen.model_copy(update={"daemonsets": dss})).findings
    assert (finding.code, finding.subject, finding.field, finding.documented, finding.observed) == (
        "mismatch",
        "component/multus",
        "daemonset.desired",
        3,
        2,
    )


def _git(versions: dict[tuple[str, str], str]) -> FluxObserved:
    return FluxObserved(
        target="repo",
        helmreleases=[
            ObservedHelmRelease(namespace=ns, name=name, version=v, origin=Location(file=f"apps/{name}.yaml", line=1))
            for (ns, name), v in versions.items()
        ],
    )


@pytest.mark.parametrize(
    ("git", "label"),
    [
        ("10.1.5", "docs-stale"),  # Git and the cluster agree: the docs are behind
        ("10.1.4", "not-reconciled"),  # the docs match Git: the cluster has not caught up
        ("10.2.0", "out-of-band"),  # the cluster matches neither
        (None, "out-of-band"),  # Git has no such release at all
    ],
    ids=["docs-stale", "not-reconciled", "out-of-band", "not-in-git"],
)
def test_three_way_labels(git: str | None, label: str) -> None:
    seen = observed_fixture("homelab")
    hrs = [h.model_copy(update={"version": "10.1.5"}) if h.name == "grafana" else h for h in seen.helmreleases]
    repo = _git({("monitoring", "grafana"): git} if git else {})
    [finding] = check(seen.model_copy(update={"helmreleases": hrs}), git=repo).findings
    assert (finding.field, finding.documented, finding.observed, finding.label) == (
        "chart.version",
        "10.1.4",
        "10.1.5",
        label,
    )
    assert ("Git pins " + git if git else "Git has no such HelmRelease") in finding.message


def test_leading_v_is_the_same_version() -> None:
    seen = observed_fixture("homelab")
    hrs = [h.model_copy(update={"version": "2.1.1"}) if h.name == "kgateway" else h for h in seen.helmreleases]
    assert check(seen.model_copy(update={"helmreleases": hrs})).in_sync  # documented v2.1.1
