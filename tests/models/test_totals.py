"""Totals are computed from the nodes: change a node and they follow."""

from __future__ import annotations

from pathlib import Path

from labbook.load.inventory import load_inventory
from tests.conftest import ROOT


def test_example_totals() -> None:
    totals = load_inventory(ROOT / "inventory").hardware.totals
    assert (totals.nodes, totals.cores, totals.threads, totals.memory_gb, totals.gpus) == (3, 56, 72, 448, 3)
    assert totals.fp4_pflops == 3.4


def test_totals_follow_the_inventory(inventory_copy: Path) -> None:
    hw = inventory_copy / "hardware.yaml"
    text = hw.read_text()
    spark = text[text.index("  - name: talos-ysi-4k0") :]
    hw.write_text(text + "\n" + spark.replace("talos-ysi-4k0", "talos-new-001").replace("gb: 128", "gb: 256"))
    totals = load_inventory(inventory_copy).hardware.totals
    assert (totals.nodes, totals.cores, totals.threads, totals.memory_gb, totals.gpus) == (4, 76, 92, 704, 4)
    assert totals.fp4_pflops == 4.4


def test_gpu_count_multiplies(inventory_copy: Path) -> None:
    hw = inventory_copy / "hardware.yaml"
    hw.write_text(
        hw.read_text().replace("        count: 1\n        fp4_pflops: 1.4", "        count: 2\n        fp4_pflops: 1.4")
    )
    totals = load_inventory(inventory_copy).hardware.totals
    assert totals.gpus == 4
    assert totals.fp4_pflops == 4.8
