"""The read plan: what a check reads is derived from the inventory, and nothing else."""

from __future__ import annotations

from pathlib import Path

from labbook.load.inventory import load_inventory
from labbook.models.rdma import Rdma
from labbook.sources.cluster.plan import helm_identity, helm_installs_into, kustomization_identity, read_plan
from tests.conftest import ROOT


def test_example_inventory_plan() -> None:
    plan = read_plan(load_inventory(ROOT / "inventory"))
    assert [(c.path, c.field_selector) for c in plan.calls] == [
        ("/api/v1/nodes", None),
        ("/apis/helm.toolkit.fluxcd.io/v2/helmreleases", None),
        ("/apis/kustomize.toolkit.fluxcd.io/v1/kustomizations", None),
        ("/apis/k8s.cni.cncf.io/v1/network-attachment-definitions", None),
        ("/api/v1/namespaces/kube-system/configmaps", "metadata.name=sriovdp-config"),
        ("/apis/apps/v1/namespaces/nvidia-device-plugin/daemonsets", "metadata.name=nvidia-device-plugin"),
        ("/apis/apps/v1/namespaces/kube-system/daemonsets", "metadata.name=sriov-device-plugin"),
        ("/apis/apps/v1/namespaces/kube-system/daemonsets", "metadata.name=kube-multus-ds"),
    ]
    assert [c.crd for c in plan.calls] == [False, True, True, True, False, False, False, False]
    assert not any("secret" in c.path for c in plan.calls)
    assert plan.capacity == ("cpu", "memory", "nvidia.com/gpu", "nvidia.com/cx7_qsfp")
    targets = {t.name: (t.subject, t.nodes) for t in plan.daemonsets}
    sparks = ("talos-7aj-lwl", "talos-ysi-4k0")
    assert targets == {
        "nvidia-device-plugin": ("component/nvidia-device-plugin", ("talos-76w-3r0", *sparks)),
        "sriov-device-plugin": ("rdma/sriov", sparks),
        "kube-multus-ds": ("component/multus", ("talos-76w-3r0", *sparks)),
    }
    assert plan.calls[6].describe() == "DaemonSet kube-system/sriov-device-plugin"
    assert plan.calls[1].describe() == "HelmReleases in all namespaces"
    assert plan.calls[1].resource == "helmreleases.helm.toolkit.fluxcd.io"


def test_no_rdma_means_no_rdma_reads() -> None:
    inv = load_inventory(ROOT / "inventory")
    plan = read_plan(inv.model_copy(update={"rdma": Rdma()}))
    kinds = [c.kind for c in plan.calls]
    assert "ConfigMap" not in kinds and "NetworkAttachmentDefinition" not in kinds
    assert "nvidia.com/cx7_qsfp" not in plan.capacity
    assert [t.name for t in plan.daemonsets] == ["nvidia-device-plugin", "kube-multus-ds"]


def test_runs_on_narrows_where_a_daemonset_should_run(inventory_copy: Path) -> None:
    platform = inventory_copy / "platform.yaml"
    text = platform.read_text()
    text = text.replace(
        "        notes: [thick plugin]\n", "        notes: [thick plugin]\n        runs_on: {arch: [arm64]}\n"
    )
    platform.write_text(text)
    plan = read_plan(load_inventory(inventory_copy))
    multus = next(t for t in plan.daemonsets if t.name == "kube-multus-ds")
    assert multus.nodes == ("talos-7aj-lwl", "talos-ysi-4k0")


def test_naming_convention() -> None:
    inv = load_inventory(ROOT / "inventory")
    comp = inv.platform.component
    assert helm_identity(comp("cilium"), 0) == ("kube-system", "cilium")
    assert helm_identity(comp("hubble"), 0) == ("kube-system", "cilium")  # flux.name
    assert helm_identity(comp("kgateway"), 0) == ("kgateway-system", "kgateway-crds")
    assert helm_identity(comp("arc"), 1) == ("arc-runners", "arc-runners-amd64")  # helm.namespace
    assert helm_installs_into(comp("arc"), 1) == "arc-runners"
    assert helm_installs_into(comp("arc"), 0) == "arc-systems"
    assert kustomization_identity(comp("flux")) == ("flux-system", "flux-system")
    assert kustomization_identity(comp("multus")) == ("flux-system", "multus")
