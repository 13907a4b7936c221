"""The journal on the built site: order, months, tags, RSS, drafts, series, related links, verbatim code."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from tests.conftest import ROOT
from tests.render.helpers import example
from tests.site.conftest import SITE_URL, Build
from tests.site.html import Element

pytestmark = pytest.mark.site


def entry_url(build: Build, title: str) -> str:
    """The URL of the built page whose <h1> is ``title``."""
    for path in (build.site / "journal").rglob("index.html"):
        h1 = next(build.page(path.relative_to(build.site).parent.as_posix() + "/").iter("h1"), None)
        if h1 is not None and h1.text().replace("¶", "").strip() == title:
            return path.relative_to(build.site).parent.as_posix() + "/"
    raise AssertionError(f"no built page titled {title!r}")


def post_titles(doc: Element) -> list[str]:
    return [article.find("h2").text().replace("¶", "").strip() for article in doc.iter("article", cls="md-post")]


def test_index_lists_published_entries_newest_first(example_site: Build) -> None:
    _, journal = example()
    doc = example_site.page("journal/")
    assert post_titles(doc) == [e.title for e in journal.published()]
    intro = doc.find("div", cls="md-content__inner").find("header")
    by_month = next(p for p in intro.iter("p") if p.text().startswith("By month:"))
    assert by_month.text() == "By month: December 2025 (1) · November 2025 (3)"
    assert [a.attrs["href"] for a in by_month.iter("a")] == ["archive/2025/12/", "archive/2025/11/"]


def test_entries_are_grouped_by_month(example_site: Build) -> None:
    _, journal = example()
    by_month: dict[str, list[str]] = {}
    for e in journal.published():
        by_month.setdefault(f"{e.date:%Y/%m}", []).append(e.title)
    for month, titles in by_month.items():
        assert post_titles(example_site.page(f"journal/archive/{month}/")) == titles
    nav = example_site.page("journal/").find("nav", cls="md-nav--primary").text()
    assert "By month" in nav and "December 2025" in nav and "November 2025" in nav


def test_tag_pages_list_entries_by_tag(example_site: Build) -> None:
    _, journal = example()
    doc = example_site.content("journal/tags/")
    for tag in sorted({t for e in journal.published() for t in e.front.tags}):
        heading = doc.find(id=f"tag:{tag}")
        after = doc.children[doc.children.index(heading) + 1 :]
        listing = next(el for el in after if isinstance(el, Element))
        titles = sorted(a.text() for a in listing.iter("a"))
        assert titles == sorted(e.title for e in journal.published() if tag in e.front.tags), tag
    page = example_site.page(entry_url(example_site, "SR-IOV on Talos, without the operator"))
    chips = [a.text() for a in page.find("nav", cls="md-tags").iter("a")]
    assert chips == sorted(["sriov", "talos", "rdma", "device-plugins"])


def test_rss_feed_parses_and_lists_published_entries(example_site: Build) -> None:
    _, journal = example()
    feed = ET.parse(example_site.file("feed_rss_created.xml")).getroot()
    items = feed.findall("./channel/item")
    assert [i.findtext("title") for i in items] == [e.title for e in journal.published()]
    for item, entry in zip(items, journal.published(), strict=True):
        assert item.findtext("link").startswith(SITE_URL + "journal/")
        assert " ".join(entry.front.summary.split()) in (item.findtext("description") or "")
        assert entry.date.strftime("%d %b %Y") in item.findtext("pubDate")
    assert feed.findtext("./channel/title") == example()[0].site.name


def test_feeds_carry_a_real_image_or_none(example_site: Build) -> None:
    """mkdocs-rss-plugin writes <image><url>None</url> without a configured image; the build removes it."""
    import json

    for name in ("feed_rss_created.xml", "feed_rss_updated.xml"):
        text = example_site.file(name).read_text(encoding="utf-8")
        channel = ET.fromstring(text).find("channel")
        assert channel is not None and channel.findall("item"), name
        urls = [img.findtext("url") for img in channel.findall("image")]
        assert all(u and u.startswith(("http://", "https://")) for u in urls), (name, urls)
        assert "None" not in urls and "<url>None</url>" not in text
    for name in ("feed_json_created.json", "feed_json_updated.json"):
        data = json.loads(example_site.file(name).read_text(encoding="utf-8"))
        assert data["items"] and data.get("icon", "") is not None, name


def test_drafts_are_left_out_of_the_build(example_site: Build) -> None:
    _, journal = example()
    drafts = [e for e in journal.entries if e.front.draft]
    assert drafts, "the example journal keeps one draft to exercise this"
    everything = "".join(
        p.read_text(encoding="utf-8") for p in example_site.site.rglob("*") if p.suffix in (".html", ".xml", ".json")
    )
    for draft in drafts:
        assert draft.title not in everything
        assert draft.front.summary.split()[0] + " " + draft.front.summary.split()[1] not in everything


def fenced_blocks(markdown: str) -> list[str]:
    return [m[1] for m in re.finditer(r"^```[a-z]*\n(.*?)^```$", markdown, re.MULTILINE | re.DOTALL)]


def test_helm_templates_and_bash_render_verbatim(example_site: Build) -> None:
    source = (ROOT / "journal" / "2025-11-16-sr-iov-on-talos.md").read_text(encoding="utf-8")
    blocks = fenced_blocks(source)
    assert any("{{- if .Values.vfs.create }}" in b for b in blocks)
    assert any("${#nodes[@]}" in b for b in blocks)
    page = example_site.content(entry_url(example_site, "SR-IOV on Talos, without the operator"))
    shown = [" ".join(pre.text().split()) for pre in page.iter("pre")]
    assert shown == [" ".join(b.split()) for b in blocks]
    raw = example_site.file(entry_url(example_site, "SR-IOV on Talos, without the operator")).read_text()
    assert "Macro Syntax Error" not in raw and "Macro Rendering Error" not in raw


def test_series_parts_in_order_on_each_entry(example_site: Build) -> None:
    _, journal = example()
    parts = journal.series("RDMA on Kubernetes")
    assert len(parts) == 4
    for i, entry in enumerate(parts):
        doc = example_site.content(entry_url(example_site, entry.title))
        box = doc.find("div", cls="abstract")
        assert box.find("p", cls="admonition-title").text() == "Series: RDMA on Kubernetes"
        items = [li.text() for li in box.iter("li")]
        expected = [f"{p.title} ({p.date.isoformat()})" for p in parts]
        expected[i] = f"{entry.title} (this entry)"
        assert items == expected
        assert len(list(box.iter("a"))) == len(parts) - 1


def test_related_links_point_at_component_and_node_anchors(example_site: Build) -> None:
    inv, journal = example()
    for entry in journal.published():
        doc = example_site.content(entry_url(example_site, entry.title))
        line = next(p for p in doc.iter("p") if p.text().startswith("Related:"))
        links = [(a.text(), a.attrs["href"].rsplit("/", 2)[-2:]) for a in line.iter("a")]
        expected = []
        for ref in entry.front.related:
            comp = inv.platform.component(ref)
            expected.append((comp.name, ["platform", f"#{ref}"]) if comp else (ref, ["hardware", f"#{ref}"]))
        assert links == expected, entry.title
