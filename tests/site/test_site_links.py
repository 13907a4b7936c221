"""Across every built page: internal links and anchors resolve, nothing loads from another host."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest

from tests.site.conftest import Build
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


def url_of(build: Build, path: Path) -> str:
    rel = path.relative_to(build.site).as_posix()
    return "/" + (rel[: -len("index.html")] if rel.endswith("index.html") else rel)


@cache
def _parsed(path: Path) -> Element:
    return parse(path.read_text(encoding="utf-8"))


def ids_of(path: Path) -> set[str]:
    return {el.attrs["id"] for el in _parsed(path).iter() if "id" in el.attrs}


def target_file(build: Build, url_path: str) -> Path:
    path = build.site / unquote(url_path).lstrip("/")
    return path / "index.html" if url_path.endswith("/") or path.is_dir() else path


def is_foreign(url: str) -> bool:
    parts = urlsplit(url)
    return bool(parts.scheme and parts.scheme not in ("data",)) or url.startswith("//")


def test_every_internal_link_and_anchor_resolves(example_site: Build) -> None:
    broken = []
    checked = 0
    for path in example_site.html_files():
        if path.name == "404.html":  # links are absolute to site_url by design
            continue
        page_url = url_of(example_site, path)
        for a in _parsed(path).iter("a"):
            href = a.attrs.get("href")
            if not href or href.startswith(("mailto:",)) or is_foreign(href):
                continue
            full = urlsplit(urljoin(page_url, href))
            target = target_file(example_site, full.path)
            checked += 1
            if not target.is_file():
                broken.append(f"{page_url}: {href} -> {full.path} (no such file)")
            elif full.fragment and target.suffix == ".html" and unquote(full.fragment) not in ids_of(target):
                broken.append(f"{page_url}: {href} -> #{full.fragment} not in {full.path}")
    assert checked > 200
    assert broken == []


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
