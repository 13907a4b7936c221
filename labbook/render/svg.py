"""A tiny SVG writer for the diagrams: escaped text, boxes, lines; nothing from a CDN.

Colours follow the page: strokes and text use ``currentColor`` so the diagram
works in the light and the dark palette; ``docs/assets/labbook.css`` refines
them through the ``lb-*`` classes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape

CHAR_WIDTH = 0.56
"""Average glyph width as a fraction of the font size (for fitting text into boxes)."""


def esc(value: object) -> str:
    """Text or attribute value, XML-escaped (quotes included)."""
    return escape(str(value), quote=True)


def fit(text: str, width: float, size: float) -> str:
    """``text`` cut with an ellipsis so that it fits ``width`` pixels at font ``size``."""
    room = max(1, int(width / (size * CHAR_WIDTH)))
    return text if len(text) <= room else text[: max(1, room - 1)].rstrip() + "…"


def wrap(text: str, width: float, size: float, lines: int = 2) -> list[str]:
    """``text`` broken at spaces into at most ``lines`` lines that fit ``width``; the last one cut."""
    room = max(1, int(width / (size * CHAR_WIDTH)))
    words = text.split()
    out: list[str] = []
    current = ""
    i = 0
    while i < len(words) and len(out) < lines - 1:
        candidate = f"{current} {words[i]}".strip()
        if len(candidate) <= room or not current:
            current = candidate
            i += 1
        else:
            out.append(current)
            current = ""
    last = " ".join(([current] if current else []) + words[i:])
    out.append(last)
    return [fit(line, width, size) for line in out if line]


@dataclass
class Canvas:
    """Collects elements; :meth:`render` wraps them in an accessible ``<svg>``."""

    parts: list[str] = field(default_factory=list)

    def rect(self, x: float, y: float, w: float, h: float, cls: str, rx: float = 8) -> None:
        """A rounded box."""
        self.parts.append(
            f'<rect class="{cls}" x="{x:g}" y="{y:g}" width="{w:g}" height="{h:g}" rx="{rx:g}" '
            f'fill="currentColor" fill-opacity="0.04" stroke="currentColor" stroke-opacity="0.55"/>'
        )

    def text(
        self,
        x: float,
        y: float,
        value: str,
        cls: str = "lb-text",
        size: float = 12,
        anchor: str = "start",
        capability: tuple[str, str] | None = None,
    ) -> None:
        """One line of escaped text; ``y`` is the baseline.

        ``capability`` (id, status) marks text that states a capability, like
        :func:`labbook.render.capabilities.mark` does in HTML.
        """
        weight = ' font-weight="bold"' if "lb-strong" in cls else ""
        marked = f' data-capability="{esc(capability[0])}" data-status="{esc(capability[1])}"' if capability else ""
        self.parts.append(
            f'<text class="{cls}" x="{x:g}" y="{y:g}" font-size="{size:g}" text-anchor="{anchor}" '
            f'fill="currentColor"{weight}{marked}>{esc(value)}</text>'
        )

    def line(self, x1: float, y1: float, x2: float, y2: float, cls: str, width: float = 2, dash: bool = False) -> None:
        """A straight line."""
        dashes = ' stroke-dasharray="5 4"' if dash else ""
        self.parts.append(
            f'<line class="{cls}" x1="{x1:g}" y1="{y1:g}" x2="{x2:g}" y2="{y2:g}" '
            f'stroke="currentColor" stroke-width="{width:g}"{dashes}/>'
        )

    def path(self, d: str, cls: str, width: float = 2) -> None:
        """A path (``d`` is built from numbers only)."""
        self.parts.append(f'<path class="{cls}" d="{d}" fill="none" stroke="currentColor" stroke-width="{width:g}"/>')

    def render(self, width: float, height: float, title: str, desc: str, cls: str) -> str:
        """The ``<svg>`` element inside a ``<div>`` (so Python-Markdown passes it through as one block).

        On a narrow screen the diagram keeps its full size and its box scrolls sideways
        (``docs/assets/labbook.css``); the box is focusable so that keyboards can scroll it.
        """
        body = "".join(self.parts)
        return (
            f'<div class="lb-diagram {cls}" role="region" aria-label="{esc(title)}" tabindex="0">'
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:g} {height:g}" '
            f'width="{width:g}" height="{height:g}" role="img" aria-labelledby="{cls}-title {cls}-desc" '
            'font-family="sans-serif">'
            f'<title id="{cls}-title">{esc(title)}</title><desc id="{cls}-desc">{esc(desc)}</desc>'
            f"{body}</svg></div>\n"
        )
