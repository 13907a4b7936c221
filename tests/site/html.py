"""A small HTML tree for assertions on built pages (stdlib only: no parser is a dependency)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser

BLOCK = {
    "address",
    "article",
    "aside",
    "blockquote",
    "br",
    "dd",
    "details",
    "div",
    "dl",
    "dt",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "li",
    "main",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "summary",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "ul",
    "text",
    "tspan",
    "title",
}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@dataclass
class Element:
    """One element: tag, attributes, children (elements and strings)."""

    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[Element | str] = field(default_factory=list)

    def iter(self, tag: str | None = None, cls: str | None = None, **attrs: str) -> Iterator[Element]:
        """Every descendant (self included) with ``tag``, class ``cls`` and the given attributes."""
        if (
            (tag is None or self.tag == tag)
            and (cls is None or cls in self.attrs.get("class", "").split())
            and all(self.attrs.get(k.rstrip("_").replace("_", "-")) == v for k, v in attrs.items())
        ):
            yield self
        for child in self.children:
            if isinstance(child, Element):
                yield from child.iter(tag, cls, **attrs)

    def find(self, tag: str | None = None, cls: str | None = None, **attrs: str) -> Element:
        """The first match; fails the test when there is none."""
        found = next(self.iter(tag, cls, **attrs), None)
        assert found is not None, f"no <{tag or '*'} class={cls!r} {attrs}> in <{self.tag}>"
        return found

    def text(self) -> str:
        """Text content, whitespace collapsed."""
        return " ".join(self._raw().split())

    def _raw(self) -> str:
        return "".join(
            c if isinstance(c, str) else (f" {c._raw()} " if c.tag in BLOCK else c._raw()) for c in self.children
        )

    def rows(self) -> list[list[str]]:
        """A table's rows as lists of cell texts (header row included)."""
        return [[cell.text() for cell in tr.children if isinstance(cell, Element)] for tr in self.iter("tr")]


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#document")
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        el = Element(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(el)
        if tag not in VOID:
            self.stack.append(el)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(Element(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def parse(html: str) -> Element:
    """The document tree of ``html``."""
    builder = _Builder()
    builder.feed(html)
    builder.close()
    return builder.root
