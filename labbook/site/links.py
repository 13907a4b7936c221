"""Every in-site link of a built site resolves: to a file, and to an element when it names an anchor.

Neither builder checks everything: MkDocs checks markdown links but not links written as HTML,
which is how the macros write tables, diagrams and badges; Zensical 0.0.73 checks a page's source
before its macros run. This walks the built site instead, so it covers every link whatever wrote
it and whichever tool built the site:

- in every HTML page, ``<a href>``, ``<link href>``, and ``src`` of ``img``, ``script``,
  ``source``, ``iframe``, ``audio``, ``video`` and ``embed``: relative links, and absolute ones
  under ``site_url`` when it is given;
- with ``site_url``, also the ``<loc>`` of ``sitemap.xml`` and the item links of the RSS and
  JSON feeds, which are absolute.

A link resolves when its path names a file of the site (a folder means its ``index.html``) and,
when it has a fragment and points at an HTML page, that page has an element with that ``id``
(or an ``<a name>``). Links to other hosts and schemes (``mailto:`` …) are not followed.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

LINKS = {
    "a": "href",
    "link": "href",
    "img": "src",
    "script": "src",
    "source": "src",
    "iframe": "src",
    "audio": "src",
    "video": "src",
    "embed": "src",
}
"""Elements and the attribute that links from them."""
FEEDS_RSS = ("feed_rss_created.xml", "feed_rss_updated.xml")
FEEDS_JSON = ("feed_json_created.json", "feed_json_updated.json")
SITEMAP = "sitemap.xml"
_ORIGIN = "http://site.invalid"
"""Stands in for the site's origin while joining relative links."""


@dataclass(frozen=True, order=True)
class Broken:
    """A link that does not resolve."""

    page: str
    """The file it is in, relative to the site."""
    href: str
    """The link as written."""
    reason: str
    """What is missing."""

    def __str__(self) -> str:
        return f"{self.page}: {self.href}: {self.reason}"


@dataclass
class Result:
    """What a check found."""

    pages: int = 0
    """HTML pages read."""
    checked: int = 0
    """In-site links followed."""
    broken: list[Broken] = field(default_factory=list)
    """Every link that does not resolve, sorted."""


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(values["id"] or "")
        if tag == "a" and values.get("name"):
            self.ids.add(values["name"] or "")
        attr = LINKS.get(tag)
        if attr and values.get(attr):
            self.links.append(values[attr] or "")

    handle_startendtag = handle_starttag


class Site:
    """A built site on disk, its pages parsed once each."""

    def __init__(self, root: Path, site_url: str | None = None) -> None:
        self.root = root
        base = urlsplit(site_url) if site_url else None
        self.base = (base.scheme, base.netloc, base.path.rstrip("/") + "/") if base else None
        """Scheme, host and path of ``site_url``."""
        self._pages: dict[Path, _Page] = {}

    def parsed(self, path: Path) -> _Page:
        if path not in self._pages:
            page = _Page()
            page.feed(path.read_text(encoding="utf-8", errors="replace"))
            page.close()
            self._pages[path] = page
        return self._pages[path]

    def url_path(self, file: Path) -> str:
        """The URL path a file is served at, from the site root (``/platform/`` for ``platform/index.html``)."""
        rel = file.relative_to(self.root).as_posix()
        return "/" + rel.removesuffix("index.html") if rel.endswith("index.html") else "/" + rel

    def in_site(self, url: str) -> str | None:
        """The site-root path of an absolute or root-relative ``url``, or None when it leaves the site."""
        parts = urlsplit(url)
        if not parts.scheme and not parts.netloc:
            return parts.path
        if self.base and (parts.scheme, parts.netloc) == self.base[:2] and parts.path.startswith(self.base[2]):
            return "/" + parts.path[len(self.base[2]) :]
        return None

    def follow(self, page_url: str, href: str) -> tuple[bool, str | None]:
        """Whether ``href`` on the page at ``page_url`` is in the site, and if so why it does not resolve (or None)."""
        full = urljoin(_ORIGIN + page_url, href).removeprefix(_ORIGIN)
        path = self.in_site(full)
        if path is None:
            return False, None
        root = self.root.resolve()
        target = (root / unquote(path).lstrip("/")).resolve()
        if not target.is_relative_to(root):
            return True, "outside the site"
        if target.is_dir() or path.endswith("/"):
            target = target / "index.html"
        if not target.is_file():
            return True, f"no such file {target.relative_to(root).as_posix()}"
        fragment = unquote(urlsplit(full).fragment)
        if fragment and target.suffix == ".html" and fragment not in self.parsed(target).ids:
            return True, f"no element with id {fragment!r} in {target.relative_to(root).as_posix()}"
        return True, None


def _feed_links(site: Site) -> Iterator[tuple[str, str]]:
    for name in FEEDS_RSS:
        path = site.root / name
        if path.is_file():
            for item in ET.parse(path).getroot().iter("item"):  # noqa: S314 - a feed of the site being checked
                for tag in ("link", "guid"):
                    value = item.findtext(tag)
                    if value and (tag == "link" or value.startswith(("http://", "https://"))):
                        yield name, value.strip()
    for name in FEEDS_JSON:
        path = site.root / name
        if path.is_file():
            for item in json.loads(path.read_text(encoding="utf-8")).get("items", []):
                if item.get("url"):
                    yield name, item["url"]
    path = site.root / SITEMAP
    if path.is_file():
        for loc in ET.parse(path).getroot().iter():  # noqa: S314 - the sitemap of the site being checked
            if loc.tag.endswith("}loc") or loc.tag == "loc":
                yield SITEMAP, (loc.text or "").strip()


def check_links(root: Path, site_url: str | None = None) -> Result:
    """Follow every in-site link of the site built into ``root`` (see the module docstring)."""
    site = Site(root, site_url)
    result = Result()
    broken: set[Broken] = set()
    for path in sorted(root.rglob("*.html")):
        result.pages += 1
        page_url = site.url_path(path)
        for href in site.parsed(path).links:
            followed, why = site.follow(page_url, href)
            result.checked += followed
            if why:
                broken.add(Broken(path.relative_to(root).as_posix(), href, why))
    if site.base:
        for name, url in _feed_links(site):
            followed, why = site.follow("/", url)
            result.checked += followed
            if not followed:
                why = f"not under the site URL {site_url}"
            if why:
                broken.add(Broken(name, url, why))
    result.broken = sorted(broken)
    return result
