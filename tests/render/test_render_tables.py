"""Tables and sentences follow the inventory: change a copy and the rendered figures change."""

from __future__ import annotations

from pathlib import Path

import pytest

from labbook.load.inventory import load_inventory
from labbook.render import capabilities, platform, rdma, tables
from labbook.render.text import num
from tests.render.helpers import example, to_html

HEADERS = ["Node", "Hardware", "CPU", "RAM", "Role", "GPU", "PFLOPS FP4", "Arch"]


def _rows(inv) -> list[list[str]]:
    return to_html(tables.hardware_table(inv)).find("table").rows()


def _totals(inv) -> str:
    return to_html(tables.totals_line(inv)).text()


def test_the_home_table_has_the_five_original_columns_then_the_extras() -> None:
    inv = example()[0]
    rows = _rows(inv)
    assert rows[0][:5] == ["Node", "Hardware", "CPU", "RAM", "Role"]
    assert rows[0] == HEADERS
    assert rows[1] == [
        "talos-76w-3r0",
        "Custom PC",
        "AMD Ryzen 9 9950X3D (16c/32t)",
        "192 GB DDR5",
        "control-plane, workloads, gpu",
        "NVIDIA RTX 5070 Ti",
        "~1.4",
        "amd64",
    ]
    assert [r[0] for r in rows[1:]] == [n.name for n in inv.hardware.nodes], "no totals row: the Totals line says it"


def test_example_totals_are_computed() -> None:
    inv = example()[0]
    assert _totals(inv) == "Totals: 56 cores, 448 GB RAM, ~3.4 PFLOPS FP4 AI compute"
    t = inv.hardware.totals
    assert _totals(inv) == f"Totals: {t.cores} cores, {t.memory_gb} GB RAM, ~{num(t.fp4_pflops)} PFLOPS FP4 AI compute"
    assert to_html(tables.totals_sentence(inv)).text() == (
        "3 nodes, 56 cores / 72 threads, 448 GB of memory, 3 GPUs and ~3.4 PFLOPS FP4."
    )


def test_totals_recomputed_after_a_node_is_added(inventory_copy: Path) -> None:
    hw = inventory_copy / "hardware.yaml"
    text = hw.read_text()
    spark = text[text.index("  - name: talos-ysi-4k0") :]
    hw.write_text(text + "\n" + spark.replace("talos-ysi-4k0", "talos-new-001").replace("gb: 128", "gb: 256"))
    inv = load_inventory(inventory_copy)
    assert _totals(inv) == "Totals: 76 cores, 704 GB RAM, ~4.4 PFLOPS FP4 AI compute"
    rows = _rows(inv)
    assert [r[0] for r in rows[1:]] == ["talos-76w-3r0", "talos-7aj-lwl", "talos-ysi-4k0", "talos-new-001"]
    assert rows[4][3] == "256 GB LPDDR5X, unified"


def test_totals_recomputed_after_a_gpu_is_removed(inventory_copy: Path) -> None:
    hw = inventory_copy / "hardware.yaml"
    text = hw.read_text()
    start = text.index("    gpus:\n      - model: NVIDIA RTX 5070 Ti")
    end = text.index("    nics:", start)
    hw.write_text(text[:start] + text[end:])
    inv = load_inventory(inventory_copy)
    assert _totals(inv) == "Totals: 56 cores, 448 GB RAM, ~2 PFLOPS FP4 AI compute"
    assert _rows(inv)[1][5:7] == ["—", "—"]


def test_design_choices_are_numbered() -> None:
    inv = example()[0]
    doc = to_html(tables.design_choices(inv))
    items = list(doc.find("ol").iter("li"))
    assert [li.find("strong").text() for li in items] == [c.choice for c in inv.site.philosophy]
    assert len(items) == 3
    assert items[0].text() == (
        "Every node is a control-plane node. Three machines, three etcd members, so the cluster keeps its quorum "
        "with any one of them down."
    )


def test_the_home_header_has_the_owner_tagline_and_living_note() -> None:
    doc = to_html(tables.site_header(example()[0]))
    assert doc.find("h1").text().rstrip("¶") == "Michael Willingham"
    assert doc.find("strong").text() == "homelab kubernetes & gpu infrastructure"
    note = doc.find("div", cls="admonition")
    assert note.find("p", cls="admonition-title").text() == "A living document"
    assert "what I am building, what I am learning along the way, and what I do not understand yet" in note.text()


def test_link_sentence_is_generated_from_rdma_yaml(inventory_copy: Path) -> None:
    inv = example()[0]
    sentence = to_html(tables.link_sentences(inv)).text()
    assert sentence == (
        "talos-7aj-lwl (NVIDIA DGX Spark) and talos-ysi-4k0 (NVIDIA DGX Spark) are joined by a 200 Gbps QSFP56 DAC "
        "between their ConnectX-7 NICs: point to point, no switch, RoCE v2, with SR-IOV (4 VFs per node as "
        "nvidia.com/cx7_qsfp). Over it: RDMA between pods across the Sparks working; NCCL over RoCE v2 (NET/IB) "
        "working; GPU-Direct RDMA not working; Per-pod RDMA bandwidth planned."
    )
    marks = {
        m.attrs["data-capability"]: m.attrs["data-status"]
        for m in to_html(tables.link_sentences(inv)).iter("span", cls="lb-cap")
    }
    assert marks == {c.id: c.status for c in inv.rdma.capabilities if c.link == "spark-cx7"}
    rdma_yaml = inventory_copy / "rdma.yaml"
    rdma_yaml.write_text(
        rdma_yaml.read_text()
        .replace("speed_gbps: 200", "speed_gbps: 400")
        .replace("switch: null ", "switch: a Mellanox SN2010")
        .replace("    status: broken\n", "    status: partial\n")
    )
    changed = to_html(tables.link_sentences(load_inventory(inventory_copy))).text()
    assert "400 Gbps QSFP56 DAC" in changed
    assert "through a Mellanox SN2010" in changed and "no switch" not in changed
    assert "GPU-Direct RDMA partial" in changed


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
    status = [li.text() for li in to_html(capabilities.status_list(inv, example()[1])).iter("li")]
    assert status[4].startswith("GPU-Direct RDMA not working: NCCL's channels show no GDRDMA")
    assert "journal: NCCL across the two Sparks" in status[4]
    assert "reference: NVIDIA Developer Forums: DGX Spark GPUDirect RDMA" in status[4]
    assert len(status) == len(inv.rdma.capabilities)


def test_the_training_pod_has_what_the_entries_say_it_needs() -> None:
    snippet = rdma.pod_snippet(example()[0])
    assert "  runtimeClassName: nvidia\n" in snippet
    assert '          add: ["IPC_LOCK"]\n' in snippet
    assert "          nvidia.com/cx7_qsfp: 1\n" in snippet and "          nvidia.com/gpu: 1\n" in snippet
    assert '        - name: NCCL_SOCKET_IFNAME\n          value: "net1"\n' in snippet


def test_each_port_shows_which_of_its_interfaces_carry_vfs() -> None:
    text = to_html(rdma.pcie_paths(example()[0])).text()
    assert text == (
        "talos-7aj-lwl: QSFP 0 shows up as 2 interfaces, enp1s0f0np0 and enP2p1s0f0np0; its 4 VFs exist on "
        "enp1s0f0np0 only, so a pod's VF never uses enP2p1s0f0np0. "
        "talos-ysi-4k0: QSFP 0 shows up as 2 interfaces, enp1s0f0np0 and enP2p1s0f0np0; its 4 VFs exist on "
        "enp1s0f0np0 only, so a pod's VF never uses enP2p1s0f0np0."
    )


def test_unknown_software_stack_category_is_an_error() -> None:
    with pytest.raises(ValueError, match="unknown category 'gpu' \\(expected one of: gitops, networking"):
        rdma.software_stack(example()[0], "gpu")
