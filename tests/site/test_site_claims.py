"""Every built page says of each capability what the inventory says, and none states one as working when it is not.

Two checks over every page of a build, both on the built HTML:

- every place labbook renders a capability (``data-capability`` in HTML and SVG) carries the
  inventory's status and shows its word;
- every block of text (paragraph, list item, cell, heading, diagram) that names a capability
  that is not ``working`` also hedges it (the same wording rule as ``labbook drift docs``).

Journal pages (``/journal/…``: entries, archive, tags) are history, written as of their date,
and are left out here as they are in ``drift docs``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from labbook.load.inventory import load_inventory
from labbook.models.inventory import Inventory
from labbook.render.capabilities import WORDS
from labbook.sources.prose.figures import Reader, Terms, read_text
from tests.site.conftest import Build, build, built_ok
from tests.site.html import Element, parse

pytestmark = pytest.mark.site

BLOCKS = {"p", "li", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "dt", "dd", "svg"}


def _pages(result: Build) -> dict[str, Element]:
    out = {}
    for path in result.html_files():
        url = path.relative_to(result.site).as_posix()
        if url == "404.html" or url.startswith("journal/"):
            continue
        out[url] = parse(path.read_text(encoding="utf-8")).find("article")
    return out


def _skipped(el: Element) -> bool:
    """Code is literal, and evidence names its sources (a forum thread's title is not a claim)."""
    return el.tag == "pre" or "lb-evidence" in el.attrs.get("class", "").split()


def _without_code(el: Element) -> Element:
    kept = [c if isinstance(c, str) else _without_code(c) for c in el.children if isinstance(c, str) or not _skipped(c)]
    return Element(el.tag, el.attrs, kept)


def _blocks(article: Element) -> list[str]:
    return [" ".join(_without_code(el).text().split()) for el in article.iter() if el.tag in BLOCKS]


def marks(result: Build) -> dict[str, list[tuple[str, str, str]]]:
    """``(capability, status, text)`` of every marked capability, per page."""
    return {
        url: [
            (el.attrs["data-capability"], el.attrs["data-status"], el.text())
            for el in art.iter()
            if "data-capability" in el.attrs
        ]
        for url, art in _pages(result).items()
    }


def unhedged(result: Build, inv: Inventory) -> list[str]:
    """Blocks of text that name a capability that is not working, without a hedge."""
    reader = Reader(Terms(capabilities=tuple((c.id, (c.name, *c.terms)) for c in inv.rdma.capabilities)))
    broken = {c.id for c in inv.rdma.capabilities if not c.working}
    found = []
    for url, article in _pages(result).items():
        for block in _blocks(article):
            for _, kind, value, claim, _ in read_text(block, reader):
                if kind == "capability" and value in broken and claim != "hedged":
                    found.append(f"{url}: {block[:160]}")
    return found


def _check(result: Build, inv: Inventory) -> None:
    status = {c.id: c.status for c in inv.rdma.capabilities}
    seen = marks(result)
    everywhere = [m for page in seen.values() for m in page]
    assert everywhere, "no capability is marked on any page: the check would prove nothing"
    wrong = [(url, m) for url, page in seen.items() for m in page if m[1] != status[m[0]]]
    assert wrong == []
    wordless = [(url, m) for url, page in seen.items() for m in page if WORDS[status[m[0]]] not in m[2] and m[2] != ""]
    assert wordless == [], "a marked capability must show its status"
    assert unhedged(result, inv) == []


def test_every_page_shows_the_inventory_status(example_site: Build) -> None:
    inv = load_inventory(example_site.root / "inventory")
    _check(example_site, inv)
    seen = marks(example_site)
    pages_with = {url for url, page in seen.items() if any(m[0] == "gpudirect" for m in page)}
    assert {"index.html", "infrastructure/hardware/index.html", "infrastructure/gpu-ai/index.html"} <= pages_with


def test_a_capability_marked_partial_is_never_rendered_as_working(project: Path) -> None:
    rdma = project / "inventory" / "rdma.yaml"
    text = rdma.read_text(encoding="utf-8")
    assert "    status: working\n" in text
    rdma.write_text(re.sub(r"(?m)^    status: \w+$", "    status: partial", text), encoding="utf-8")
    inv = load_inventory(project / "inventory")
    assert {c.status for c in inv.rdma.capabilities} == {"partial"}
    result = built_ok(build(project))
    _check(result, inv)
    html = "".join(p.read_text(encoding="utf-8") for p in result.html_files() if "/journal/" not in p.as_posix())
    assert 'data-status="working"' not in html and "lb-badge--working" not in html
    topology = parse((result.site / "infrastructure/gpu-ai/index.html").read_text(encoding="utf-8"))
    svg = topology.find("div", cls="lb-topology").find("svg")
    assert [t.text() for t in svg.iter("text") if t.text() == "partial"] == ["partial", "partial"]


def test_the_claim_check_can_fail(project: Path) -> None:
    """A hand-written page that says GPU-Direct RDMA is in use is caught (the inventory marks it not working)."""
    (project / "docs" / "index.md").write_text(
        (project / "docs" / "index.md").read_text(encoding="utf-8")
        + "\nThe Sparks train with GPU-Direct RDMA between them.\n",
        encoding="utf-8",
    )
    result = built_ok(build(project))
    inv = load_inventory(project / "inventory")
    assert unhedged(result, inv) == ["index.html: The Sparks train with GPU-Direct RDMA between them."]
