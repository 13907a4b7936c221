"""Tables and sentences follow the inventory: change a copy and the rendered figures change."""

from __future__ import annotations

from pathlib import Path

import pytest

from labbook.load.inventory import load_inventory
from labbook.render import platform, rdma, tables
from tests.render.helpers import example, to_html


def _total_row(inv) -> list[str]:
    return to_html(tables.hardware_table(inv)).find("table").rows()[-1]


def test_example_totals_are_computed() -> None:
    assert _total_row(example()[0]) == [
        "Total",
        "3 nodes",
        "56 cores / 72 threads",
        "448 GB",
        "3 GPUs",
        "~3.4",
        "amd64 + arm64",
    ]
    assert to_html(tables.totals_sentence(example()[0])).text() == (
        "3 nodes, 56 cores / 72 threads, 448 GB of memory, 3 GPUs and ~3.4 PFLOPS FP4."
    )


def test_totals_recomputed_after_a_node_is_added(inventory_copy: Path) -> None:
    hw = inventory_copy / "hardware.yaml"
    text = hw.read_text()
    spark = text[text.index("  - name: talos-ysi-4k0") :]
    hw.write_text(text + "\n" + spark.replace("talos-ysi-4k0", "talos-new-001").replace("gb: 128", "gb: 256"))
    inv = load_inventory(inventory_copy)
    assert _total_row(inv) == ["Total", "4 nodes", "76 cores / 92 threads", "704 GB", "4 GPUs", "~4.4", "amd64 + arm64"]
    rows = to_html(tables.hardware_table(inv)).find("table").rows()
    assert [r[0] for r in rows[1:-1]] == ["talos-76w-3r0", "talos-7aj-lwl", "talos-ysi-4k0", "talos-new-001"]
    assert rows[4][3] == "256 GB LPDDR5X, unified"


def test_totals_recomputed_after_a_gpu_is_removed(inventory_copy: Path) -> None:
    hw = inventory_copy / "hardware.yaml"
    text = hw.read_text()
    start = text.index("    gpus:\n      - model: NVIDIA RTX 5070 Ti")
    end = text.index("    nics:", start)
    hw.write_text(text[:start] + text[end:])
    inv = load_inventory(inventory_copy)
    assert _total_row(inv)[4:6] == ["2 GPUs", "~2"]
    assert to_html(tables.hardware_table(inv)).find("table").rows()[1][4:6] == ["—", "—"]


def test_link_sentence_is_generated_from_rdma_yaml(inventory_copy: Path) -> None:
    inv = example()[0]
    sentence = to_html(tables.link_sentences(inv)).text()
    assert sentence == (
        "talos-7aj-lwl (NVIDIA DGX Spark) and talos-ysi-4k0 (NVIDIA DGX Spark) are joined by a 200 Gbps QSFP56 DAC "
        "between their ConnectX-7 NICs: point to point, no switch, RoCE v2, with SR-IOV (4 VFs per node as "
        "nvidia.com/cx7_qsfp) and GPU-Direct RDMA for multi-node NCCL training."
    )
    rdma_yaml = inventory_copy / "rdma.yaml"
    rdma_yaml.write_text(
        rdma_yaml.read_text()
        .replace("speed_gbps: 200", "speed_gbps: 400")
        .replace("switch: null ", "switch: a Mellanox SN2010")
        .replace("gpudirect: true", "gpudirect: false")
    )
    changed = to_html(tables.link_sentences(load_inventory(inventory_copy))).text()
    assert "400 Gbps QSFP56 DAC" in changed
    assert "through a Mellanox SN2010" in changed and "no switch" not in changed
    assert "GPU-Direct" not in changed


def test_whats_running_lists_every_category_and_component_in_order() -> None:
    inv = example()[0]
    doc = to_html(tables.whats_running(inv))
    items = list(doc.iter("li"))
    assert [li.find("strong").text() for li in items] == [c.name for c in inv.platform.categories]
    networking = items[1]
    assert [a.text() for a in networking.iter("a")][1:] == [
        "Cilium (kube-proxy replacement, native routing)",
        "MetalLB (L2 mode)",
        "kgateway (Gateway API, Envoy)",
        "Tailscale (subnet routing via a Connector)",
    ]
    assert networking.find("a", href="platform.md#cilium")
    messaging = [a.text() for a in items[5].iter("a")]
    assert "Kafka (Strimzi, KRaft mode)" in messaging


def test_catalogue_follows_the_naming_convention() -> None:
    inv = example()[0]
    doc = to_html(platform.catalogue(inv))
    assert {h.attrs["id"] for h in doc.iter("h3")} == {c.id for c in inv.platform.components}
    arc = inv.platform.component("arc")
    deployed = to_html(platform.deployed_cell(arc)).text()
    assert deployed == (
        "HelmRelease arc-systems/arc-controller from OCIRepository arc-systems/gha-runner-scale-set-controller "
        "HelmRelease arc-runners/arc-runners-amd64 from OCIRepository arc-runners/gha-runner-scale-set "
        "(amd64 only) "
        "HelmRelease arc-runners/arc-runners-arm64 from OCIRepository arc-runners/gha-runner-scale-set (arm64 only)"
    )
    cilium = to_html(platform.deployed_cell(inv.platform.component("cilium"))).text()
    assert cilium == "HelmRelease kube-system/cilium from HelmRepository flux-system/cilium"
    flux = to_html(platform.deployed_cell(inv.platform.component("flux"))).text()
    assert flux == "Flux Kustomization flux-system/flux-system, path ./clusters/homelab"
    multus = to_html(platform.deployed_cell(inv.platform.component("multus"))).text()
    assert multus == "Flux Kustomization flux-system/multus, path ./infrastructure/network/multus"


def test_helmrelease_installing_elsewhere_says_so(inventory_copy: Path) -> None:
    pf = inventory_copy / "platform.yaml"
    pf.write_text(
        pf.read_text().replace(
            "            version: 1.90.8\n",
            "            version: 1.90.8\n            namespace: tailnet\n            flux: {name: ts, namespace: flux-system}\n",
        )
    )
    inv = load_inventory(inventory_copy)
    text = to_html(platform.deployed_cell(inv.platform.component("tailscale"))).text()
    assert text == ("HelmRelease flux-system/ts from HelmRepository flux-system/tailscale, installs into tailnet")


def test_gpu_tables_come_from_rdma_yaml() -> None:
    inv = example()[0]
    vfs = list(to_html(rdma.sriov(inv)).iter("table"))[1].rows()
    assert vfs == [
        ["Node", "PF interfaces", "VFs", "Advertised as"],
        ["talos-7aj-lwl", "enp1s0f0np0", "4", "nvidia.com/cx7_qsfp"],
        ["talos-ysi-4k0", "enp1s0f0np0", "4", "nvidia.com/cx7_qsfp"],
        ["Total", "", "8", ""],
    ]
    nccl = to_html(rdma.nccl_table(inv)).find("table").rows()
    assert [r[:2] for r in nccl[1:]] == [[v.name, v.value] for v in inv.rdma.nccl]
    nads = to_html(rdma.networks(inv)).find("table").rows()
    assert nads[1][:5] == ["cx7-rdma", "ai", "nvidia.com/cx7_qsfp", "sriov", "whereabouts 10.200.0.0/24"]
    status = [li.text() for li in to_html(rdma.status_list(inv)).iter("li")]
    assert status[3].startswith("partial NCCL all-reduce across the Sparks over NET/IB.")
    assert len(status) == len(inv.rdma.status)


def test_unknown_software_stack_category_is_an_error() -> None:
    with pytest.raises(ValueError, match="unknown category 'gpu' \\(expected one of: gitops, networking"):
        rdma.software_stack(example()[0], "gpu")
