"""Every page of the built site in Chromium: no console errors, nothing fetched off the host, links that resolve."""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit

import pytest

from tests.browser.conftest import DESKTOP, Site, Visit, open_context, watch
from tests.conftest import ROOT

_LINKS = """() => [...document.querySelectorAll('a[href]')].map(a => a.href)"""
_IDS = """() => [...document.querySelectorAll('[id], a[name]')].map(e => e.id || e.getAttribute('name'))"""


@dataclass
class PageVisit(Visit):
    """A :class:`Visit` plus what the loaded page links to and which anchors it has."""

    links: list[str] | None = None
    ids: set[str] | None = None
    status: int | None = None


@pytest.fixture(scope="session")
def visits(browser, site: Site) -> dict[str, PageVisit]:
    """Load every page once, in one desktop context, and record what happened."""
    out: dict[str, PageVisit] = {}
    for path in site.pages():
        visit = PageVisit()
        context = open_context(browser, site, DESKTOP, visit)
        page = context.new_page()
        watch(page, visit)
        response = page.goto(site.url(path), wait_until="networkidle")
        visit.status = response.status if response else None
        visit.links = page.evaluate(_LINKS)
        visit.ids = set(page.evaluate(_IDS))
        context.close()
        out[path] = visit
    return out


def _nav_paths() -> list[str]:
    from mkdocs.config import load_config

    def walk(items) -> list[str]:
        found = []
        for item in items:
            value = next(iter(item.values())) if isinstance(item, dict) else item
            if isinstance(value, list):
                found += walk(value)
            elif isinstance(value, str) and value.endswith(".md"):
                found.append("/" + re.sub(r"(^|/)index\.md$", r"\1", value).removesuffix(".md").rstrip("/") + "/")
        return [p.replace("//", "/") for p in found]

    return walk(load_config(str(ROOT / "mkdocs.yml"))["nav"])


def test_every_nav_page_was_built_and_loads(site: Site, visits: dict[str, PageVisit]) -> None:
    nav = _nav_paths()
    assert {"/", "/infrastructure/hardware/", "/infrastructure/gpu-ai/", "/platform/", "/status/"} <= set(nav)
    missing = [p for p in nav if p not in visits]
    assert missing == [], f"in the nav but not built: {missing}"
    assert {p: v.status for p, v in visits.items() if v.status != 200} == {}


def test_no_console_errors(visits: dict[str, PageVisit]) -> None:
    errors = {path: v.console_errors for path, v in visits.items() if v.console_errors}
    assert errors == {}


def test_no_request_leaves_the_local_server(site: Site, visits: dict[str, PageVisit]) -> None:
    foreign = {path: sorted(set(v.foreign_requests)) for path, v in visits.items() if v.foreign_requests}
    assert foreign == {}, "fonts, CDNs, unpkg and the like are forbidden"
    # the recorder really sees the page's own requests: the stylesheet and the script bundle of each page
    for path, visit in visits.items():
        assert any(u.endswith(".css") for u in visit.requests), path
        assert any(re.search(r"/bundle\.[0-9a-f]+\.min\.js$", u) for u in visit.requests), path


class _Ids(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value and (name == "id" or (tag == "a" and name == "name")):
                self.ids.add(value)


def _static_ids(site: Site, path: str) -> set[str]:
    file = site.file_for(path)
    parser = _Ids()
    parser.feed(file.read_text(encoding="utf-8") if file else "")
    return parser.ids


def test_every_internal_link_and_anchor_resolves(site: Site, visits: dict[str, PageVisit]) -> None:
    broken: list[str] = []
    checked = 0
    for path, visit in visits.items():
        for href in visit.links or []:
            parts = urlsplit(href)
            if parts.netloc != site.netloc:
                continue
            checked += 1
            target = unquote(parts.path)
            if site.file_for(target) is None:
                broken.append(f"{path} -> {href}: no such page")
                continue
            if parts.fragment:
                fragment = unquote(parts.fragment)
                ids = visits[target].ids if target in visits else _static_ids(site, target)
                if fragment not in (ids or set()):
                    broken.append(f"{path} -> {href}: no element with id {fragment!r}")
    assert checked > len(visits), "no internal links found: the link walk is broken"
    assert broken == []


def test_the_link_check_can_fail(site: Site) -> None:
    assert site.file_for("/no/such/page/") is None
    assert site.file_for("/platform/") is not None
    assert "no-such-anchor" not in _static_ids(site, "/platform/")


def test_the_recorder_catches_foreign_requests_and_console_errors(browser, site: Site) -> None:
    """The checks above can fail: an off-host font and a console error are both seen (and the font refused)."""
    visit = Visit()
    context = open_context(browser, site, DESKTOP, visit)
    page = context.new_page()
    watch(page, visit)
    page.goto(site.url("/"), wait_until="networkidle")
    with page.expect_event("requestfailed") as failed:
        page.evaluate(
            """() => {
                const link = document.createElement('link');
                link.rel = 'stylesheet';
                link.href = 'https://fonts.googleapis.com/css?family=Roboto';
                document.head.appendChild(link);
                console.error('labbook test: deliberate console error');
            }"""
        )
    assert failed.value.url == "https://fonts.googleapis.com/css?family=Roboto", "the off-host request was not refused"
    context.close()
    assert visit.foreign_requests == ["https://fonts.googleapis.com/css?family=Roboto"]
    assert "labbook test: deliberate console error" in visit.console_errors
