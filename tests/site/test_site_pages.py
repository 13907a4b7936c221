"""The example site, built with ``mkdocs build --strict``: what each page says, checked in its HTML."""

from __future__ import annotations

import pytest

from labbook.render.text import num
from tests.render.helpers import example
from tests.site.conftest import SEARCH_INDEX, Build
from tests.site.html import Element

pytestmark = pytest.mark.site


def heading_texts(doc: Element, tag: str) -> list[str]:
    return [h.text().replace("¶", "").strip() for h in doc.iter(tag)]


def section(doc: Element, heading: str) -> list[Element]:
    """The elements after the ``<h2>`` called ``heading``, up to the next ``<h2>``."""
    out: list[Element] = []
    inside = False
    for child in doc.children:
        if not isinstance(child, Element):
            continue
        if child.tag == "h2":
            if inside:
                break
            inside = child.text().replace("¶", "").strip() == heading
            continue
        if inside:
            out.append(child)
    assert out, f"no section {heading!r}"
    return out


def test_home_reproduces_the_original_page(example_site: Build) -> None:
    inv, _ = example()
    doc = example_site.content("")
    assert heading_texts(doc, "h1") == ["Michael Willingham"] == [inv.site.owner]
    assert doc.find("p").text() == "homelab kubernetes & gpu infrastructure" == inv.site.tagline
    living = doc.find("div", cls="admonition")
    assert living.find("p", cls="admonition-title").text() == "A living document"
    assert "what I am building, what I am learning along the way, and what I do not understand yet" in living.text()
    assert heading_texts(doc, "h2") == [
        "Hardware",
        "Design philosophy",
        "What's running",
        "What I'm learning",
        "Recent",
    ]
    hardware = section(doc, "Hardware")
    rows = hardware[0].find("table").rows()
    assert rows[0][:5] == ["Node", "Hardware", "CPU", "RAM", "Role"], "the five original columns, first"
    assert rows[0][5:] == ["GPU", "PFLOPS FP4", "Arch"]
    assert [r[0] for r in rows[1:]] == [n.name for n in inv.hardware.nodes]
    assert [r[4] for r in rows[1:]] == [", ".join(n.roles) for n in inv.hardware.nodes]
    t = inv.hardware.totals
    totals = hardware[1].text()
    assert totals == "Totals: 56 cores, 448 GB RAM, ~3.4 PFLOPS FP4 AI compute"
    assert totals == f"Totals: {t.cores} cores, {t.memory_gb} GB RAM, ~{num(t.fp4_pflops)} PFLOPS FP4 AI compute"
    link = " ".join(el.text() for el in hardware[2:])
    assert "joined by a 200 Gbps QSFP56 DAC between their ConnectX-7 NICs: point to point, no switch, RoCE v2" in link
    choices = list(section(doc, "Design philosophy")[0].iter("li"))
    assert section(doc, "Design philosophy")[0].tag == "ol"
    assert [li.find("strong").text() for li in choices] == [c.choice for c in inv.site.philosophy]
    running = [li.text() for li in section(doc, "What's running")[1].iter("li")]
    assert [r.split(":")[0] for r in running] == [c.name for c in inv.platform.categories]
    for cat, line in zip(inv.platform.categories, running, strict=True):
        for comp in cat.components:
            assert comp.name.split(" (")[0] in line
    assert [li.text() for li in section(doc, "What I'm learning")[0].iter("li")] == inv.site.learning


def test_no_page_types_a_total(example_site: Build) -> None:
    """The Totals figures exist only as computed output: no page source and no inventory file types them."""
    from tests.conftest import ROOT

    sources = [*(ROOT / "docs").rglob("*.md"), *(ROOT / "inventory").glob("*.yaml")]
    assert sources
    for path in sources:
        text = path.read_text(encoding="utf-8")
        assert "448 GB" not in text and "56 cores" not in text and "3.4 PFLOPS" not in text, path


def test_home_recent_lists_published_entries_newest_first(example_site: Build) -> None:
    inv, journal = example()
    doc = example_site.content("")
    recent = list(section(doc, "Recent")[0].iter("li"))
    published = journal.published()[: inv.site.recent]
    assert [li.find("a").text() for li in recent] == [e.title for e in published]
    assert [li.text()[:10] for li in recent] == [e.date.isoformat() for e in published]
    assert all(
        e.front.summary and " ".join(e.front.summary.split()) in li.text()
        for e, li in zip(published, recent, strict=True)
    )
    drafts = [e.title for e in journal.entries if e.front.draft]
    assert drafts and not any(d in doc.text() for d in drafts)
    for li in recent:  # each links to the built entry page
        href = li.find("a").attrs["href"]
        assert href.startswith("journal/20") and example_site.file(href).is_file()


def test_home_says_never_checked_without_reports(example_site: Build) -> None:
    doc = example_site.content("")
    line = doc.find("span", cls="lb-badge").text()
    assert line == "never checked"
    assert "in sync" not in doc.text()


def test_hardware_page_has_every_node_and_a_generated_diagram(example_site: Build) -> None:
    inv, _ = example()
    doc = example_site.content("infrastructure/hardware/")
    assert [h.attrs["id"] for h in doc.iter("h2")] == [n.name for n in inv.hardware.nodes]
    svg = doc.find("div", cls="lb-hardware").find("svg")
    texts = [t.text() for t in svg.iter("text")]
    assert all(n.name in texts for n in inv.hardware.nodes)
    t = inv.hardware.totals
    assert f"{t.cores} cores / {t.threads} threads, {t.memory_gb} GB of memory" in doc.text()
    spark = doc.find("h2", id="talos-7aj-lwl")
    facts = doc.children[doc.children.index(spark) + 2].find("table").rows()
    assert ["Architecture", "arm64"] in facts and ["Memory", "128 GB LPDDR5X, unified"] in facts
    assert ["RDMA port", "ConnectX-7 QSFP 0 (enp1s0f0np0 + enP2p1s0f0np0)"] in facts
    assert f"~{num(inv.hardware.node('talos-7aj-lwl').fp4_pflops)} PFLOPS FP4" in " ".join(r[1] for r in facts)


def test_gpu_page_has_the_stacks_tables_and_topology(example_site: Build) -> None:
    inv, _ = example()
    doc = example_site.content("infrastructure/gpu-ai/")
    assert heading_texts(doc, "h2") == [
        "Hardware stack",
        "Topology",
        "Software stack",
        "SR-IOV",
        "Multus networks",
        "NCCL environment",
        "What works, and what doesn't yet",
    ]
    svg = doc.find("div", cls="lb-topology").find("svg")
    texts = [t.text() for t in svg.iter("text")]
    assert {"talos-7aj-lwl", "talos-ysi-4k0", "200 Gbps"} <= set(texts)
    software = section(doc, "Software stack")[1].find("table").rows()
    assert [r[0] for r in software[1:]] == ["NVIDIA device plugin", "SR-IOV device plugin", "Multus CNI"]
    vfs = list(section(doc, "SR-IOV")[-1].iter("table"))[-1].rows()
    assert vfs[1:] == [
        ["talos-7aj-lwl", "enp1s0f0np0", "4", "nvidia.com/cx7_qsfp"],
        ["talos-ysi-4k0", "enp1s0f0np0", "4", "nvidia.com/cx7_qsfp"],
        ["Total", "", "8", ""],
    ]
    assert "Why not the SR-IOV Network Operator?" in doc.text()
    nads = section(doc, "Multus networks")[1].find("table").rows()
    assert nads[1][0] == "cx7-rdma"
    nccl = section(doc, "NCCL environment")[0].find("table").rows()
    assert [r[:2] for r in nccl[1:]] == [[v.name, v.value] for v in inv.rdma.nccl]
    snippet = next(pre.text() for pre in doc.iter("pre") if "k8s.v1.cni.cncf.io/networks" in pre.text())
    assert 'k8s.v1.cni.cncf.io/networks: "ai/cx7-rdma"' in snippet and "nvidia.com/cx7_qsfp: 1" in snippet
    assert "runtimeClassName: nvidia" in snippet and 'add: ["IPC_LOCK"]' in snippet
    items = list(section(doc, "What works, and what doesn't yet")[0].iter("li"))
    assert [li.find("span", cls="lb-cap").attrs["data-status"] for li in items] == [
        c.status for c in inv.rdma.capabilities
    ]


def test_platform_page_catalogues_every_component(example_site: Build) -> None:
    inv, journal = example()
    doc = example_site.content("platform/")
    assert [h.attrs["id"] for h in doc.iter("h2")] == [f"category-{c.id}" for c in inv.platform.categories]
    assert [h.attrs["id"] for h in doc.iter("h3")] == [c.id for c in inv.platform.components]
    text = doc.text()
    for comp in inv.platform.components:
        for helm in comp.helm:
            assert f"{helm.chart} {helm.version}" in text
        if comp.kustomization:
            assert comp.kustomization.path in text
        assert doc.find("a", href=str(comp.url))
    sriov = doc.find("h3", id="sriov-device-plugin")
    after = doc.children[doc.children.index(sriov) :]
    related = next(el for el in after if isinstance(el, Element) and el.tag == "ul")
    assert [a.text() for a in related.iter("a")] == [e.title for e in journal.related_to("sriov-device-plugin")]


def test_status_page_without_reports(example_site: Build) -> None:
    doc = example_site.content("status/")
    assert [p.text() for p in doc.iter("p", cls="admonition-title")] == ["Never checked"] * 3
    assert "reports/flux.json" in doc.text()


def test_theme_is_material_with_palette_toggle_search_and_code_copy(example_site: Build) -> None:
    page = example_site.page("infrastructure/gpu-ai/")
    toggles = list(page.iter("input", cls="md-option"))
    assert [t.attrs["data-md-color-scheme"] for t in toggles] == ["default", "slate"]
    assert page.find("div", cls="md-search", data_md_component="search")  # Zensical's opens as a dialog
    assert (example_site.site / SEARCH_INDEX[example_site.builder]).is_file()
    config = page.find("script", id="__config").text()
    assert "content.code.copy" in config and "navigation.prune" in config
    assert not list(page.iter("link", href="https://fonts.gstatic.com"))
