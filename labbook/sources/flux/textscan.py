"""Cheap text-level passes that spare libyaml work it would throw away. Pure: no I/O.

- :func:`documents` splits a multi-document file at its ``---`` lines, so that a
  document whose top-level ``kind:`` line names a kind the reader drops is never
  composed at all;
- :func:`elide_values` blanks a HelmRelease's ``spec.values`` block (often most of
  the file) before parsing, keeping every line number.

Both only act where the text is unambiguous (a block mapping at column 0, a
``values:`` key at the indentation of ``spec``'s children); anything else is left
to the parser, and a caller falls back to the original text if the edited one
does not parse.
"""

from __future__ import annotations

import itertools
import re

_MARKER = re.compile(r"^---(?=[ \t]|$)", re.M)
_KIND = re.compile(r"^kind:[ \t]*(['\"]?)([A-Za-z0-9]+)\1[ \t]*(?:#.*)?$", re.M)
_SPEC = re.compile(r"^spec:[ \t]*(?:#.*)?$", re.M)
_UNSAFE = re.compile(r"^(?:%|\.\.\.(?:[ \t]|$))", re.M)


def documents(text: str) -> list[tuple[int, str]] | None:
    """``(first line index, text)`` of each document, or None when the file should be parsed whole."""
    if _UNSAFE.search(text):
        return None  # directives or explicit document ends: leave them to the parser
    starts = [m.start() for m in _MARKER.finditer(text)]
    if not starts or starts[0] != 0:
        starts.insert(0, 0)
    bounds = [*starts, len(text)]
    out = []
    for begin, end in itertools.pairwise(bounds):
        out.append((text.count("\n", 0, begin), text[begin:end]))
    return out


def kind_of(chunk: str) -> str | None:
    """The ``kind:`` of a document whose root is a block mapping at column 0, or None when unsure."""
    found = _KIND.findall(chunk)
    return found[0][1] if len(found) == 1 else None


def first_line(chunk: str) -> int:
    """0-based index, within ``chunk``, of its first line of content."""
    for i, line in enumerate(chunk.split("\n")):
        stripped = line.strip()
        if stripped and not stripped.startswith("#") and not (stripped.startswith("---") and line.startswith("---")):
            return i
    return 0


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _blank(line: str) -> bool:
    stripped = line.strip()
    return not stripped or stripped.startswith("#")


def elide_values(chunk: str) -> str | None:
    """The document with ``spec.values`` emptied and its lines blanked, or None when it cannot tell safely."""
    spec = _SPEC.search(chunk)
    if spec is None:
        return None
    lines = chunk.split("\n")
    i = chunk.count("\n", 0, spec.start()) + 1
    child = next((_indent(line) for line in lines[i:] if not _blank(line)), 0)
    if child == 0:
        return None
    values = re.compile(rf"^ {{{child}}}values:[ \t]*(?:#.*)?$")
    while i < len(lines):
        line = lines[i]
        if not _blank(line) and _indent(line) == 0:
            return None  # end of spec, no block `values:`
        if values.match(line):
            end = i + 1
            while end < len(lines) and (_blank(lines[end]) or _indent(lines[end]) > child):
                end += 1
            while end > i + 1 and not lines[end - 1].strip():
                end -= 1  # keep trailing blank lines where they are
            lines[i] = " " * child + "values: {}"
            lines[i + 1 : end] = [""] * (end - i - 1)
            return "\n".join(lines)
        i += 1
    return None
