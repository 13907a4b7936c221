"""Markdown pages: only their literal text is prose, read with :mod:`labbook.sources.prose.figures`.

Front matter, fenced code blocks, inline code, macro expressions ``{{ … }}``,
``{% … %}`` and ``{# … #}``, HTML comments and tags, link destinations and
attribute lists are blanked before scanning (columns and lines are kept), so a
page that renders a figure through a macro is never read as stating it. A line
containing ``<!-- labbook: ignore -->`` is skipped on purpose.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from pathlib import Path

from labbook.models.location import Location
from labbook.models.observed import ObservedFigure
from labbook.sources.prose.figures import Reader, Terms, read_text

SKIPPED_DIRS = (("journal",), ("blog", "posts"))
"""Folders under ``docs/`` that hold dated history, not claims about the present."""

IGNORE = "<!-- labbook: ignore -->"
"""Put on a line to keep its figures out of the check."""

_BLANKED = [
    re.compile(r"<!--.*?-->", re.S),
    re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S),
    re.compile(r"(?<!`)(`+)(?!`)(?:[^\n]|\n(?![ \t]*\n))+?(?<!`)\1(?!`)"),
    re.compile(r"(?<=\])\((?:[^()\n]|\([^()\n]*\))*\)"),
    re.compile(r"^[ \t]{0,3}\[[^\]\n]+\]:[ \t]*\S+.*$", re.M),
    re.compile(r"</?[A-Za-z][^>\n]*>"),
    re.compile(r"\{\s*[:#.][^}\n]*\}"),
]
_FENCE = re.compile(r"^[ \t]*(?P<fence>`{3,}|~{3,})")


def _blank(text: str) -> str:
    return re.sub(r"[^\n]", " ", text)


def visible_text(text: str) -> str:
    """``text`` with everything that is not literal prose replaced by spaces (same lines and columns)."""
    lines = text.split("\n")
    if lines and lines[0].rstrip() == "---":
        for i in range(1, len(lines)):
            if lines[i].rstrip() in ("---", "..."):
                lines[: i + 1] = [_blank(x) for x in lines[: i + 1]]
                break
    fence: str | None = None
    for i, line in enumerate(lines):
        m = _FENCE.match(line)
        if fence is None and m:
            fence = m["fence"]
            lines[i] = _blank(line)
        elif fence is not None:
            if m and m["fence"][0] == fence[0] and len(m["fence"]) >= len(fence) and not line[m.end() :].strip():
                fence = None
            lines[i] = _blank(line)
        elif IGNORE in line:
            lines[i] = _blank(line)
    out = "\n".join(lines)
    for pattern in _BLANKED:
        out = pattern.sub(lambda m: _blank(m[0]), out)
    return out


def scan(text: str, file: str, terms: Terms | Iterable[str] = (), reader: Reader | None = None) -> list[ObservedFigure]:
    """Every figure and claim stated in one page's literal text, in reading order, each at its file:line:col.

    ``terms`` is a :class:`Terms` (or, as before, node-name shapes alone); ``reader``, when
    given, is one already compiled for them.
    """
    visible = visible_text(text)
    line_starts = [0] + [m.end() for m in re.finditer("\n", visible)]
    found: dict[tuple[int, str, str, str | None, str], ObservedFigure] = {}
    for offset, kind, value, claim, of in read_text(visible, reader or Reader(Terms.of(terms))):
        line = bisect.bisect_right(line_starts, offset)
        col = offset - line_starts[line - 1] + 1
        origin = Location(file=file, line=line, col=col)
        # "16 cores (16c/32t)" is one claim: the first of a kind and value on a line stands
        found.setdefault(
            (line, kind, value, of, claim), ObservedFigure(kind=kind, value=value, claim=claim, of=of, origin=origin)
        )  # type: ignore[arg-type]
    return list(found.values())


def pages(directory: Path) -> list[Path]:
    """The markdown pages under ``directory`` that state claims about the present, sorted.

    Hidden folders and dated history (:data:`SKIPPED_DIRS`) are left out.
    """
    out = []
    for path in sorted(directory.rglob("*.md")):
        parts = path.relative_to(directory).parts[:-1]
        if any(p.startswith(".") for p in parts):
            continue
        if any(parts[: len(skip)] == skip for skip in SKIPPED_DIRS):
            continue
        out.append(path)
    return out
