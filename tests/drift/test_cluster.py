"""Cluster drift, pure: the inventory against the observed fixture clusters, rule by rule."""

from __future__ import annotations

import functools
import math
from datetime import UTC, datetime
from typing import Any

import pytest

from labbook.drift.cluster import compare_cluster
from labbook.formats import render
from labbook.load.inventory import load_inventory
from labbook.models.cluster import ClusterObserved, Condition
from labbook.models.report import three_way
from labbook.models.scheduling import Taint
from labbook.sources.cluster.kinds.node_rules import memory_bounds, talos_version
from labbook.sources.cluster.parse import observe, validate
from labbook.sources.cluster.plan import read_plan
from labbook.sources.flux import read_repo
from tests.conftest import ROOT
from tests.sources.cluster.apimachinery import listed, scenario

INVENTORY = load_inventory(ROOT / "inventory")
PLAN = read_plan(INVENTORY)
STAMP = datetime(2026, 1, 31, 12, 0, tzinfo=UTC)
HEAD = "9f3c2a7e5b1d4c8a6f0e2d4b7a9c1e3f5d7b9a20"
"""The commit the scenarios' Flux repository is at: what every Kustomization of the homelab has applied."""
GIT = read_repo(ROOT / "examples" / "flux")


@functools.cache
def _observed(name: str) -> ClusterObserved:
    found = scenario(name)
    read = [o for c in PLAN.calls for o in listed(found.objects, c.api_version, c.kind, c.namespace, c.field_selector)]
    good, bad = validate(read)
    assert not bad
    return observe(good, PLAN, target="admin@homelab", revision=None, observed_at=found.date)


def observed_fixture(name: str, **update: Any) -> ClusterObserved:
    """What a live read of ``tests/fixtures/cluster/<name>`` observes (field selectors applied)."""
    return _observed(name).model_copy(update=update)


def check(seen: ClusterObserved, *, git: bool = False, commit: str | None = None):
    return compare_cluster(INVENTORY, seen, generated_at=STAMP, git=GIT if git else None, git_commit=commit)


def codes(report) -> list[tuple[str, str, str | None, str | None]]:
    return [(f.code, f.subject, f.field, f.label) for f in report.findings]


def replace(seen: ClusterObserved, field: str, name: str, **update: Any) -> ClusterObserved:
    items = [o.model_copy(update=update) if o.name == name else o for o in getattr(seen, field)]
    return seen.model_copy(update={field: items})


@pytest.mark.parametrize("git", [False, True], ids=["alone", "with-repo"])
def test_homelab_as_the_flux_repo_deploys_it_is_in_sync(git: bool) -> None:
    # eight releases come from OCIRepositories: their running versions carry the digest (2.1.1+4c09b7e2608f)
    seen = observed_fixture("homelab")
    assert sum("+" in (h.running or "") for h in seen.helmreleases) == 8
    report = check(seen, git=git, commit=HEAD if git else None)
    assert report.in_sync, [f.message for f in report.findings]
    assert report.source == "cluster" and report.target == "admin@homelab"
    assert report.subjects[:3] == ["node/talos-76w-3r0", "node/talos-7aj-lwl", "node/talos-ysi-4k0"]
    assert len(report.subjects) == 3 + 23 + 2  # nodes, components, rdma/sriov and rdma/cx7-rdma


DRIFTED = [
    # 1. NotReady node, and what it explains, under it
    ("not-ready", "node/talos-76w-3r0", "ready", None),
    ("not-ready", "node/talos-76w-3r0", "taints", None),  # nvidia-device-plugin: unreachable:NoSchedule
    ("not-ready", "node/talos-76w-3r0", "daemonset.ready", None),  # multus: its pod there is not ready
    # 3. failed upgrade
    ("mismatch", "component/victoria-metrics", "chart.version", "not-reconciled"),
    # 2. hand-patched chart version
    ("mismatch", "component/grafana", "chart.version", "out-of-band"),
    # 8. suspended release
    ("suspended", "component/jaeger", "suspend", None),
    # 9. Kustomization behind Git
    ("mismatch", "component/rabbitmq", "revision", "not-reconciled"),
    # 4. undocumented release
    ("undocumented", "component/podinfo", None, None),
    # 5. VF shortfall, 7. DaemonSet short of ready pods
    ("mismatch", "rdma/sriov", "nodes[0].vfs", None),
    ("not-ready", "rdma/sriov", "daemonset.ready", None),
    # 6. missing NetworkAttachmentDefinition
    ("missing", "rdma/cx7-rdma", None, None),
]


def test_drifted_one_of_each_exactly_with_labels() -> None:
    """100 % recall and precision: every planted drift found with its label, nothing else reported."""
    report = check(observed_fixture("drifted"), git=True, commit=HEAD)
    assert codes(report) == DRIFTED
    by_field = {(f.subject, f.field): f for f in report.findings}
    grafana = by_field[("component/grafana", "chart.version")]
    assert (grafana.documented, grafana.observed) == ("10.1.4", "10.1.5")
    assert "set by kubectl-patch" in grafana.message and "Git pins 10.1.4" in grafana.message
    vm = by_field[("component/victoria-metrics", "chart.version")]
    assert (vm.documented, vm.observed) == ("0.63.4", "0.63.3")
    assert "the upgrade failed: UpgradeFailed: Helm upgrade failed" in vm.message
    revision = by_field[("component/rabbitmq", "revision")]
    assert (revision.documented, revision.observed) == (HEAD, "4b1d3e5f7a9c0b2d4f6a8c1e3b5d7f9a0c2e4b6d")
    assert "applying it failed: HealthCheckFailed" in revision.message
    node = by_field[("node/talos-76w-3r0", "ready")]
    assert node.message.startswith(
        "the node is not Ready: Ready Unknown for 2h 4m (since 2025-11-27T19:40:02Z): NodeStatusUnknown: "
        "Kubelet stopped posting node status.; tainted node.kubernetes.io/unreachable:NoSchedule"
    )
    vfs = by_field[("rdma/sriov", "nodes[0].vfs")]
    assert (vfs.documented, vfs.observed) == (
        4,
        2,
    ) and vfs.message == "node talos-7aj-lwl advertises 2 nvidia.com/cx7_qsfp (capacity)"
    assert str(vfs.where) == "inventory/rdma.yaml:42"
    multus = by_field[("node/talos-76w-3r0", "daemonset.ready")]
    assert str(multus.where) == "inventory/platform.yaml:286"  # the claim: multus runs on every node


def test_drifted_without_the_repo_has_no_labels_and_cannot_see_the_kustomization_behind() -> None:
    report = check(observed_fixture("drifted"))
    expected = [(c, s, f, None) for c, s, f, _ in DRIFTED if f != "revision"]
    expected.insert(expected.index(("undocumented", "component/podinfo", None, None)),
                    ("not-ready", "component/rabbitmq", "ready", None))  # fmt: skip
    assert codes(report) == expected


@pytest.mark.parametrize("fmt", ["text", "json"], ids=["text", "json"])
def test_drifted_report(fmt: str, golden) -> None:
    report = check(observed_fixture("drifted"), git=True, commit=HEAD)
    ext = {"text": "txt", "json": "json"}[fmt]
    golden(f"cluster/drifted.{ext}", render(report, fmt))


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
    report = check(replace(observed_fixture("homelab"), "nodes", name, memory_ki=ki))
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


def test_time_sliced_gpu_counts_physical_gpus_and_shows_replicas_as_context() -> None:
    # GPU feature discovery with 4 time-slicing replicas: capacity 4, count 1, product ...-SHARED
    seen = observed_fixture("homelab")
    shared = {"gpus": 4, "gpu_count": 1, "gpu_replicas": 4, "gpu_product": "NVIDIA-GB10-SHARED"}
    assert check(replace(seen, "nodes", "talos-7aj-lwl", **shared)).in_sync
    [finding] = check(replace(seen, "nodes", "talos-7aj-lwl", **{**shared, "gpu_count": 2})).findings
    assert (finding.field, finding.documented, finding.observed) == ("gpus.count", 1, 2)
    assert finding.message == (
        "GPU feature discovery counts 2 GPU(s) (nvidia.com/gpu.count) (4 nvidia.com/gpu advertised: "
        "4 time-slicing replicas per GPU), the docs list 1 GPU(s)"
    )
    # without GPU feature discovery, the capacity is all there is
    [finding] = check(replace(seen, "nodes", "talos-7aj-lwl", gpus=2, gpu_count=None, gpu_replicas=None)).findings
    assert finding.observed == 2 and "has no nvidia.com/gpu.count label" in finding.message


def test_cordoned_node_is_unschedulable_and_daemonsets_still_run_there() -> None:
    taint = Taint(key="node.kubernetes.io/unschedulable", effect="NoSchedule")
    seen = replace(observed_fixture("homelab"), "nodes", "talos-ysi-4k0", unschedulable=True, taints=[taint])
    [finding] = check(seen).findings  # daemon pods tolerate the unschedulable taint: no placement finding
    assert (finding.code, finding.subject, finding.field, finding.observed) == (
        "unschedulable", "node/talos-ysi-4k0", "schedulable", False)  # fmt: skip


def test_a_taint_that_keeps_a_documented_daemonset_off_is_reported_under_the_node() -> None:
    taint = Taint(key="dedicated", value="inference", effect="NoSchedule")
    seen = replace(observed_fixture("homelab"), "nodes", "talos-ysi-4k0", taints=[taint])
    dss = [d.model_copy(update={"desired": d.desired - 1, "ready": d.ready - 1}) if d.name == "nvidia-device-plugin"
           else d for d in seen.daemonsets]  # fmt: skip
    [finding] = check(seen.model_copy(update={"daemonsets": dss})).findings  # multus and sriov tolerate NoSchedule
    assert (finding.code, finding.subject, finding.field, finding.observed) == (
        "mismatch", "node/talos-ysi-4k0", "taints", ["dedicated=inference:NoSchedule"])  # fmt: skip
    assert "keeps DaemonSet nvidia-device-plugin/nvidia-device-plugin (component/nvidia-device-plugin) off" in (
        finding.message
    )
    assert str(finding.where) == "inventory/platform.yaml:267"


def test_vf_capacity_is_configuration_drift_and_on_a_notready_node_a_consequence() -> None:
    seen = observed_fixture("homelab")
    shortfall = replace(seen, "nodes", "talos-ysi-4k0", resources={"nvidia.com/cx7_qsfp": 2},
                        allocatable={"nvidia.com/cx7_qsfp": 2})  # fmt: skip
    [finding] = check(shortfall).findings
    assert (finding.code, finding.subject, finding.field, finding.documented, finding.observed) == (
        "mismatch", "rdma/sriov", "nodes[1].vfs", 4, 2)  # fmt: skip
    down = Condition(status="False", reason="KubeletNotReady", message="PLEG is not healthy")
    dss = [d.model_copy(update={"ready": d.ready - 1}) if d.name != "nvidia-device-plugin" else d
           for d in shortfall.daemonsets]  # fmt: skip
    report = check(replace(shortfall, "nodes", "talos-ysi-4k0", ready=down).model_copy(update={"daemonsets": dss}))
    assert codes(report) == [
        ("not-ready", "node/talos-ysi-4k0", "ready", None),
        ("mismatch", "node/talos-ysi-4k0", "nodes[1].vfs", None),
        ("not-ready", "node/talos-ysi-4k0", "daemonset.ready", None),  # sriov-device-plugin
        ("not-ready", "node/talos-ysi-4k0", "daemonset.ready", None),  # multus
    ]
    assert report.findings[1].message.startswith("consequence of the node not being Ready: node talos-ysi-4k0")
    assert str(report.findings[1].where) == "inventory/rdma.yaml:45"


def test_vfs_the_kubelet_counts_unhealthy() -> None:
    # the kubelet lost the SR-IOV device plugin of talos-ysi-4k0: every VF unhealthy, none allocatable
    seen = replace(observed_fixture("homelab"), "nodes", "talos-ysi-4k0", allocatable={"nvidia.com/cx7_qsfp": 0})
    [finding] = check(seen).findings
    assert (finding.code, finding.subject, finding.field, finding.documented, finding.observed) == (
        "not-ready", "rdma/sriov", "nodes[1].vfs.healthy", 4, 0)  # fmt: skip
    assert finding.message == (
        "node talos-ysi-4k0 advertises 4 nvidia.com/cx7_qsfp but only 0 are allocatable: the kubelet counts 4 VF(s) "
        "unhealthy (reported so by the device plugin, or all of them when it lost the plugin)"
    )


def test_missing_node_points_at_its_inventory_entry() -> None:
    seen = observed_fixture("homelab")
    nodes = [n for n in seen.nodes if n.name != "talos-ysi-4k0"]
    dss = [d.model_copy(update={"desired": d.desired - 1, "ready": d.ready - 1}) for d in seen.daemonsets]
    report = check(seen.model_copy(update={"nodes": nodes, "daemonsets": dss}))
    assert codes(report) == [("missing", "node/talos-ysi-4k0", None, None)]  # once, not per DaemonSet or VF pool
    assert str(report.findings[0].where) == "inventory/hardware.yaml:58"


def test_absent_crd_is_one_finding_per_kind() -> None:
    seen = observed_fixture("homelab", helmreleases=[], absent_kinds=["HelmRelease"])
    [finding] = check(seen).findings
    assert (finding.code, finding.subject, finding.field) == ("missing", "component/flux", "crd")
    assert finding.documented == "helmreleases.helm.toolkit.fluxcd.io"
    assert "so 22 documented object(s) of that kind could not be checked" in finding.message


def test_release_without_ready_condition_or_history() -> None:
    seen = replace(observed_fixture("homelab"), "helmreleases", "nats", ready=None, running=None)
    report = check(seen)
    assert [(f.code, f.field, f.observed) for f in report.findings] == [("mismatch", "chart.version", None)]
    assert report.findings[0].message == (
        "HelmRelease nats/nats has no release deployed yet; it asks for 1.3.16 (spec.chart.spec.version); "
        "Flux has not applied it yet (no Ready condition yet)"
    )


def test_daemonset_scheduled_on_fewer_nodes_than_placement_says() -> None:
    seen = replace(observed_fixture("homelab"), "daemonsets", "kube-multus-ds", desired=2, ready=2)
    [finding] = check(seen).findings
    assert (finding.code, finding.subject, finding.field, finding.documented, finding.observed) == (
        "mismatch", "component/multus", "daemonset.desired", 3, 2)  # fmt: skip


def test_daemonset_placed_elsewhere_says_why_per_node() -> None:
    seen = observed_fixture("homelab")
    sriov = next(d for d in seen.daemonsets if d.name == "sriov-device-plugin")
    placement = sriov.placement.model_copy(update={"node_selector": {"kubernetes.io/arch": "amd64"}})
    [finding] = check(replace(seen, "daemonsets", "sriov-device-plugin", placement=placement)).findings
    assert (finding.field, finding.documented, finding.observed) == (
        "daemonset.nodes", ["talos-7aj-lwl", "talos-ysi-4k0"], ["talos-76w-3r0"])  # fmt: skip
    assert finding.message == (
        "DaemonSet kube-system/sriov-device-plugin is placed on talos-76w-3r0 (not on talos-7aj-lwl: it lacks the "
        "nodeSelector label(s) kubernetes.io/arch=amd64; not on talos-ysi-4k0: it lacks the nodeSelector label(s) "
        "kubernetes.io/arch=amd64; also on talos-76w-3r0)"
    )


# --- three ways -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("docs_git", "desired_git", "runs", "flux", "behind", "label"),
    [
        (False, True, True, False, False, "docs-stale"),  # D != G, C = G
        (False, True, False, True, False, "docs-stale"),
        (True, True, False, True, False, "not-reconciled"),  # C = G, R != C, Flux says why
        (True, True, False, False, False, "out-of-band"),  # C = G, R != C, no Flux-driven reason
        (True, False, True, False, False, "out-of-band"),  # C != G
        (False, False, True, False, False, "out-of-band"),
        (True, False, True, False, True, "not-reconciled"),  # C != G, but Flux has not applied Git yet
    ],
)
def test_three_way_rule(docs_git, desired_git, runs, flux, behind, label) -> None:
    assert three_way(docs_match_git=docs_git, desired_matches_git=desired_git, runs_desired=runs,
                     flux_reason=flux, git_not_applied=behind) == label  # fmt: skip


def _grafana(seen: ClusterObserved, **update: Any) -> ClusterObserved:
    return replace(seen, "helmreleases", "grafana", **update)


UPGRADED = Condition(status="True", reason="UpgradeSucceeded", message="Helm upgrade succeeded")
FAILED = Condition(status="False", reason="UpgradeFailed", message="Helm upgrade failed: timed out")
PENDING = Condition(status="Unknown", reason="Progressing", message="Fulfilling prerequisites")


@pytest.mark.parametrize(
    ("git_version", "desired", "running", "ready", "manager", "label", "says"),
    [
        ("10.1.5", "10.1.5", "10.1.5", UPGRADED, "kustomize-controller", "docs-stale", "Git pins 10.1.5"),
        ("10.1.4", "10.1.4", "10.1.3", FAILED, "kustomize-controller", "not-reconciled", "the upgrade failed"),
        ("10.1.4", "10.1.4", "10.1.3", PENDING, "kustomize-controller", "not-reconciled", "not applied it yet"),
        ("10.1.4", "10.1.4", "10.1.3", UPGRADED, "kustomize-controller", "out-of-band", "Git pins 10.1.4"),
        ("10.1.4", "10.1.5", "10.1.5", UPGRADED, "kubectl-patch", "out-of-band", "set by kubectl-patch"),
        ("10.1.4", "10.1.5", "10.1.4", PENDING, "kubectl-edit", "out-of-band", "set by kubectl-edit"),
        (None, "10.1.4", "10.1.5", UPGRADED, None, "out-of-band", "Git has no such HelmRelease"),
    ],
    ids=["docs-stale", "upgrade-failed", "not-applied-yet", "no-flux-reason", "patched", "patched-pending",
         "not-in-git"],
)  # fmt: skip
def test_three_way_labels(git_version, desired, running, ready, manager, label, says) -> None:
    seen = _grafana(observed_fixture("homelab"), spec_version=desired, running=running, ready=ready,
                    version_manager=manager)  # fmt: skip
    hrs = [h.model_copy(update={"version": git_version}) if h.name == "grafana" else h for h in GIT.helmreleases]
    git = GIT.model_copy(update={"helmreleases": [h for h in hrs if h.version is not None]})
    report = compare_cluster(INVENTORY, seen, generated_at=STAMP, git=git)
    [finding] = [f for f in report.findings if f.field == "chart.version"]
    assert (finding.documented, finding.label) == ("10.1.4", label)
    assert says in finding.message
    if ready is FAILED or ready is PENDING:
        assert [f.field for f in report.findings] == ["chart.version"]  # the version finding explains Ready


def test_kustomization_behind_git_only_with_a_checkout_of_the_repository() -> None:
    seen = observed_fixture("homelab")
    assert check(seen, git=True, commit=HEAD).in_sync
    report = check(seen, git=True, commit="1" * 40)
    assert {(f.subject, f.field, f.label) for f in report.findings} == {
        (f"component/{c}", "revision", "not-reconciled") for c in ("flux", "rabbitmq", "sriov-device-plugin", "multus")
    }
    assert "Flux has not applied it yet" in report.findings[0].message


def test_a_release_flux_applied_from_an_older_commit_is_not_out_of_band(inventory_copy) -> None:
    # docs and Git moved grafana to 10.1.5; the cluster's HelmRelease, set by kustomize-controller, still asks
    # for 10.1.4: the Kustomization that applies it is behind Git, so Flux has not caught up yet.
    platform = inventory_copy / "platform.yaml"
    platform.write_text(platform.read_text().replace("version: 10.1.4", "version: 10.1.5"))
    inventory = load_inventory(inventory_copy)
    hrs = [h.model_copy(update={"version": "10.1.5"}) if h.name == "grafana" else h for h in GIT.helmreleases]
    git = GIT.model_copy(update={"helmreleases": hrs})
    seen = observed_fixture("homelab")
    behind = replace(seen, "kustomizations", "infrastructure", applied_revision="main@sha1:" + "2" * 40)
    report = compare_cluster(inventory, behind, generated_at=STAMP, git=git, git_commit=HEAD)
    assert [(f.subject, f.field, f.label) for f in report.findings] == [
        ("component/grafana", "chart.version", "not-reconciled")
    ]
    assert "Kustomization flux-system/infrastructure has applied main@sha1:2222" in report.findings[0].message
    # the same, when kubectl-patch set the version: someone changed the cluster
    patched = replace(behind, "helmreleases", "grafana", version_manager="kubectl-patch")
    [finding] = compare_cluster(inventory, patched, generated_at=STAMP, git=git, git_commit=HEAD).findings
    assert finding.label == "out-of-band" and "set by kubectl-patch" in finding.message


@pytest.mark.parametrize("running", ["2.1.1", "2.1.1+41b39ad27d99", "v2.1.1"], ids=["plain", "oci-digest", "leading-v"])
def test_leading_v_and_build_metadata_are_the_same_version(running: str) -> None:
    seen = replace(observed_fixture("homelab"), "helmreleases", "kgateway", running=running)
    assert check(seen, git=True).in_sync  # documented v2.1.1, Git pins v2.1.1


def test_oci_chart_version_finding_shows_the_digest_as_context() -> None:
    seen = replace(observed_fixture("homelab"), "helmreleases", "kgateway", running="2.1.0+0123456789ab")
    [finding] = check(seen).findings
    assert (finding.documented, finding.observed) == ("v2.1.1", "2.1.0")
    assert finding.message.startswith(
        "HelmRelease kgateway-system/kgateway runs chart version 2.1.0 (digest 0123456789ab)"
    )


def test_suspended_kustomization() -> None:
    seen = replace(observed_fixture("homelab"), "kustomizations", "multus", suspended=True)
    [finding] = check(seen).findings
    assert (finding.code, finding.subject, finding.field) == ("suspended", "component/multus", "suspend")
    assert "flux resume kustomization multus -n flux-system" in finding.message
