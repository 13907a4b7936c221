"""drift/docs: prose figures against the inventory, with the per-node/total rule both ways."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from labbook.drift.docs import compare_docs, name_shapes
from labbook.load.inventory import load_inventory
from labbook.models.inventory import Inventory
from labbook.models.observed import DocsObserved
from labbook.sources.prose import scan
from tests.conftest import ROOT

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)

SEED = """\
# Homelab

A three-node Talos Kubernetes cluster: 56 cores, 448 GB of RAM and ~3.4 PFLOPS FP4 in total,
with 3 GPUs and 72 threads.

talos-76w-3r0 is a custom PC with an AMD Ryzen 9 9950X3D (16c/32t) and 192 GB DDR5.
talos-7aj-lwl and talos-ysi-4k0 are DGX Sparks: 20 cores, 128 GB unified memory and
about 1 PFLOPS FP4 each.

The two Sparks are joined by a 200 Gbps QSFP56 DAC between their ConnectX-7 NICs.
"""

FOURTH_SPARK = """
  - name: talos-new-1ab
    kind: NVIDIA DGX Spark
    cpu: {model: NVIDIA GB10, cores: 20, threads: 20}
    arch: arm64
    memory: {gb: 128, type: LPDDR5X, unified: true}
    roles: [control-plane, gpu]
    gpus: [{model: NVIDIA GB10 Blackwell GPU, count: 1, fp4_pflops: 1.0}]
"""


def _observed(text: str, inventory: Inventory, file: str = "docs/index.md") -> DocsObserved:
    return DocsObserved(target="docs", figures=scan(text, file, name_shapes(inventory)))


def _edit(inventory_dir: Path, section: str, old: str, new: str, count: int = 1) -> None:
    path = inventory_dir / f"{section}.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.count(old) >= count, f"fixture edit {old!r} no longer applies to inventory/{section}.yaml"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def _found(report) -> list[tuple[int, str, object, object]]:
    return [(f.where.line, f.field, f.documented, f.observed) for f in report.findings]


@pytest.fixture
def example() -> Inventory:
    return load_inventory(ROOT / "inventory")


def test_the_seed_page_is_in_sync_with_the_example_inventory(example: Inventory) -> None:
    observed = _observed(SEED, example)
    kinds = {f.kind for f in observed.figures}
    assert kinds == {"cores", "threads", "memory_gb", "fp4_pflops", "nodes", "gpus", "link_gbps", "node_name"}
    report = compare_docs(example, observed, NOW)
    assert report.findings == [], [f.message for f in report.findings]
    assert report.in_sync
    assert report.source == "docs"
    assert report.subjects == ["docs/index.md"]
    assert report.generated_at == NOW


def test_adding_a_node_makes_the_totals_stale_but_not_the_per_node_figures(inventory_copy: Path) -> None:
    path = inventory_copy / "hardware.yaml"
    path.write_text(path.read_text(encoding="utf-8") + FOURTH_SPARK, encoding="utf-8")
    inventory = load_inventory(inventory_copy)
    report = compare_docs(inventory, _observed(SEED, inventory), NOW)
    assert _found(report) == [
        (3, "nodes", 3, 4),
        (3, "cores", 56, 76),
        (3, "memory_gb", 448, 576),
        (3, "fp4_pflops", 3.4, 4.4),
        (4, "gpus", 3, 4),
        (4, "threads", 72, 92),
    ]
    cores = report.findings[1]
    assert cores.code == "mismatch"
    assert cores.subject == "docs/index.md"
    assert str(cores.where) == "docs/index.md:3:40"
    assert cores.source is not None and cores.source.file.endswith("hardware.yaml")
    assert cores.message == (
        "The page says 56 cores, but the inventory's nodes add up to 76 (expected 76, or render it with a macro)"
    )


def test_a_per_node_figure_is_not_a_wrong_total(example: Inventory) -> None:
    text = "The Ryzen has 16 cores and 192 GB DDR5. A Spark brings 20 cores.\n"
    assert compare_docs(example, _observed(text, example), NOW).findings == []


def test_a_per_node_value_worded_as_a_total_is_flagged(example: Inventory) -> None:
    text = "The cluster has 16 cores in total.\n"
    report = compare_docs(example, _observed(text, example), NOW)
    assert _found(report) == [(1, "cores", 16, 56)]
    assert report.findings[0].message.startswith("The page says 16 cores, but the inventory's nodes add up to 56")


def test_an_unqualified_figure_that_is_no_node_value_reads_as_a_total(example: Inventory) -> None:
    report = compare_docs(example, _observed("Plenty of room: 40 cores.\n", example), NOW)
    assert _found(report) == [(1, "cores", 40, 56)]
    assert "that is no single node's figure, so it reads as the cluster total" in report.findings[0].message


def test_a_figure_worded_per_node_must_match_some_node(inventory_copy: Path) -> None:
    _edit(inventory_copy, "hardware", "      cores: 20\n      threads: 20\n", "      cores: 24\n      threads: 24\n", 2)
    inventory = load_inventory(inventory_copy)
    text = "Each Spark has 20 cores.\n\nThe Ryzen has 16 cores each way.\n"
    report = compare_docs(inventory, _observed(text, inventory), NOW)
    assert _found(report) == [(1, "cores", 20, [16, 24])]
    assert report.findings[0].message == (
        "The page says 20 cores for a node, but no node in the inventory has that (expected one of 16, 24)"
    )


def test_a_node_that_no_longer_exists(inventory_copy: Path) -> None:
    for path in inventory_copy.glob("*.yaml"):
        path.write_text(path.read_text(encoding="utf-8").replace("talos-ysi-4k0", "talos-q2w-9zz"), encoding="utf-8")
    inventory = load_inventory(inventory_copy)
    report = compare_docs(inventory, _observed(SEED, inventory), NOW)
    assert _found(report) == [(7, "node_name", "talos-ysi-4k0", ["talos-76w-3r0", "talos-7aj-lwl", "talos-q2w-9zz"])]
    assert report.findings[0].message == (
        "The page names node talos-ysi-4k0, which is not in the inventory "
        "(expected one of talos-76w-3r0, talos-7aj-lwl, talos-q2w-9zz)"
    )


def test_names_of_other_inventory_objects_are_not_stale_nodes(example: Inventory) -> None:
    # a node-shaped word that is some other inventory id is left alone; an unknown one is not
    text = "Pods ask for cx7-rdma; talos-abc-def is gone.\n"
    report = compare_docs(example, _observed(text, example), NOW)
    assert _found(report) == [(1, "node_name", "talos-abc-def", ["talos-76w-3r0", "talos-7aj-lwl", "talos-ysi-4k0"])]


def test_a_faster_link(inventory_copy: Path) -> None:
    _edit(inventory_copy, "rdma", "    speed_gbps: 200\n", "    speed_gbps: 400\n")
    inventory = load_inventory(inventory_copy)
    report = compare_docs(inventory, _observed(SEED, inventory), NOW)
    assert _found(report) == [(10, "link_gbps", 200, 400)]
    finding = report.findings[0]
    assert finding.source is not None and finding.source.file.endswith("rdma.yaml")
    speed_line = (inventory_copy / "rdma.yaml").read_text(encoding="utf-8").splitlines().index("    speed_gbps: 400")
    assert finding.source.line == speed_line + 1
    assert finding.message == (
        "The page says 200 Gbps, but the inventory's link spark-cx7 runs at 400 Gbps (expected 400, or render it with a macro)"
    )


def test_a_nic_speed_in_a_link_sentence_is_fine_unless_it_claims_to_be_the_link(example: Inventory) -> None:
    ok = "Each Spark has a 10GbE port, and a ConnectX-7 for RDMA.\n"
    assert compare_docs(example, _observed(ok, example), NOW).findings == []
    wrong = "The RDMA link runs at 10 Gbps.\n"
    assert _found(compare_docs(example, _observed(wrong, example), NOW)) == [(1, "link_gbps", 10, 200)]


def test_a_link_speed_with_no_link_in_the_inventory(inventory_copy: Path) -> None:
    rdma = inventory_copy / "rdma.yaml"
    text = rdma.read_text(encoding="utf-8")
    start, end = text.index("links:\n"), text.index("sriov:\n")
    text = (text[:start] + "links: []\n\n" + text[end:]).replace("    link: spark-cx7\n", "")
    rdma.write_text(text, encoding="utf-8")
    inventory = load_inventory(inventory_copy)
    report = compare_docs(inventory, _observed("A 200 Gbps DAC.\n", inventory), NOW)
    assert _found(report) == [(1, "link_gbps", 200, None)]


@pytest.mark.parametrize(
    "text,stale",
    [
        ("~3 PFLOPS FP4 in total.", False),
        ("3.4 PFLOPS FP4 in total.", False),
        ("3.40 PFLOPS FP4 in total.", False),
        ("3.5 PFLOPS FP4 in total.", True),
        ("4 PFLOPS FP4 in total.", True),
        ("1.4 PFLOPS FP4 on the RTX.", False),
    ],
    ids=["rounded-to-units", "one-decimal", "two-decimals", "wrong-decimal", "wrong-units", "per-node"],
)
def test_pflops_are_compared_at_the_precision_written(example: Inventory, text: str, stale: bool) -> None:
    assert bool(compare_docs(example, _observed(text, example), NOW).findings) is stale


def test_subjects_are_pages_relative_to_the_docs_folder_and_findings_are_in_page_order(example: Inventory) -> None:
    figures = scan("## A\n\n99 cores\n\n98 cores\n", "site/docs/b/page.md") + scan("4 GPUs\n", "site/docs/a.md")
    pages = ["site/docs/a.md", "site/docs/b/page.md", "site/docs/macros-only.md"]
    observed = DocsObserved(target="site/docs", pages=pages, figures=figures)
    report = compare_docs(example, observed, NOW)
    assert report.subjects == ["docs/a.md", "docs/b/page.md", "docs/macros-only.md"]
    assert [(f.subject, str(f.where)) for f in report.findings] == [
        ("docs/a.md", "site/docs/a.md:1:1"),
        ("docs/b/page.md", "site/docs/b/page.md:3:1"),
        ("docs/b/page.md", "site/docs/b/page.md:5:1"),
    ]


def test_name_shapes_follow_the_inventory(inventory_copy: Path) -> None:
    _edit(inventory_copy, "hardware", "talos-76w-3r0", "ryzen-01")
    inventory = load_inventory(inventory_copy)
    assert name_shapes(inventory) == ["ryzen-[a-z0-9]{2}", "talos-[a-z0-9]{3}-[a-z0-9]{3}"]
    report = compare_docs(inventory, _observed("ryzen-01 and ryzen-02.\n", inventory), NOW)
    assert _found(report) == [(1, "node_name", "ryzen-02", ["ryzen-01", "talos-7aj-lwl", "talos-ysi-4k0"])]


def test_an_inventory_without_nodes_yet(inventory_copy: Path) -> None:
    """`labbook init` leaves hardware.yaml without nodes: every figure is then unsupported, nothing crashes."""
    (inventory_copy / "hardware.yaml").write_text("memory_tolerance_percent: 8\n", encoding="utf-8")
    rdma = inventory_copy / "rdma.yaml"
    rdma.write_text("links: []\n", encoding="utf-8")
    platform = inventory_copy / "platform.yaml"
    platform.write_text(
        re.sub(r"\n\s+runs_on:.*(\n\s{10,}.*)*", "", platform.read_text(encoding="utf-8")), encoding="utf-8"
    )
    inventory = load_inventory(inventory_copy)
    assert inventory.hardware.nodes == []
    report = compare_docs(inventory, _observed("A three-node cluster with 56 cores, talos-7aj-lwl.\n", inventory), NOW)
    assert _found(report) == [(1, "nodes", 3, 0), (1, "cores", 56, 0), (1, "node_name", "talos-7aj-lwl", [])]
