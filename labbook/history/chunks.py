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

import itertools
import re
from typing import Any

from labbook.load.yaml import LoadError, parse

_BARE_KEY = re.compile(r"^([A-Za-z_][A-Za-z0-9_-]*):[ \t]*(#.*)?$")
_ITEM = re.compile(r"^( *)-(?:[ \t]|$)")
_NOT_SPLITTABLE = re.compile(r"^(%|---|\.\.\.)|(?:^|[\s\[{,:-])&\S", re.MULTILINE)

Block = tuple[str, Any]
"""A top-level block: ``("key", text)`` or ``("seq", key, [item texts])``."""


def _content(line: str) -> bool:
    stripped = line.strip()
    return bool(stripped) and not stripped.startswith("#")


def _top_blocks(text: str) -> list[str] | None:
    """The text cut at every top-level key, or None when it must be parsed whole."""
    if _NOT_SPLITTABLE.search(text):
        return None
    lines = text.splitlines(keepends=True)
    starts = [
        i for i, line in enumerate(lines) if line[:1] not in (" ", "\t", "#", "-", "\n", "\r", "") and line.strip()
    ]
    first = next((i for i, line in enumerate(lines) if _content(line)), None)
    if first is None or not starts or starts[0] != first:
        return None  # empty, or the root is not a block mapping at column 0
    bounds = [0, *starts[1:], len(lines)]
    return ["".join(lines[a:b]) for a, b in itertools.pairwise(bounds)]


def _items(block: str) -> tuple[str, list[str]] | None:
    """``key:`` and the texts of its block-sequence items, or None when the block is not one."""
    lines = block.splitlines(keepends=True)
    head = next((i for i, line in enumerate(lines) if _content(line)), None)
    if head is None:
        return None
    key = _BARE_KEY.match(lines[head].rstrip("\r\n"))
    if key is None:
        return None
    body = lines[head + 1 :]
    first = next((line for line in body if _content(line)), None)
    item = _ITEM.match(first) if first else None
    if item is None:
        return None
    indent = len(item.group(1))
    starts = []
    for i, line in enumerate(body):
        if not _content(line):
            continue
        width = len(line) - len(line.lstrip(" "))
        if width < indent:
            return None
        if width == indent:
            if not _ITEM.match(line):
                return None
            starts.append(i)
    bounds = [*starts, len(body)]
    return key.group(1), ["".join(body[a:b]) for a, b in itertools.pairwise(bounds)]


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
