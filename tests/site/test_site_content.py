"""The content step on its own: posts from entries, the rows that extend it, what it refuses (no site build)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from labbook.errors import BadInput
from labbook.load.site import SiteData, SitePaths, load_site
from labbook.render import pages
from labbook.render.journal import FOOTER_MARK, entry_footer, series_index
from labbook.site import content
from labbook.site.content import Context, GeneratedFile, blog_problems, post_text, site_content, stray_posts
from labbook.site.settings import BlogSettings, read_config
from tests.conftest import ROOT

BLOG = read_config(ROOT / "mkdocs.yml").blog


def example(drafts: bool = False) -> SiteData:
    return load_site(SitePaths(ROOT / "inventory", ROOT / "journal", ROOT / "reports", ROOT / "docs"), drafts)


def split(text: str) -> tuple[dict, str]:
    assert text.startswith("---\n")
    head, _, body = text[4:].partition("\n---\n")
    return yaml.safe_load(head), body


def test_every_entry_becomes_a_post_with_its_summary_as_description_and_its_links() -> None:
    site = example()
    result = site_content(site, BLOG)
    posts = [f for f in result.files if f.src_uri.startswith(pages.POSTS + "/")]
    assert [f.src_uri for f in posts] == [pages.post_path(e) for e in site.journal.entries]
    assert [f.src_uri for f in result.files if f not in posts] == ["changes.md"]
    index = series_index(site.journal, site.drafts)
    for entry, post in zip(site.journal.entries, posts, strict=True):
        source = (ROOT / entry.path).read_text(encoding="utf-8")
        front, body = split(post.text)
        original, original_body = split(source)
        assert front == {**original, "description": " ".join(entry.front.summary.split())}
        assert post.source == entry.path
        assert body.startswith(original_body.rstrip("\n"))  # the entry's own text, as written
        assert body.count(BLOG.post_excerpt_separator) == 1
        footer = entry_footer(entry, site.journal, site.inventory, site.drafts, index)
        assert body.endswith(footer)
        if footer:
            assert body.index(BLOG.post_excerpt_separator) < body.index(FOOTER_MARK)


def ctx(site: SiteData, blog: BlogSettings = BLOG) -> Context:
    return Context(site=site, blog=blog, series=series_index(site.journal, site.drafts))


def test_the_excerpt_ends_before_what_labbook_appends() -> None:
    site = example()
    entry = next(e for e in site.journal.entries if e.front.series)
    text = post_text(entry, "---\ntitle: X\ndate: 2025-11-16\n---\n\nNo separator here.\n", ctx(site))
    assert text.index("No separator here.\n\n<!-- more -->\n") < text.index(FOOTER_MARK)
    custom = post_text(
        entry, "---\ntitle: X\n---\n\nBody.\n", ctx(site, BlogSettings(post_excerpt_separator="<!--x-->"))
    )
    assert "Body.\n\n<!--x-->\n" in custom and "<!-- more -->" not in custom


def test_descriptions_survive_any_summary_and_are_never_doubled() -> None:
    site = example()
    entry = site.journal.entries[0].model_copy(
        update={
            "front": site.journal.entries[0].front.model_copy(update={"summary": 'A "quoted": summary # not: yaml'})
        }
    )
    text = post_text(entry, "---\r\ntitle: X\r\n---\r\n\r\nBody.\r\n", ctx(site))
    assert split(text)[0]["description"] == 'A "quoted": summary # not: yaml'
    kept = post_text(entry, "---\ntitle: X\ndescription: mine\n---\n\nBody.\n", ctx(site))
    assert split(kept)[0]["description"] == "mine"


def test_a_new_entry_part_is_one_row(monkeypatch: pytest.MonkeyPatch) -> None:
    """How per-entry additions (e.g. the lab's state on the entry's date) join every post."""
    monkeypatch.setattr(content, "ENTRY_PARTS", (*content.ENTRY_PARTS, lambda e, c: f"\n\nExtra for {e.slug}.\n"))
    posts = [f for f in site_content(example(), BLOG).files if f.src_uri.startswith(pages.POSTS + "/")]
    for post, entry in zip(posts, example().journal.entries, strict=True):
        assert post.text.endswith(f"\n\nExtra for {entry.slug}.\n")


def test_a_new_generated_page_is_one_row(monkeypatch: pytest.MonkeyPatch) -> None:
    page = GeneratedFile("hello.md", "# Hello\n")
    monkeypatch.setattr(content, "GENERATORS", (*content.GENERATORS, lambda c: [page]))
    assert site_content(example(), BLOG).files[-1] == page
    monkeypatch.setattr(content, "GENERATORS", (*content.GENERATORS, lambda c: [page]))
    with pytest.raises(BadInput, match=r"hello.md: generates hello.md twice"):
        site_content(example(), BLOG)


def test_drafts_are_generated_and_the_blog_leaves_them_out() -> None:
    """The blog decides about drafts; links to a draft appear only in a build that shows drafts."""
    draft = next(e for e in example().journal.entries if e.front.draft)
    built = {f.src_uri: f.text for f in site_content(example(), BLOG).files}
    served = {f.src_uri: f.text for f in site_content(example(drafts=True), BLOG).files}
    assert pages.post_path(draft) in built
    linked = [
        uri for uri, text in built.items() if draft.path.rsplit("/", 1)[-1] in text and uri != pages.post_path(draft)
    ]
    assert linked == []
    assert any(draft.path.rsplit("/", 1)[-1] in text for uri, text in served.items() if uri != pages.post_path(draft))


def test_the_site_name_and_tagline_come_from_the_inventory_escaped(tmp_path: Path) -> None:
    for part in ("inventory", "journal"):
        shutil.copytree(ROOT / part, tmp_path / part)
    site_yaml = tmp_path / "inventory" / "site.yaml"
    text = site_yaml.read_text(encoding="utf-8")
    site_yaml.write_text(text.replace("owner: Michael Willingham", 'owner: "A & B <lab>"'), encoding="utf-8")
    site = load_site(SitePaths(tmp_path / "inventory", tmp_path / "journal", tmp_path / "reports"))
    result = site_content(site, BLOG)
    assert result.site_name == "A &amp; B &lt;lab&gt;"
    assert result.site_description == site.inventory.site.tagline.replace("&", "&amp;")


def test_pages_in_the_posts_folder_and_a_moved_blog_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    strays = stray_posts(["index.md", "journal/posts/x.md", "journal/posts/img.png"], "docs", example())
    assert [str(p) for p in strays] == [
        "docs/journal/posts/x.md: a page in the blog's posts folder "
        "(expected journal entries in journal/, where labbook validates them)"
    ]
    assert blog_problems(BLOG, "mkdocs.yml") == []
    (moved,) = blog_problems(BlogSettings(blog_dir="blog"), "mkdocs.yml")
    assert str(moved) == (
        "mkdocs.yml: plugins.blog: posts are read from blog/posts/ "
        "(expected journal/posts/: blog_dir: journal and the default post_dir)"
    )
