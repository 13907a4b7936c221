"""Every page, light and dark, on a desktop and at 390 px: axe-core finds nothing serious, nothing leaves the host,
no console error; on the phone, nothing overflows the page, identifiers stay whole and diagrams stay legible.

axe-core 4.12 comes vendored in the ``axe-playwright-python`` wheel (no network). The check runs the WCAG 2.x
A and AA rules (``wcag2a``, ``wcag2aa``, ``wcag21a``, ``wcag21aa``) plus axe's best practices, and fails on any
violation of impact ``serious`` or ``critical`` (colour contrast is ``serious``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from tests.browser.conftest import DESKTOP, MOBILE, Site, Visit, open_context, watch

SCHEMES = {"light": ("light", "default"), "dark": ("dark", "slate")}
"""``prefers-color-scheme`` to emulate, and the Material scheme it must select."""
SIZES = {"desktop": DESKTOP, "phone": MOBILE}
BLOCKING = ("serious", "critical")
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]},
    "resultTypes": ["violations"],
}

_LAYOUT = """() => {
  const vw = document.documentElement.clientWidth;
  const out = {overflow: Math.max(document.documentElement.scrollWidth, document.body.scrollWidth) - vw,
               broken: [], small: [], wide: []};
  for (const el of document.querySelectorAll('article .lb-id, article :not(pre) > code')) {
    if (el.getClientRects().length > 1) out.broken.push(el.textContent);
  }
  for (const svg of document.querySelectorAll('article .lb-diagram svg')) {
    const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    for (const t of svg.querySelectorAll('text')) {
      const px = parseFloat(t.getAttribute('font-size')) * scale;
      if (px < 10) out.small.push(`${t.textContent} at ${px.toFixed(1)} px`);
    }
  }
  for (const box of document.querySelectorAll('article .md-typeset__scrollwrap, article .lb-diagram')) {
    const r = box.getBoundingClientRect();
    if (r.left < -1 || r.right > vw + 1) out.wide.push(`${box.className}: ${r.left.toFixed(0)}..${r.right.toFixed(0)}`);
  }
  return out;
}"""


@dataclass
class Look:
    """One page in one scheme at one size."""

    scheme: str = ""
    violations: list[str] = field(default_factory=list)
    layout: dict = field(default_factory=dict)
    visit: Visit = field(default_factory=Visit)


@pytest.fixture(scope="session")
def axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


@pytest.fixture(scope="session")
def looks(browser, site: Site, axe) -> dict[tuple[str, str, str], Look]:
    """Every page in every scheme and size, loaded once: what axe found, the layout, requests and console."""
    out: dict[tuple[str, str, str], Look] = {}
    for scheme, (media, _) in SCHEMES.items():
        for size, viewport in SIZES.items():
            visit = Visit()
            context = open_context(browser, site, viewport, visit, color_scheme=media)
            page = context.new_page()
            watch(page, visit)
            for path in site.pages():
                requests, errors = len(visit.foreign_requests), len(visit.console_errors)
                page.goto(site.url(path), wait_until="networkidle")
                look = Look(scheme=page.evaluate("() => document.body.getAttribute('data-md-color-scheme')"))
                results = axe.run(page, options=AXE_OPTIONS).response
                look.violations = [
                    f"{v['id']} ({v['impact']}): {n['target']} {n.get('failureSummary', '').splitlines()[-1:]}"
                    for v in results["violations"]
                    if v["impact"] in BLOCKING
                    for n in v["nodes"]
                ]
                look.layout = page.evaluate(_LAYOUT)
                look.visit.foreign_requests = visit.foreign_requests[requests:]
                look.visit.console_errors = visit.console_errors[errors:]
                out[(scheme, size, path)] = look
            context.close()
    return out


def _where(looks: dict, test) -> dict[str, object]:
    return {f"{p} [{s}, {z}]": r for (s, z, p), look in looks.items() if (r := test(look))}


def test_every_page_was_seen_in_both_schemes_and_sizes(site: Site, looks) -> None:
    assert len(looks) == len(site.pages()) * len(SCHEMES) * len(SIZES)
    wrong = {k: look.scheme for k, look in looks.items() if look.scheme != SCHEMES[k[0]][1]}
    assert wrong == {}, "the emulated colour scheme did not select Material's palette"


def test_no_serious_or_critical_accessibility_violation(looks) -> None:
    assert _where(looks, lambda look: look.violations) == {}


def test_nothing_leaves_the_host_and_no_console_error(looks) -> None:
    assert _where(looks, lambda look: look.visit.foreign_requests) == {}
    assert _where(looks, lambda look: look.visit.console_errors) == {}


def test_on_a_phone_the_page_never_scrolls_sideways(looks) -> None:
    phone = {k: v for k, v in looks.items() if k[1] == "phone"}
    assert _where(phone, lambda look: look.layout["overflow"] > 1 and look.layout["overflow"]) == {}
    assert _where(phone, lambda look: look.layout["wide"]) == {}, "a table or diagram box is wider than the screen"


def test_identifiers_never_break_inside(looks) -> None:
    assert _where(looks, lambda look: look.layout["broken"]) == {}


def test_diagram_text_stays_legible_on_a_phone(looks) -> None:
    phone = {k: v for k, v in looks.items() if k[1] == "phone"}
    assert any("/gpu-ai/" in k[2] for k in phone), "the GPU & AI page (topology diagram) was not checked"
    assert _where(phone, lambda look: look.layout["small"]) == {}


def test_the_checks_can_fail(browser, site: Site, axe) -> None:
    """The same checks on a page made to fail: low-contrast text, a broken identifier, a shrunken diagram."""
    context = open_context(browser, site, MOBILE, Visit())
    page = context.new_page()
    page.goto(site.url("/infrastructure/gpu-ai/"), wait_until="networkidle")
    page.evaluate(
        """() => {
            const article = document.querySelector('article');
            const p = document.createElement('p');
            p.textContent = 'faint text';
            p.style.color = '#bbbbbb';
            article.prepend(p);
            const narrow = document.createElement('p');
            narrow.style.width = '3em';
            narrow.innerHTML = '<span class="lb-id" style="white-space:normal;word-break:break-all">talos-76w-3r0</span>';
            article.prepend(narrow);
            document.querySelector('article .lb-diagram svg').style.maxWidth = '100%';
        }"""
    )
    violations = axe.run(page, options=AXE_OPTIONS).response["violations"]
    assert any(v["id"] == "color-contrast" and v["impact"] in BLOCKING for v in violations)
    layout = page.evaluate(_LAYOUT)
    assert layout["broken"] == ["talos-76w-3r0"]
    assert layout["small"], "a diagram shrunk to the screen width must be reported"
    context.close()
