"""Across every built page, from both builders: internal links and anchors resolve, nothing loads from another host."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from labbook.site.links import check_links
from tests.conftest import run_labbook
from tests.site.conftest import SITE_URL, Build, build, built_ok
from tests.site.html import Element, parse

pytestmark = pytest.mark.site

LOADS = {
    "script": "src",
    "img": "src",
    "iframe": "src",
    "source": "src",
    "video": "src",
    "audio": "src",
    "embed": "src",
    "object": "data",
    "image": "href",
    "use": "href",
}
"""Elements whose attribute makes the browser fetch something when the page loads."""
LOADING_RELS = {
    "stylesheet",
    "icon",
    "shortcut",
    "preload",
    "modulepreload",
    "prefetch",
    "manifest",
    "apple-touch-icon",
}


@cache
def _parsed(path: Path) -> Element:
    return parse(path.read_text(encoding="utf-8"))


def is_foreign(url: str) -> bool:
    parts = urlsplit(url)
    return bool(parts.scheme and parts.scheme not in ("data",)) or url.startswith("//")


def test_every_internal_link_and_anchor_resolves(example_site: Build) -> None:
    """``labbook check-links`` on the built site: pages, feeds and sitemap, every generated link included."""
    result = check_links(example_site.site, SITE_URL)
    assert result.pages >= 14 and result.checked > 500
    assert [str(b) for b in result.broken] == []


def test_the_link_check_command_on_both_builds(example_site: Build) -> None:
    done = run_labbook("check-links", str(example_site.site), "--site-url", SITE_URL)
    assert done.code == 0, done.out + done.err
    assert done.out.startswith("ok: ") and "in-site links in" in done.out


def write(root: Path, rel: str, html: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"<!doctype html><html><body>{html}</body></html>", encoding="utf-8")


def test_the_link_check_finds_every_kind_of_broken_link(tmp_path: Path) -> None:
    site = tmp_path / "site"
    write(
        site,
        "index.html",
        '<h1 id="top">Home</h1><a href="page/">ok</a><a href="page/#there">ok</a>'
        '<a href="page/#nowhere">bad anchor</a><a href="missing/">bad page</a><a href="../../etc/passwd">out</a>'
        '<a href="https://example.org/x">foreign</a><a href="mailto:x@y">mail</a><a href="#top">self</a>'
        '<a href="http://127.0.0.1:8000/page/">absolute ok</a><a href="http://127.0.0.1:8000/gone/">absolute bad</a>'
        '<img src="img.png"><script src="/app.js"></script><a href="#">top</a><a name="legacy"></a>',
    )
    write(site, "page/index.html", '<h2 id="there">There</h2><a href="../#legacy">named anchor</a>')
    (site / "app.js").write_text("", encoding="utf-8")
    (site / "feed_rss_created.xml").write_text(
        "<rss><channel><item><link>http://127.0.0.1:8000/page/</link></item>"
        "<item><link>http://127.0.0.1:8000/no-post/</link></item>"
        "<item><link>https://elsewhere.example/post/</link></item></channel></rss>",
        encoding="utf-8",
    )
    result = check_links(site, SITE_URL)
    assert [str(b) for b in result.broken] == [
        "feed_rss_created.xml: http://127.0.0.1:8000/no-post/: no such file no-post/index.html",
        "feed_rss_created.xml: https://elsewhere.example/post/: not under the site URL http://127.0.0.1:8000/",
        "index.html: ../../etc/passwd: no such file etc/passwd",
        "index.html: http://127.0.0.1:8000/gone/: no such file gone/index.html",
        "index.html: img.png: no such file img.png",
        "index.html: missing/: no such file missing/index.html",
        "index.html: page/#nowhere: no element with id 'nowhere' in page/index.html",
    ]
    without_url = check_links(site)
    assert "index.html: http://127.0.0.1:8000/gone/: no such file gone/index.html" not in map(str, without_url.broken)
    done = run_labbook("check-links", str(site), "--site-url", SITE_URL)
    assert done.code == 1
    assert done.out.splitlines()[-1] == f"7 broken: {result.checked} in-site links in 2 pages checked"
    assert run_labbook("check-links", str(tmp_path / "nothing")).code == 2


def test_no_page_loads_anything_from_another_host(example_site: Build) -> None:
    foreign = []
    for path in example_site.html_files():
        doc = _parsed(path)
        for tag, attr in LOADS.items():
            for el in doc.iter(tag):
                value = el.attrs.get(attr) or el.attrs.get(f"xlink:{attr}") or ""
                if value and is_foreign(value):
                    foreign.append(f"{path.name}: <{tag} {attr}={value}>")
        for el in doc.iter("link"):
            rels = set(el.attrs.get("rel", "").lower().split())
            if rels & LOADING_RELS and is_foreign(el.attrs.get("href", "")):
                foreign.append(f"{path.name}: <link rel={el.attrs['rel']} href={el.attrs['href']}>")
        for el in doc.iter():
            if re.search(r"url\(\s*['\"]?(https?:)?//", el.attrs.get("style", "")):
                foreign.append(f"{path.name}: inline style loads {el.attrs['style']}")
    assert foreign == []


def test_stylesheets_import_nothing_from_another_host(example_site: Build) -> None:
    for css in example_site.site.rglob("*.css"):
        text = css.read_text(encoding="utf-8")
        assert not re.search(r"@import\s+(url\()?['\"]?(https?:)?//", text), css
        assert not re.search(r"url\(\s*['\"]?(https?:)?//", text), css
    assert "fonts.googleapis.com" not in "".join(p.read_text(encoding="utf-8") for p in example_site.html_files())


def test_no_mermaid_and_no_cdn_scripts(example_site: Build) -> None:
    for path in example_site.html_files():
        html = path.read_text(encoding="utf-8")
        assert "mermaid" not in html.lower(), path
        assert "unpkg.com" not in html and "cdn.jsdelivr" not in html, path


def test_a_broken_link_a_macro_writes_passes_the_builder_and_fails_the_link_check(project: Path, builder: str) -> None:
    """The builders do not check links a macro writes as HTML; ``check_links`` does, on either build."""
    (project / "docs" / "odd").mkdir()
    (project / "docs" / "odd" / "index.md").write_text(
        "---\nrender_macros: true\n---\n# Odd\n\n"
        '{{ \'<a href="../nowhere/">gone</a> <a href="../platform/#no-such">x</a>\' }}\n',
        encoding="utf-8",
    )
    config = project / "mkdocs.yml"
    nav = config.read_text(encoding="utf-8").replace(
        "  - Status: status.md\n", "  - Status: status.md\n  - Odd: odd/index.md\n"
    )
    config.write_text(nav, encoding="utf-8")
    result = built_ok(build(project, builder))  # the builder is content
    assert [str(b) for b in check_links(result.site, SITE_URL).broken] == [
        "odd/index.html: ../nowhere/: no such file nowhere/index.html",
        "odd/index.html: ../platform/#no-such: no element with id 'no-such' in platform/index.html",
    ]
