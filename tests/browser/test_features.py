"""Specific behaviour in Chromium: search, diagrams, the palette toggle, verbatim templates, RSS, screenshots."""

from __future__ import annotations

import re
import urllib.request
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from labbook.load.inventory import load_inventory
from labbook.load.journal import load_journal, split_front_matter
from tests.browser.conftest import DESKTOP, MOBILE, SCREENSHOTS, Site, Visit, open_context, watch
from tests.browser.png import luminance_stddev
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def inventory():
    return load_inventory(ROOT / "inventory")


def test_search_finds_a_component_by_name(desktop, site: Site, inventory) -> None:
    """Typing a component's name finds it; nonsense finds nothing. Each theme's own search box (see SOURCES.md)."""
    page, visit = desktop
    name = inventory.platform.component("longhorn").name
    page.goto(site.url("/"), wait_until="networkidle")
    if site.builder == "zensical":  # a button opens a dialog (in a shadow root, which playwright's locators enter)
        page.locator("button.md-search__button").click()
        query = page.get_by_role("combobox", name="Search")
        result = page.get_by_role("option").filter(has_text=name).first
        meta, found, nothing = page.locator("dialog [role=status]"), r"\d+ results?", "No results"
    else:  # on a desktop Material's search field sits in the header
        query = page.locator("input.md-search__input")
        query.click()
        result = page.locator(".md-search-result__item").filter(has_text=name).first
        meta, found, nothing = (
            page.locator(".md-search-result__meta"),
            r"\d+ matching document",
            "No matching documents",
        )
    query.press_sequentially(name, delay=50)  # both search on key events, as a person types
    result.wait_for(state="visible", timeout=15_000)
    assert name in result.inner_text()
    assert re.search(found, meta.inner_text()), meta.inner_text()
    query.fill("")
    query.press_sequentially("zzqqxx", delay=50)
    meta.filter(has_text=nothing).wait_for(timeout=15_000)
    assert visit.console_errors == [] and visit.foreign_requests == []


@pytest.mark.parametrize(
    "path,which",
    [("/infrastructure/hardware/", "all"), ("/infrastructure/gpu-ai/", "link")],
    ids=["hardware", "gpu-ai"],
)
def test_topology_diagrams_render_as_svg_with_the_node_names(desktop, site: Site, inventory, path: str, which: str):
    page, _ = desktop
    page.goto(site.url(path), wait_until="networkidle")
    names = (
        [n.name for n in inventory.hardware.nodes]
        if which == "all"
        else [e.node for link in inventory.rdma.links for e in link.endpoints]
    )
    diagrams = page.locator("article svg[role=img]")
    assert diagrams.count() >= 1, f"no diagram on {path}"
    rendered = []
    for i in range(diagrams.count()):
        svg = diagrams.nth(i)
        box = svg.bounding_box()
        texts = svg.locator("text").all_text_contents()
        rendered.append((box, texts))
    drawn = [texts for box, texts in rendered if box and box["width"] > 100 and box["height"] > 50]
    assert drawn, f"no diagram on {path} is drawn at a visible size: {rendered}"
    assert any(all(any(n in t for t in texts) for n in names) for texts in drawn), (names, drawn)


def test_the_dark_light_toggle_switches_the_palette(desktop, site: Site) -> None:
    page, visit = desktop
    page.goto(site.url("/"), wait_until="networkidle")
    scheme = "() => document.body.getAttribute('data-md-color-scheme')"
    first = page.evaluate(scheme)
    page.locator("form[data-md-component=palette] label:visible").first.click()
    page.wait_for_function(f"() => document.body.getAttribute('data-md-color-scheme') !== {first!r}")
    second = page.evaluate(scheme)
    assert {first, second} == {"default", "slate"}
    page.reload(wait_until="networkidle")  # the choice is remembered across pages
    assert page.evaluate(scheme) == second
    page.locator("form[data-md-component=palette] label:visible").first.click()
    page.wait_for_function(f"() => document.body.getAttribute('data-md-color-scheme') === {first!r}")
    assert visit.console_errors == []


def _entry_with_helm_templates() -> tuple[str, str]:
    for path in sorted((ROOT / "journal").glob("*.md")):
        text = path.read_text(encoding="utf-8")
        split = split_front_matter(text)
        if split and "{{ .Values" in text:
            template = next(line.strip() for line in text.splitlines() if "{{ .Values" in line)
            title = next(e.title for e in load_journal(ROOT / "journal").entries if e.path.endswith(path.name))
            return title, template
    pytest.skip("no journal entry has Helm templates ({{ .Values ...}}) in a code block")


def test_a_journal_entry_shows_helm_templates_verbatim(desktop, site: Site) -> None:
    title, template = _entry_with_helm_templates()
    page, visit = desktop
    page.goto(site.url("/journal/"), wait_until="networkidle")
    link = page.locator('.md-content a[href]:not([href^="#"])', has_text=title).first
    with page.expect_navigation(wait_until="networkidle"):
        link.click()
    assert page.locator("h1").first.inner_text().strip() == title
    code = "\n".join(page.locator("pre code").all_inner_texts())
    assert "{{ .Values" in code
    assert template in code, f"{template!r} is not shown verbatim"
    assert visit.console_errors == []


def test_an_old_entry_shows_the_lab_on_its_date_and_what_changed_since(desktop, site: Site, inventory) -> None:
    """The NCCL entry (2025-12-14) was written against device plugin 0.17.0 in the example history
    (examples/history/README.md); its box says so, and "Since then" lists the move to today's version."""
    entry = next(e for e in load_journal(ROOT / "journal").entries if e.date.isoformat() == "2025-12-14")
    assert "nvidia-device-plugin" in entry.front.related
    today = inventory.platform.component("nvidia-device-plugin").helm[0].version
    page, visit = desktop
    page.goto(site.url("/journal/"), wait_until="networkidle")
    with page.expect_navigation(wait_until="networkidle"):
        page.locator('.md-content a[href]:not([href^="#"])', has_text=entry.front.title).first.click()
    box = page.locator(".admonition", has=page.locator(".admonition-title", has_text="The lab on 2025-12-14"))
    assert box.count() == 1
    rows = {
        r.locator("td").first.inner_text().strip(): r.locator("td").last.inner_text()
        for r in box.locator("tr").all()[1:]
    }
    assert rows["NVIDIA device plugin"].strip() == "nvidia-device-plugin 0.17.0"
    since = box.locator("li").all_inner_texts()
    assert any(f"nvidia-device-plugin 0.17.0 → {today}" in line for line in since), since
    assert box.locator("a", has_text="NVIDIA device plugin").first.is_visible()
    assert visit.console_errors == []


def test_the_rss_feed_parses(site: Site) -> None:
    published = load_journal(ROOT / "journal").published()
    assert published, "no published journal entries"
    with urllib.request.urlopen(site.url("/feed_rss_created.xml"), timeout=30) as response:
        assert response.status == 200
        root = ET.fromstring(response.read())
    channel = root.find("channel")
    assert root.tag == "rss" and channel is not None
    items = channel.findall("item")
    assert {i.findtext("title") for i in items} == {e.title for e in published}
    for item in items:
        link = item.findtext("link")
        assert link.startswith(site.base), link
        assert site.file_for(link.removeprefix(site.base.rstrip("/"))) is not None, link


SHOTS = {
    "home": "/",
    "hardware": "/infrastructure/hardware/",
    "gpu-ai": "/infrastructure/gpu-ai/",
    "status": "/status/",
}


@pytest.fixture(scope="module")
def blank_stddev(browser, site: Site) -> dict[str, float]:
    """How a blank page of each size scores: the floor a real screenshot must clear."""
    out = {}
    for label, viewport in (("desktop", DESKTOP), ("mobile", MOBILE)):
        context = browser.new_context(viewport=viewport)
        page = context.new_page()
        page.set_content("<html><body style='background:#fff'></body></html>")
        out[label] = luminance_stddev(page.screenshot())
        context.close()
    return out


@pytest.mark.parametrize("size", ["desktop", "mobile"], ids=["desktop", "mobile"])
@pytest.mark.parametrize("name", list(SHOTS), ids=list(SHOTS))
def test_screenshots_are_not_blank(browser, site: Site, blank_stddev, name: str, size: str) -> None:
    viewport = DESKTOP if size == "desktop" else MOBILE
    visit = Visit()
    context = open_context(browser, site, viewport, visit)
    page = context.new_page()
    watch(page, visit)
    page.goto(site.url(SHOTS[name]), wait_until="networkidle")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path: Path = SCREENSHOTS / f"{name}-{viewport['width']}x{viewport['height']}.png"
    png = page.screenshot(path=str(path))
    context.close()
    assert blank_stddev[size] < 1.0
    score = luminance_stddev(png)
    assert score > 10.0, f"{path.relative_to(ROOT)} looks blank (brightness stddev {score:.1f})"
    assert visit.console_errors == [] and visit.foreign_requests == []
