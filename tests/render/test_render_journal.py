"""Journal listings and entry footers: order, drafts, series, related links."""

from __future__ import annotations

from pathlib import Path

import pytest

from labbook.load.journal import load_journal
from labbook.render import journal as render
from labbook.site.settings import read_config
from tests.conftest import ROOT
from tests.render.helpers import example, to_html, write_entry

ARCHIVE = read_config(ROOT / "mkdocs.yml").blog.archive_path
"""The example blog's archive pages, as its options in mkdocs.yml name them."""


@pytest.fixture
def small(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(tmp_path)
    folder = Path("journal")
    write_entry(folder, "2026-01-05-b.md", "title: Part two\ndate: 2026-01-05\nseries: S\nrelated: [cilium]\n")
    write_entry(folder, "2026-03-01-c.md", "title: Part three\ndate: 2026-03-01\ndraft: true\nseries: S\n")
    write_entry(folder, "2025-12-20-a.md", "title: Part *one*\ndate: 2025-12-20\nseries: S\nsummary: First | part\n")
    write_entry(folder, "2026-01-09-z.md", "title: Other\ndate: 2026-01-09\nrelated: [talos-7aj-lwl, cilium]\n")
    return load_journal(folder, example()[0].ids())


def test_recent_is_newest_first_limited_and_without_drafts(small) -> None:
    items = list(to_html(render.recent(small, 3)).iter("li"))
    assert [li.find("a").text() for li in items] == ["Other", "Part two", "Part *one*"]
    assert items[0].text().startswith("2026-01-09 · Other")
    assert items[2].text() == "2025-12-20 · Part *one*: First | part"
    assert items[0].find("a").attrs["href"] == "journal/posts/2026-01-09-z.md"


def test_recent_shows_drafts_only_when_the_build_does(small) -> None:
    items = [li.text() for li in to_html(render.recent(small, 10, drafts=True)).iter("li")]
    assert items[0] == "2026-03-01 · Part three (draft)"
    assert len(items) == 4


def test_recent_with_no_entries(tmp_path: Path) -> None:
    (tmp_path / "j").mkdir()
    assert render.recent(load_journal(tmp_path / "j"), 5) == "No journal entries yet.\n"


def test_series_box_lists_parts_in_order_with_this_entry_marked(small) -> None:
    two = next(e for e in small.entries if e.slug == "b")
    box = to_html(render.series_box(two, small))
    assert box.find("p", cls="admonition-title").text() == "Series: S"
    assert [li.text() for li in box.iter("li")] == ["Part *one* (2025-12-20)", "Part two (this entry)"]
    assert box.find("a").attrs["href"] == "2025-12-20-a.md"
    with_draft = [li.text() for li in to_html(render.series_box(two, small, drafts=True)).iter("li")]
    assert with_draft[-1] == "Part three (2026-03-01)"


def test_related_line_links_components_and_nodes_to_their_anchors(small) -> None:
    other = next(e for e in small.entries if e.slug == "z")
    links = list(to_html(render.related_line(other, example()[0])).iter("a"))
    assert [(a.text(), a.attrs["href"]) for a in links] == [
        ("talos-7aj-lwl", "../../infrastructure/hardware.md#talos-7aj-lwl"),
        ("Cilium", "../../platform.md#cilium"),
    ]


def test_entry_without_series_or_related_gets_no_footer(tmp_path: Path) -> None:
    write_entry(tmp_path / "j", "2026-01-01-x.md", "title: X\ndate: 2026-01-01\n")
    j = load_journal(tmp_path / "j")
    assert render.entry_footer(j.entries[0], j, example()[0]) == ""


def test_related_list_for_a_component_is_newest_first(small) -> None:
    items = [li.text() for li in to_html(render.related_list(small, "cilium", "platform.md")).iter("li")]
    assert items == ["Other (2026-01-09)", "Part two (2026-01-05)"]


def test_months_link_each_archive_page_with_counts(small) -> None:
    doc = to_html(render.months(small, archive=ARCHIVE))
    assert [(a.text(), a.attrs["href"]) for a in doc.iter("a")] == [
        ("January 2026", "archive/2026/01.md"),
        ("December 2025", "archive/2025/12.md"),
    ]
    assert doc.text() == "January 2026 (2) · December 2025 (1)"


@pytest.mark.parametrize("drafts", [False, True], ids=["build", "serve"])
def test_series_index_gives_what_the_journal_gives(small, drafts: bool) -> None:
    index = render.series_index(small, drafts)
    assert {name: [e.slug for e in parts] for name, parts in index.items()} == {
        "S": [e.slug for e in small.series("S", drafts=drafts)]
    }
    for entry in small.entries:
        with_index = render.entry_footer(entry, small, example()[0], drafts, index)
        assert with_index == render.entry_footer(entry, small, example()[0], drafts)


def test_month_counts_can_be_shared_between_pages(small) -> None:
    counts = render.month_counts(small)
    assert render.months(small, "journal/index.md", counts=counts, archive=ARCHIVE) == render.months(
        small, "journal/index.md", archive=ARCHIVE
    )
    assert render.months(small, "journal/page/2.md", counts=counts, archive=ARCHIVE).startswith(
        "[January 2026](../archive/2026/01.md)"
    )
