"""Diagrams: well-formed SVG generated from the data, node names as <text>, everything escaped."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from labbook.load.inventory import load_inventory
from labbook.render import diagrams
from tests.render.helpers import example, to_html

SVG = "{http://www.w3.org/2000/svg}"
DIAGRAMS = [diagrams.hardware_diagram, diagrams.topology_diagram]
IDS = ["hardware", "topology"]


def svg_of(html: str) -> ET.Element:
    """The <svg> inside the diagram's <div>, parsed as XML (fails on anything not well-formed)."""
    div = ET.fromstring(html)
    assert div.tag == "div" and "lb-diagram" in div.attrib["class"]
    (svg,) = list(div)
    return svg


def texts(svg: ET.Element) -> list[str]:
    return [t.text or "" for t in svg.iter(f"{SVG}text")]


@pytest.mark.parametrize("draw", DIAGRAMS, ids=IDS)
def test_diagram_is_well_formed_accessible_svg(draw) -> None:
    svg = svg_of(draw(example()[0]))
    assert svg.attrib["role"] == "img"
    assert svg.find(f"{SVG}title").text and svg.find(f"{SVG}desc").text
    for el in svg.iter():
        for value in el.attrib.values():
            assert "http" not in value or value == "http://www.w3.org/2000/svg", "no external reference"


def test_hardware_diagram_has_every_node_and_the_link() -> None:
    inv = example()[0]
    svg = svg_of(diagrams.hardware_diagram(inv))
    shown = texts(svg)
    for node in inv.hardware.nodes:
        assert node.name in shown
    assert "200 Gbps" in shown and "QSFP56 DAC" in shown
    assert [t for t in shown if t.endswith("GbE")] == ["5 GbE", "10 GbE", "10 GbE"]
    links = [el for el in svg.iter(f"{SVG}line") if "lb-link" in el.attrib["class"]]
    assert len(links) == len(inv.rdma.links) == 1
    # the two Sparks sit side by side, the link spans the gap between their boxes
    boxes = [el for el in svg.iter(f"{SVG}rect") if "lb-node" in el.attrib["class"]]
    right_of_first_spark = float(boxes[1].attrib["x"]) + float(boxes[1].attrib["width"])
    assert float(links[0].attrib["x1"]) == right_of_first_spark
    assert float(links[0].attrib["x2"]) == float(boxes[2].attrib["x"])


def test_topology_diagram_shows_vfs_per_node_and_the_nad() -> None:
    inv = example()[0]
    svg = svg_of(diagrams.topology_diagram(inv))
    shown = texts(svg)
    for node in inv.hardware.nodes:
        assert node.name in shown
    assert shown.count("VF0") == 2 and shown.count("VF3") == 2 and "VF4" not in shown
    assert shown.count("nvidia.com/cx7_qsfp × 4") == 2
    assert shown.count("pods: cx7-rdma (sriov)") == 2
    assert "no RDMA link" in shown  # the Ryzen box has a GPU but no ConnectX-7
    assert shown.count("GPU-Direct RDMA") == 2


@pytest.mark.parametrize("status", ["working", "partial", "planned", "broken"])
def test_the_gpu_direct_path_is_drawn_with_its_status(inventory_copy: Path, status: str) -> None:
    rdma_yaml = inventory_copy / "rdma.yaml"
    text = rdma_yaml.read_text()
    rdma_yaml.write_text(
        text.replace(
            "    kind: gpudirect\n    link: spark-cx7\n    status: broken\n",
            f"    kind: gpudirect\n    link: spark-cx7\n    status: {status}\n",
        )
    )
    svg = svg_of(diagrams.topology_diagram(load_inventory(inventory_copy)))
    marked = [t for t in svg.iter(f"{SVG}text") if t.attrib.get("data-capability") == "gpudirect"]
    assert len(marked) == 2 and {t.attrib["data-status"] for t in marked} == {status}
    words = {"working": "working", "partial": "partial", "planned": "planned", "broken": "not working"}[status]
    assert texts(svg).count(words) == 2, "the status is drawn under the name, never cut"
    paths = [el for el in svg.iter(f"{SVG}line") if "lb-gdr" in el.attrib["class"]]
    assert len(paths) == 2
    assert all(("stroke-dasharray" in el.attrib) is (status != "working") for el in paths), (
        "only a working path is solid"
    )
    assert f"GPU-Direct RDMA: {words}" in svg.find(f"{SVG}desc").text


def test_diagrams_follow_the_inventory(inventory_copy: Path) -> None:
    rdma_yaml = inventory_copy / "rdma.yaml"
    rdma_yaml.write_text(
        rdma_yaml.read_text().replace("vfs: 4", "vfs: 2").replace("speed_gbps: 200", "speed_gbps: 400")
    )
    inv = load_inventory(inventory_copy)
    topology = texts(svg_of(diagrams.topology_diagram(inv)))
    assert "VF1" in topology and "VF2" not in topology
    assert "400 Gbps" in texts(svg_of(diagrams.hardware_diagram(inv)))


def test_diagram_text_is_escaped(inventory_copy: Path) -> None:
    hw = inventory_copy / "hardware.yaml"
    hw.write_text(hw.read_text().replace("kind: Custom PC", 'kind: "<i>a&b\\"</i>"', 1))
    html = diagrams.hardware_diagram(load_inventory(inventory_copy))
    assert "<i>" not in html
    assert "&lt;i&gt;a&amp;b&quot;&lt;/i&gt; · amd64" in html
    assert '<i>a&b"</i> · amd64' in texts(svg_of(html))
    # through Python-Markdown, the diagram is one raw block: nothing is re-interpreted
    doc = to_html(f"before\n\n{html}\nafter\n")
    assert not list(doc.iter("i"))
    assert len(list(doc.iter("svg"))) == 1


def test_long_names_are_cut_to_fit_their_box(inventory_copy: Path) -> None:
    hw = inventory_copy / "hardware.yaml"
    hw.write_text(hw.read_text().replace("kind: Custom PC", "kind: " + "Very long hardware kind " * 10, 1))
    shown = texts(svg_of(diagrams.hardware_diagram(load_inventory(inventory_copy))))
    cut = [t for t in shown if t.startswith("Very long")]
    assert len(cut) == 1 and cut[0].endswith("…") and len(cut[0]) < 40
