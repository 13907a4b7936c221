"""The read plan: what a check reads is derived from the inventory, and nothing else."""

from __future__ import annotations

from pathlib import Path

from labbook.load.inventory import load_inventory
from labbook.models.rdma import Rdma
from labbook.sources.cluster.kinds import BY_TYPE, KINDS
from labbook.sources.cluster.plan import read_plan
from tests.conftest import ROOT


def test_example_inventory_plan() -> None:
    plan = read_plan(load_inventory(ROOT / "inventory"))
    assert [(c.path, c.field_selector) for c in plan.calls] == [
        ("/api/v1/nodes", None),
        ("/apis/helm.toolkit.fluxcd.io/v2/helmreleases", None),
        ("/apis/source.toolkit.fluxcd.io/v1/ocirepositories", None),
        ("/apis/kustomize.toolkit.fluxcd.io/v1/kustomizations", None),
        ("/apis/k8s.cni.cncf.io/v1/network-attachment-definitions", None),
        ("/api/v1/namespaces/kube-system/configmaps", "metadata.name=sriovdp-config"),
        ("/apis/apps/v1/namespaces/nvidia-device-plugin/daemonsets", "metadata.name=nvidia-device-plugin"),
        ("/apis/apps/v1/namespaces/kube-system/daemonsets", "metadata.name=sriov-device-plugin"),
        ("/apis/apps/v1/namespaces/kube-system/daemonsets", "metadata.name=kube-multus-ds"),
    ]
    assert [c.crd for c in plan.calls] == [False, True, True, True, True, False, False, False, False]
    assert not any("secret" in c.path for c in plan.calls)
    assert plan.capacity == ("cpu", "memory", "nvidia.com/gpu", "nvidia.com/cx7_qsfp")
    targets = {t.name: (t.subject, t.nodes) for t in plan.daemonsets}
    sparks = ("talos-7aj-lwl", "talos-ysi-4k0")
    assert targets == {
        "nvidia-device-plugin": ("component/nvidia-device-plugin", ("talos-76w-3r0", *sparks)),
        "sriov-device-plugin": ("rdma/sriov", sparks),
        "kube-multus-ds": ("component/multus", ("talos-76w-3r0", *sparks)),
    }
    assert plan.calls[7].describe() == "DaemonSet kube-system/sriov-device-plugin"
    assert plan.calls[1].describe() == "HelmReleases in all namespaces"
    assert plan.calls[2].describe() == "OCIRepositories in all namespaces"
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


def test_naming_convention_lives_on_the_model() -> None:
    inv = load_inventory(ROOT / "inventory")
    comp = inv.platform.component
    assert comp("cilium").helmrelease(0) == ("kube-system", "cilium")
    assert comp("hubble").helmrelease(0) == ("kube-system", "cilium")  # flux.name
    assert comp("kgateway").helmrelease(0) == ("kgateway-system", "kgateway-crds")
    assert comp("arc").helmrelease(1) == ("arc-runners", "arc-runners-amd64")  # helm.namespace
    assert comp("arc").installs_into(1) == "arc-runners"
    assert comp("arc").installs_into(0) == "arc-systems"
    assert comp("flux").kustomization_ref() == ("flux-system", "flux-system")
    assert comp("multus").kustomization_ref() == ("flux-system", "multus")
    assert comp("cilium").kustomization_ref() is None


def test_one_class_per_kind_in_one_table() -> None:
    assert [(k.api_version, k.kind) for k in KINDS] == [
        ("v1", "Node"),
        ("helm.toolkit.fluxcd.io/v2", "HelmRelease"),
        ("source.toolkit.fluxcd.io/v1", "OCIRepository"),
        ("kustomize.toolkit.fluxcd.io/v1", "Kustomization"),
        ("k8s.cni.cncf.io/v1", "NetworkAttachmentDefinition"),
        ("v1", "ConfigMap"),
        ("apps/v1", "DaemonSet"),
    ]
    assert len(BY_TYPE) == len(KINDS)
    assert all(k.model.model_fields["kind"] for k in KINDS)


def test_no_oci_source_documented_means_no_ocirepository_read() -> None:
    inv = load_inventory(ROOT / "inventory")
    categories = [
        cat.model_copy(
            update={"components": [c for c in cat.components if all(h.source.kind != "OCIRepository" for h in c.helm)]}
        )
        for cat in inv.platform.categories
    ]
    platform = inv.platform.model_copy(update={"categories": [c for c in categories if c.components]})
    plan = read_plan(inv.model_copy(update={"platform": platform}))
    assert "OCIRepository" not in [c.kind for c in plan.calls]
