"""Snapshot files: exactly the facts the checker uses, parsed like a live read, strict about mistakes."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml

from labbook.errors import BadInput
from labbook.load.inventory import load_inventory
from labbook.sources import snapshot
from labbook.sources.cluster.parse import observe, validate
from labbook.sources.cluster.plan import read_plan
from tests.conftest import ROOT
from tests.sources.cluster.apimachinery import listed, scenario

PLAN = read_plan(load_inventory(ROOT / "inventory"))
EXAMPLE = ROOT / "examples" / "cluster" / "snapshot.yaml"
WHEN = datetime(2026, 1, 31, 12, 0, 5, 123456, tzinfo=UTC)


def _objects(name: str = "homelab"):
    """A fixture's objects that a live read of the plan returns (the field selectors applied)."""
    objects = scenario(name).objects
    read = [o for c in PLAN.calls for o in listed(objects, c.api_version, c.kind, c.namespace, c.field_selector)]
    good, bad = validate(read)
    assert not bad
    return good


def test_render_keeps_only_what_the_checker_uses() -> None:
    text = snapshot.render(_objects(), PLAN, context="admin@homelab", taken_at=WHEN)
    assert text.startswith("# labbook cluster snapshot")
    body = "".join(line for line in text.splitlines(keepends=True) if not line.startswith("#"))
    for noise in (
        "operation:",  # of managedFields, only the manager of the compared field, and its path
        "helm-controller",
        "time:",
        "last-applied-configuration",
        "resourceVersion",
        "uid:",
        "ephemeral-storage",
        "hugepages",
        "kubernetes.io/hostname",
        "nvidia.com/gpu.memory",
        "nvidia.com/cuda",
        "Released",  # only the Ready condition
        "configDigest",
        "ociDigest",
        "layerSelector",
        "isRdma",
        "notes.txt",
        "whereabouts",
        "feature.node.kubernetes.io",  # no DaemonSet read selects on NFD labels
        "nvidia.com/gpu.family",
        "gpu-feature-discovery",
        "priorityClassName",
        "coredns",
        "Secret",
        "CLOUDFLARE",
    ):
        assert noise not in body, noise
    doc = yaml.safe_load(text)
    assert (doc["labbook_snapshot"], doc["context"], doc["taken_at"]) == (1, "admin@homelab", "2026-01-31T12:00:05Z")
    nodes = {o["metadata"]["name"]: o for o in doc["objects"] if o["kind"] == "Node"}
    ryzen = nodes["talos-76w-3r0"]
    assert ryzen["metadata"]["labels"] == {
        "kubernetes.io/arch": "amd64",
        "node-role.kubernetes.io/control-plane": "",
        "nvidia.com/gpu.count": "1",
        "nvidia.com/gpu.present": "true",  # the NVIDIA device plugin's node affinity reads it
        "nvidia.com/gpu.product": "NVIDIA-GeForce-RTX-5070-Ti",
        "nvidia.com/gpu.replicas": "1",
    }
    spark = nodes["talos-7aj-lwl"]
    assert spark["metadata"]["labels"]["nvidia.com/gpu.product"] == "NVIDIA-GB10"  # also what a DaemonSet selects on
    assert spark["status"]["capacity"] == {
        "cpu": "20",
        "memory": "127601212Ki",
        "nvidia.com/gpu": "1",
        "nvidia.com/cx7_qsfp": "4",
    }
    assert spark["status"]["allocatable"] == {"nvidia.com/cx7_qsfp": "4"}
    grafana = next(o for o in doc["objects"] if o["kind"] == "HelmRelease" and o["metadata"]["name"] == "grafana")
    assert grafana["metadata"]["managedFields"] == [
        {"manager": "kustomize-controller", "fieldsV1": {"f:spec": {"f:chart": {"f:spec": {"f:version": {}}}}}}
    ]


@pytest.mark.parametrize("name", ["homelab", "drifted"])
def test_round_trip_observes_the_same_cluster(tmp_path: Path, name: str) -> None:
    objects = _objects(name)
    path = tmp_path / "snap.yaml"
    path.write_text(
        snapshot.render(objects, PLAN, context="admin@homelab", taken_at=WHEN, absent_kinds=["Kustomization"])
    )
    loaded = snapshot.load(path, PLAN)
    assert (loaded.context, loaded.stamp, loaded.absent_kinds) == (
        "admin@homelab",
        "2026-01-31T12:00:05Z",
        ["Kustomization"],
    )
    stamped = WHEN.replace(microsecond=0)  # a snapshot keeps the second, as the Date header of a live read
    direct = observe(objects, PLAN, target="x", revision=None, observed_at=stamped, absent_kinds=["Kustomization"])
    again = loaded.observed(PLAN)
    assert again.target == str(path) and again.revision == "2026-01-31T12:00:05Z"
    assert again.model_dump(exclude={"target", "revision"}) == direct.model_dump(exclude={"target", "revision"})


def test_example_snapshot_loads() -> None:
    snap = snapshot.load(EXAMPLE, PLAN)
    assert snap.context == "admin@homelab" and len(snap.objects) == 42
    assert snap.stamp == "2025-11-27T21:45:00Z"


def _broken(tmp_path: Path, old: str, new: str) -> list[str]:
    text = EXAMPLE.read_text()
    assert old in text, old
    path = tmp_path / "snap.yaml"
    path.write_text(text.replace(old, new, 1))
    with pytest.raises(BadInput) as exc:
        snapshot.load(path, PLAN)
    return [line.replace(str(path), "snap.yaml") for line in exc.value.lines()]


def _line(old: str) -> int:
    return EXAMPLE.read_text().splitlines().index(old) + 1


def test_malformed_yaml(tmp_path: Path) -> None:
    [line] = _broken(tmp_path, "context: admin@homelab", "context: [admin@homelab")
    assert line == (
        "snap.yaml:11:10: a '[' that is not closed (expected ',' between items and ']' before line 12); "
        "hint: quote values that contain ',', '[' or ']'"
    )


def test_envelope_problems(tmp_path: Path) -> None:
    assert _broken(tmp_path, "labbook_snapshot: 1", "labbook_snapshot: 2") == [
        "snap.yaml:10:19: labbook_snapshot: got 2 (expected one of 1)"
    ]
    assert _broken(tmp_path, "taken_at: ", "token: x\ntaken_at: ")[0].startswith(
        "snap.yaml:12:1: token: unknown key 'token' (did you mean 'taken_at'? expected one of:"
    )


def test_object_problems_point_at_the_line(tmp_path: Path) -> None:
    memory = "      memory: 127601212Ki"
    n = _line(memory)
    lines = _broken(tmp_path, memory, "      memory: 128 GB")
    assert lines == [
        f"snap.yaml:{n}:15: objects[1].status.capacity.memory: "
        "got '128 GB' (expected a Kubernetes quantity such as 32, 500m or 127601212Ki)"
    ]
    extra = "    lastAttemptedRevision: 0.13.0+68e4a4a749a5"
    n = _line(extra)
    assert _broken(tmp_path, extra, extra + "\n    lastAttemptedGeneration: 3") == [
        f"snap.yaml:{n + 1}:5: objects[3].status.lastAttemptedGeneration: unknown key 'lastAttemptedGeneration' "
        "(did you mean 'lastAttemptedRevision'? expected one of: conditions, history, lastAttemptedRevision, "
        "observedGeneration)"
    ]


def test_unknown_kind_duplicates_and_missing_reads(tmp_path: Path) -> None:
    text = EXAMPLE.read_text()
    first_node = text.index("- apiVersion: v1\n  kind: Node")
    second = text.index("- apiVersion: v1\n  kind: Node", first_node + 1)
    node = text[first_node:second]
    secret = "- apiVersion: v1\n  kind: Secret\n  metadata:\n    name: s\n    namespace: flux-system\n"
    path = tmp_path / "snap.yaml"
    path.write_text(text.replace("- /api/v1/nodes\n", "").replace("objects:\n", "objects:\n" + secret + node, 1))
    with pytest.raises(BadInput) as exc:
        snapshot.load(path, PLAN)
    lines = [line.replace(str(path), "snap.yaml") for line in exc.value.lines()]
    assert lines == [
        "snap.yaml:13:1: reads: the inventory needs Nodes (/api/v1/nodes), which this snapshot never read "
        "(expected a snapshot taken with this inventory: run labbook snapshot again)",
        "snap.yaml:25:9: objects[0]: kind 'Secret' (v1) is not read by the checker (expected one of: Node (v1), "
        "HelmRelease (helm.toolkit.fluxcd.io/v2), OCIRepository (source.toolkit.fluxcd.io/v1), "
        "Kustomization (kustomize.toolkit.fluxcd.io/v1), NetworkAttachmentDefinition (k8s.cni.cncf.io/v1), "
        "ConfigMap (v1), DaemonSet (apps/v1))",
        "snap.yaml:56:3: objects[2]: Node talos-76w-3r0 again, first on line 29 (expected each object once)",
    ]


def test_not_a_mapping(tmp_path: Path) -> None:
    path = tmp_path / "snap.yaml"
    path.write_text("- just\n- a list\n")
    with pytest.raises(BadInput) as exc:
        snapshot.load(path, PLAN)
    assert exc.value.lines() == [f"{path}:1:1: not a snapshot (expected a mapping with labbook_snapshot: 1)"]
