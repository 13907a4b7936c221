"""Parse many revisions of one YAML file, paying only for the blocks that changed.

Reading 1,000 revisions of ``platform.yaml`` means parsing 1,000 near-identical
files: a version bump changes one line of three hundred. :class:`ChunkedParser`
cuts a file at the places where the YAML grammar itself starts a new node,
parses each piece once with the project's loader (:func:`labbook.load.yaml.parse`:
duplicate keys refused) and remembers it by its text, so the next revision
re-parses only the piece whose text changed (one line, for a version bump).

The cuts, applied again inside each piece that is itself a block mapping or a
block sequence:

- a block mapping whose keys sit at column *c* (0 for the document) is cut at
  every content line indented exactly *c* that is not a ``-`` (a compact
  sequence under the previous key), provided no content line is indented less
  than *c*; each entry must then parse to a mapping of one key, and no key may
  come twice;
- an entry ``key:`` with no inline value whose content is a block sequence at
  indentation *d* is cut at each ``-`` at exactly indentation *d*, provided no
  content line is indented less than *d*; one whose content is a block mapping
  indented deeper is cut as a mapping;
- an item ``- key: …`` is the block mapping that starts after its ``-`` (at the
  column of ``key``), cut as a mapping.

A piece that does not fit these shapes is parsed on its own, as a whole. Anything
that could make a cut change the meaning falls back to parsing the whole text:
directives or document markers, a root that is not a block mapping, a line break
other than ``\\n`` (``\\r``, and the YAML 1.1 breaks ``\\x85``, ``\\u2028``,
``\\u2029``), a byte order mark, any anchor (an alias
to another piece's anchor, or an anchor defined twice, which pieces parsed apart
would hide), a key repeated across pieces, or any piece that does not parse on
its own. The result is then exactly what :func:`~labbook.load.yaml.parse` returns
for the whole text, as plain values
(the pieces' own line marks are not the document's: a caller that needs
locations parses the whole text; ``tests/history/test_chunks.py`` checks the
values on the real inventory, on generated documents and, when present, on
every YAML file of the real Flux corpora).

Cutting is done with regular expressions that start with a line break (a literal
first is what makes them fast), so that cutting a revision costs little next to
parsing it.
"""

from __future__ import annotations

import functools
import itertools
import re
from typing import Any

from labbook.history.edits import OneLineEdits
from labbook.load.yaml import LoadError, parse, plain_str

_KEY = r"[A-Za-z_][A-Za-z0-9_-]*"
_COMMENT = "#[\t\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]*"
"""A comment of characters libyaml accepts (the text has no line break other than ``\\n``)."""
_BARE_KEY = re.compile(rf"({_KEY}):(?:[ \t]+(?:{_COMMENT})?)?$", re.MULTILINE)
_GAP = re.compile(rf"(?: *(?:{_COMMENT})?\n)*")
"""Blank and comment lines a cut leaves out of every piece: no tab before their text (libyaml refuses one
there), no character it refuses."""
_ITEM = re.compile(r"( *)-(?:[ \t]|$)", re.MULTILINE)
_DASH_KEY = re.compile(rf"( *)-( +){_KEY}:(?:[ \t]|$)", re.MULTILINE)
"""An item whose value is a block mapping starting on the ``-`` line."""
_CONTENT = re.compile(r"^[ \t]*[^ \t#\n]", re.MULTILINE)
"""A content line: not blank, not a comment (YAML's white space is only space and tab)."""
_MARKER = re.compile(r"\n(?:%|---|\.\.\.)")
"""A directive or a document marker (after its line break)."""
_BREAKS = ("\x85", "\u2028", "\u2029")
"""Line breaks for YAML 1.1 besides ``\\n`` and ``\\r``."""
_SIMPLE = re.compile(rf" *({_KEY}):[ ]+([A-Za-z0-9][A-Za-z0-9._/+-]*)[ ]*\n?\Z")
"""A piece of one line ``key: value``, the value a plain scalar of letters, digits and ``._/+-``."""


@functools.cache
def _shallower(indent: int) -> re.Pattern[str]:
    """A content line indented less than ``indent`` spaces (after its line break)."""
    return re.compile(rf"\n {{0,{indent - 1}}}(?! )[ \t]*[^ \t#\n]")


@functools.cache
def _level(indent: int) -> re.Pattern[str]:
    """A content line indented exactly ``indent`` spaces (after its line break)."""
    return re.compile(rf"\n {{{indent}}}(?! )(?=[ \t]*[^ \t#\n])")


@functools.cache
def _key_line(indent: int) -> re.Pattern[str]:
    """A content line indented exactly ``indent`` spaces that is not a ``-`` (after its line break)."""
    return re.compile(rf"\n {{{indent}}}[^ \t#\n-]")


def _whole_only(text: str) -> bool:
    """Whether the text must be parsed whole: line breaks other than ``\\n``, a byte order mark (libyaml
    skips one at the start of a line but counts its column; ``decode`` has removed the one that starts a
    file), directives or document markers, or an anchor anywhere."""
    if "\r" in text or (not text.isascii() and ("\ufeff" in text or any(b in text for b in _BREAKS))):
        return True
    if text.startswith(("%", "---", "...")) or _MARKER.search(text):
        return True
    at = text.find("&")
    while at >= 0:  # an anchor: `&` after a blank or an indicator, followed by a name
        if at + 1 < len(text) and not text[at + 1].isspace() and (at == 0 or text[at - 1] in " \t\n[{,:-"):
            return True
        at = text.find("&", at + 1)
    return False


def _cut(text: str, starts: list[int]) -> list[str]:
    return [text[a:b] for a, b in itertools.pairwise([0, *starts, len(text)])]


def _top_blocks(text: str) -> list[str] | None:
    """The text cut at every top-level key, or None when it must be parsed whole."""
    if _whole_only(text):
        return None
    first = _CONTENT.search(text)
    if first is None or first.end() - first.start() != 1 or text[first.start()] == "-":
        return None  # empty, or the root is not a block mapping at column 0
    return _cut(text, [m.start() + 1 for m in _key_line(0).finditer(text, first.end())])


def _items(body: str, indent: int) -> list[str] | None:
    """The items of a block sequence at ``indent`` (``body`` starts after a line break), or None."""
    if indent and _shallower(indent).search(body):
        return None
    starts = [m.start() + 1 for m in _level(indent).finditer(body)]
    if not starts or not all(_ITEM.match(body, s) for s in starts):
        return None
    first = _CONTENT.search(body)
    if first is None or first.start() < starts[0] or not _GAP.fullmatch(body, 1, starts[0]):
        return None
    return _cut(body, starts)[1:]


class ChunkedParser:
    """:func:`~labbook.load.yaml.parse` for many revisions of the same kind of file, memoised by piece.

    ``parse`` raises :class:`~labbook.load.yaml.LoadError` exactly when parsing the
    whole text would, with the located problem of the whole text. A piece seen
    before gives back the very same object, which :class:`~labbook.history.validated.Validator`
    relies on.
    """

    def __init__(self) -> None:
        self._leaves: dict[str, Any] = {}
        self._entries: dict[str, dict[Any, Any] | None] = {}
        self._elements: dict[str, tuple[Any] | None] = {}
        self.parsed = 0
        """Pieces parsed so far (a memo hit costs nothing)."""
        self.edits = OneLineEdits()
        """The last revision, for the next one when it only edits scalars of it."""

    def _one(self, name: str, text: str) -> Any:
        if text not in self._leaves:
            self.parsed += 1
            simple = _SIMPLE.match(text)
            if simple is not None and plain_str(simple.group(1)) and plain_str(simple.group(2)):
                # what libyaml and the resolver make of it, without them: {key: the text}
                self._leaves[text] = {simple.group(1): simple.group(2)}
            else:
                self._leaves[text] = parse(name, text)
        return self._leaves[text]

    def _mapping(self, name: str, text: str, indent: int, first: int) -> dict[Any, Any] | None:
        """A block mapping whose keys sit at column ``indent``, its first key at offset ``first``."""
        if indent and _shallower(indent).search(text):
            return None
        merged: dict[Any, Any] = {}
        for entry in _cut(text, [m.start() + 1 for m in _key_line(indent).finditer(text, first)]):
            value = self._entry(name, entry, indent)
            if value is None or not merged.keys().isdisjoint(value):
                return None
            merged.update(value)
        return merged

    def _entry(self, name: str, text: str, indent: int) -> dict[Any, Any] | None:
        """One entry of a block mapping: ``{key: value}``, or None when it is not one."""
        if text not in self._entries:
            value = self._nested(name, text, indent)
            if value is None:
                value = self._one(name, text)
                value = value if isinstance(value, dict) and len(value) == 1 else None
            self._entries[text] = value
        return self._entries[text]

    def _nested(self, name: str, text: str, indent: int) -> dict[Any, Any] | None:
        """``key:`` over a block sequence or a deeper block mapping, cut further; else None."""
        head = _CONTENT.search(text)
        end = text.find("\n", head.start()) if head else -1
        key = _BARE_KEY.match(text, head.end() - 1, end) if head and end >= 0 else None
        if key is None or not plain_str(key.group(1)) or not _GAP.fullmatch(text, 0, head.start()):
            return None
        body = text[end:]
        first = _CONTENT.search(body, 1)
        if first is None:
            return None
        item = _ITEM.match(body, first.start())
        if item is not None:
            texts = _items(body, len(item.group(1)))
            if texts is None:
                return None
            values = [self._element(name, t) for t in texts]
            return None if any(v is None for v in values) else {key.group(1): [v[0] for v in values]}  # type: ignore[index]
        deeper = first.end() - 1 - first.start()
        if deeper <= indent:
            return None
        value = self._mapping(name, body, deeper, first.start())
        return None if value is None else {key.group(1): value}

    def _element(self, name: str, text: str) -> tuple[Any] | None:
        """One item of a block sequence, as ``(value,)``, or None when it is not one."""
        if text not in self._elements:
            dash = _DASH_KEY.match(text)
            value = None
            if dash is not None:
                at = len(dash.group(1))
                mapping = self._mapping(name, f"{text[:at]} {text[at + 1 :]}", at + 1 + len(dash.group(2)), 0)
                value = None if mapping is None else (mapping,)
            if value is None:
                parsed = self._one(name, text)
                value = (parsed[0],) if isinstance(parsed, list) and len(parsed) == 1 else None
            self._elements[text] = value
        return self._elements[text]

    def parse(self, name: str, text: str, *, whole: bool = False) -> Any:
        """The parsed document, as the whole-text parse would give it (``whole``: parse it whole, when
        cutting would not pay off, as for one revision)."""
        tree = self.edits.edited(text)
        if tree is None:
            tree = parse(name, text) if whole else self._cut_parse(name, text)
            self.edits.remember(text, tree)
        return tree

    def _cut_parse(self, name: str, text: str) -> Any:
        blocks = _top_blocks(text)
        if blocks is not None:
            merged: dict[Any, Any] = {}
            try:
                for block in blocks:
                    value = self._entry(name, block, 0)
                    if value is None or not merged.keys().isdisjoint(value):
                        break
                    merged.update(value)
                else:
                    return merged
            except LoadError:
                pass
        return self._one(name, text)
