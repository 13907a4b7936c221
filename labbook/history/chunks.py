"""Parse many revisions of one YAML file, paying only for the blocks that changed.

Reading 1,000 revisions of ``platform.yaml`` means parsing 1,000 near-identical
files: a version bump changes one line of three hundred. :class:`ChunkedParser`
cuts a file at the places where a block-style YAML document's top level
restarts, parses each block once with the project's loader
(:func:`labbook.load.yaml.parse`: duplicate keys refused) and remembers it by
its text, so the next revision re-parses only the block whose text changed.

Two levels of cut, both at places where the YAML grammar itself starts a new
node:

- a top-level key: a line at column 0 that is not blank, not a comment and not
  a ``-`` (a compact sequence under the previous key);
- inside a top-level ``key:`` with no inline value whose content is a block
  sequence at indentation *d*: each ``-`` at exactly indentation *d* starts an
  item, provided no content line is indented less than *d*.

Anything that would make a cut change the meaning falls back to parsing the
whole text: directives or document markers, a root that is not a block mapping,
an alias whose anchor lives in another block (the block alone then fails to
parse), a key repeated across blocks, or any block that does not parse on its
own. A document with any anchor is parsed whole too (libyaml refuses an anchor
defined twice, which blocks parsed apart would hide). The result is then exactly
what :func:`~labbook.load.yaml.parse` returns for the whole text
(``tests/history/test_chunks.py`` checks this on the real inventory, on generated
documents and, when present, on every YAML file of the real Flux corpora).
"""

from __future__ import annotations

import functools
import itertools
import re
from typing import Any

from labbook.load.yaml import LoadError, parse

_BARE_KEY = re.compile(r"([A-Za-z_][A-Za-z0-9_-]*):[ \t]*(#.*)?$")
_ITEM = re.compile(r"( *)-(?:[ \t]|$)", re.MULTILINE)
_CONTENT = re.compile(r"^[ \t]*[^ \t#\n]", re.MULTILINE)
"""A content line: not blank, not a comment (YAML's white space is only space and tab)."""
_TOP_KEY = re.compile(r"\n[^ \t#\n-]")
"""A content line at column 0 that is not a ``-``, found after its line break (a literal first is fast)."""
_MARKER = re.compile(r"\n(?:%|---|\.\.\.)")
"""A directive or a document marker (after its line break)."""
_BREAKS = ("\x85", "\u2028", "\u2029")
"""Line breaks for YAML 1.1 besides ``\n`` and ``\r``."""

Block = tuple[str, Any]
"""A top-level block: ``("key", text)`` or ``("seq", key, [item texts])``."""


@functools.cache
def _shallower(indent: int) -> re.Pattern[str]:
    """A content line indented less than ``indent`` spaces (after its line break)."""
    return re.compile(rf"\n {{0,{indent - 1}}}(?! )[ \t]*[^ \t#\n]")


@functools.cache
def _level(indent: int) -> re.Pattern[str]:
    """A content line indented exactly ``indent`` spaces (after its line break)."""
    return re.compile(rf"\n {{{indent}}}(?! )(?=[ \t]*[^ \t#\n])")


def _whole_only(text: str) -> bool:
    """Whether the text must be parsed whole: line breaks other than ``\n``, directives or document
    markers, or an anchor anywhere."""
    if "\r" in text or (not text.isascii() and any(b in text for b in _BREAKS)):
        return True
    if text.startswith(("%", "---", "...")) or _MARKER.search(text):
        return True
    at = text.find("&")
    while at >= 0:  # an anchor: `&` after a blank or an indicator, followed by a name
        if at + 1 < len(text) and not text[at + 1].isspace() and (at == 0 or text[at - 1] in " \t\n[{,:-"):
            return True
        at = text.find("&", at + 1)
    return False


def _top_blocks(text: str) -> list[str] | None:
    """The text cut at every top-level key, or None when it must be parsed whole.

    Regular expressions that start with a line break find the lines, so that cutting a revision
    costs little next to parsing it.
    """
    if _whole_only(text):
        return None
    first = _CONTENT.search(text)
    if first is None or first.end() - first.start() != 1 or text[first.start()] == "-":
        return None  # empty, or the root is not a block mapping at column 0
    bounds = [0, *(m.start() + 1 for m in _TOP_KEY.finditer(text, first.end()))]
    return [text[a:b] for a, b in itertools.pairwise([*bounds, len(text)])]


def _items(block: str) -> tuple[str, list[str]] | None:
    """``key:`` and the texts of its block-sequence items, or None when the block is not one."""
    head = _CONTENT.search(block)
    if head is None:
        return None
    end = block.find("\n", head.start())
    if end < 0:
        return None
    key = _BARE_KEY.match(block, head.start(), end)
    if key is None:
        return None
    first = _CONTENT.search(block, end + 1)
    item = _ITEM.match(block, first.start()) if first else None
    if item is None:
        return None
    indent = len(item.group(1))
    if indent and _shallower(indent).search(block, end):
        return None
    starts = [m.start() + 1 for m in _level(indent).finditer(block, end)]
    if not all(_ITEM.match(block, s) for s in starts):
        return None
    return key.group(1), [block[a:b] for a, b in itertools.pairwise([*starts, len(block)])]


class ChunkedParser:
    """:func:`~labbook.load.yaml.parse` for many revisions of the same kind of file, memoised by block.

    ``parse`` raises :class:`~labbook.load.yaml.LoadError` exactly when parsing the
    whole text would, with the located problem of the whole text.
    """

    def __init__(self) -> None:
        self._blocks: dict[str, Any] = {}
        self._seqs: dict[str, tuple[str, list[str]] | None] = {}
        self.parsed = 0
        """Blocks parsed so far (a memo hit costs nothing)."""

    def _one(self, name: str, text: str) -> Any:
        if text not in self._blocks:
            self.parsed += 1
            self._blocks[text] = parse(name, text)
        return self._blocks[text]

    def _block(self, name: str, block: str) -> dict[Any, Any] | None:
        if block not in self._seqs:
            self._seqs[block] = _items(block)
        split = self._seqs[block]
        if split is None:
            value = self._one(name, block)
            return value if isinstance(value, dict) and len(value) == 1 else None
        key, items = split
        out = []
        for item in items:
            value = self._one(name, item)
            if not (isinstance(value, list) and len(value) == 1):
                return None
            out.append(value[0])
        return {key: out}

    def parse(self, name: str, text: str) -> Any:
        """The parsed document, as the whole-text parse would give it."""
        blocks = _top_blocks(text)
        if blocks is not None:
            merged: dict[Any, Any] = {}
            try:
                for block in blocks:
                    value = self._block(name, block)
                    if value is None or any(k in merged for k in value):
                        break
                    merged.update(value)
                else:
                    return merged
            except LoadError:
                pass
        return self._one(name, text)
