"""Escaping: any value from the inventory renders as exactly its text, in a table cell or a heading."""

from __future__ import annotations

import posixpath

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from labbook.render.text import code, href, link, md, num, rel, table
from tests.render.helpers import to_html

NASTY = [
    "<script>alert(1)</script>",
    "a | b | c",
    "*bold* _em_ `code` **x**",
    "[link](http://evil.example) ![img](x.png)",
    "{ #id .cls } {{ .Values.x }} {%- if %}",
    "&amp; &lt; &#124; \\| \\*",
    "1. not a list",
    "- not a list",
    "# not a heading",
    "> not a quote",
    "<!-- more -->",
    '" onmouseover="alert(1)',
    "~~strike~~ ==mark== ^^ins^^ $x$",
    "x\ny\tz   w",
    "C:\\path\\to\\file",
]


@pytest.mark.parametrize("value", NASTY, ids=[f"nasty-{i}" for i in range(len(NASTY))])
def test_value_shows_as_itself_in_a_table_cell(value: str) -> None:
    doc = to_html(table(["Name", "Value"], [[md("k"), md(value)]]))
    assert doc.find("table").rows() == [["Name", "Value"], ["k", " ".join(value.split())]]
    assert not list(doc.iter("script")) and not list(doc.iter("img")) and not list(doc.iter("em"))


@pytest.mark.parametrize("value", NASTY, ids=[f"nasty-{i}" for i in range(len(NASTY))])
def test_value_shows_as_itself_in_a_heading_a_paragraph_and_code(value: str) -> None:
    doc = to_html(f"## {md(value)} {{ #x }}\n\n{md(value)}\n\nsee {code(value)}\n")
    expected = " ".join(value.split())
    assert doc.find("h2").text().replace("¶", "").strip() == expected
    assert doc.find("h2").attrs["id"] == "x"
    assert doc.find("p").text() == expected
    assert doc.find("code").text() == expected


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=80))
def test_any_text_survives_a_table_cell(value: str) -> None:
    doc = to_html(table(["A", "B"], [[md(value), md("end")]]))
    assert doc.find("table").rows()[1] == [" ".join(value.split()), "end"]


def test_link_text_is_escaped_and_url_encoded() -> None:
    doc = to_html(link("a <b> | c", 'https://example.org/a b(c)?q="x"&y=1'))
    a = doc.find("a")
    assert a.text() == "a <b> | c"
    assert a.attrs["href"] == "https://example.org/a%20b%28c%29?q=%22x%22&y=1"
    assert href("https://x.org/[a]") == "https://x.org/%5Ba%5D"


@pytest.mark.parametrize(
    ("here", "there", "anchor", "expected"),
    [
        ("index.md", "platform.md", "cilium", "platform.md#cilium"),
        ("index.md", "infrastructure/hardware.md", "n", "infrastructure/hardware.md#n"),
        ("infrastructure/gpu-ai.md", "infrastructure/hardware.md", "n", "hardware.md#n"),
        ("infrastructure/gpu-ai.md", "platform.md", None, "../platform.md"),
        ("journal/posts/x.md", "platform.md", None, "../../platform.md"),
        ("journal/posts/x.md", "journal/posts/y.md", None, "y.md"),
        ("journal/page/2.md", "journal/archive/2026/01.md", None, "../archive/2026/01.md"),
        ("journal/index.md", "journal/archive/2026/01.md", None, "archive/2026/01.md"),
    ],
    ids=["sibling", "down", "same-folder", "up", "up-two", "same-posts", "across", "into"],
)
def test_relative_links_between_pages(here: str, there: str, anchor: str | None, expected: str) -> None:
    assert rel(here, there, anchor) == expected
    assert rel(here, there, anchor) == (
        posixpath.relpath(there, posixpath.dirname(here) or ".") + (f"#{anchor}" if anchor else "")
    )


@pytest.mark.parametrize(
    ("value", "shown"),
    [(3.4000000000000004, "3.4"), (1.0, "1"), (1.4, "1.4"), (0.125, "0.12"), (448, "448"), (-0.0, "0")],
    ids=["float-noise", "whole", "one-decimal", "rounded", "int", "negative-zero"],
)
def test_figures_have_no_noise(value: float, shown: str) -> None:
    assert num(value) == shown
