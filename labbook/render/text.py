"""Escaping and small markdown builders every renderer shares.

Python-Markdown passes raw HTML through and gives meaning to many characters
(``*``, ``_``, `````, ``[``, ``|`` in tables, ``{`` for attribute lists …). A
value from the inventory must show as the text it is, so :func:`md` turns the
HTML-special characters into entities and every markdown-active character into
a numeric character reference, which Python-Markdown leaves alone and the
browser shows as the character itself.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from urllib.parse import quote

_ENTITIES = {
    "&": "&amp;",
    "<": "&lt;",
    ">": "&gt;",
    '"': "&quot;",
    **{c: f"&#{ord(c)};" for c in "\\`*_{}[]|~^=#$"},
}
_TABLE = str.maketrans(_ENTITIES)
_LEADING_LIST = re.compile(r"^(\d+)([.)])")
_URL_SAFE = ":/?#@!$&+,;=%-._~"


def md(value: object) -> str:
    """``value`` as inline markdown that renders as exactly that text, on one line."""
    text = " ".join(str(value).split()).translate(_TABLE)
    if text[:1] in ("-", "+", ">"):
        text = f"&#{ord(text[0])};{text[1:]}"
    return _LEADING_LIST.sub(lambda m: f"{m[1]}&#{ord(m[2])};", text, count=1)


def code(value: object) -> str:
    """``value`` as inline code (an escaped ``<code>`` element, safe in table cells)."""
    return f"<code>{md(value)}</code>"


def ident(value: object) -> str:
    """An identifier (a node name, an interface) that never breaks across lines: ``talos-76w-3r0``."""
    return f'<span class="lb-id">{md(value)}</span>'


def prose(value: object) -> str:
    """A table cell of running text: it wraps, but keeps a readable width on a phone (the table scrolls)."""
    return f'<span class="lb-prose">{md(value)}</span>'


def boxed(markdown_table: str, name: str) -> str:
    """A table in its own box (``lb-table lb-table--<name>``): on a narrow screen it scrolls, the page does not."""
    return f'<div class="lb-table lb-table--{name}" markdown="1">\n\n{markdown_table}\n</div>\n'


def href(url: object) -> str:
    """A URL safe inside a markdown link's parentheses (spaces, quotes and brackets encoded)."""
    return quote(str(url), safe=_URL_SAFE)


def link(text: object, url: object) -> str:
    """An external link with escaped text."""
    return f"[{md(text)}]({href(url)})"


def rel(from_page: str, to_page: str, anchor: str | None = None) -> str:
    """Relative path from one docs page (``src_uri``) to another, for mkdocs to resolve.

    Both are normalised ``src_uri`` values (``a/b.md``, no ``.`` or ``..``); pure string
    work, as it runs for every link of every journal entry.
    """
    here = from_page.split("/")[:-1]
    there = to_page.split("/")
    common = 0
    while common < len(here) and common < len(there) - 1 and here[common] == there[common]:
        common += 1
    path = "/".join([".."] * (len(here) - common) + there[common:])
    return f"{path}#{anchor}" if anchor else path


def num(value: float) -> str:
    """A figure without noise: ``3.4000000000000004`` → ``3.4``, ``1.0`` → ``1``."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text if text != "-0" else "0"


def plural(count: int, one: str, many: str | None = None) -> str:
    """``1 GPU``, ``3 GPUs``."""
    return f"{count} {one if count == 1 else (many or one + 's')}"


def join_words(items: Sequence[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def table(headers: Sequence[str], rows: Iterable[Sequence[str]], align: str | None = None) -> str:
    """A markdown table; cells must already be escaped markdown (see :func:`md`).

    ``align`` has one letter per column: ``l``, ``r`` or ``c``.
    """
    marks = {"l": ":--", "r": "--:", "c": ":-:"}
    rule = [marks[a] for a in align] if align else ["---"] * len(headers)
    lines = ["| " + " | ".join(headers) + " |", "| " + " | ".join(rule) + " |"]
    lines += ["| " + " | ".join(cell or " " for cell in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def bullets(items: Iterable[str]) -> str:
    """A markdown bullet list of already-escaped items."""
    return "".join(f"- {item}\n" for item in items)
