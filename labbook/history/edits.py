"""A revision that differs from the one before only in scalar values, line for line, built without parsing.

Most commits to an inventory edit one line: ``version: 1.18.4`` becomes
``version: 1.18.5``. :class:`OneLineEdits` recognises such revisions and builds
the new document from the previous revision's parsed document with those values
replaced (the containers on the way to each copied, every other object shared),
so a chart bump costs a text comparison, not a parse.

What makes the shortcut exact, and what is checked before taking it:

- the two texts have the same lines but for some that changed in place (a
  common prefix and a common suffix found in C by slices; between them, the same
  number of lines in both);
- each changed line is ``<indent><key>: <value>`` (an optional comment after it)
  on both revisions, with the same indent and the same key, and only printable
  characters; the value is a plain scalar of letters, digits and ``._/+-`` (a
  first letter or digit) or such characters in single or double quotes, so no
  escape, no flow indicator, no anchor, no tag, no ``:`` and no ``#`` can be in
  it;
- in the *previous* revision's document (composed by libyaml, the parser the
  located loader uses), each such line holds a mapping key with a plain string
  key, whose scalar value starts and ends on that line (so a value that goes on
  to the next line is never one). This index from line to path is built once per
  document structure and stays valid while only such values change (line
  numbers, keys and containers stay as they are). A document with an alias, a
  merge key, an ``!!omap``/``!!pairs``/``!!set`` collection or a line break other
  than ``\\n`` has no index: one line could be two places in the tree;
- each new value is typed by the same loader (``1.18.5`` a string, ``8`` an
  integer, ``2025-01-01`` a date), from the value text alone.

Everything around the edited values is the same text, and what a line's own
tokens are does not depend on the scalar's characters (all of them plain-safe), so
the whole-text parse of the new revision is the previous one with those values
replaced. Anything else (a line added or removed, a key renamed, a value with
other characters, a line that is not a key of the document) is not an edit here,
and the caller parses the text its own way. An index costs about
:data:`INDEX_COST` ordinary parses, so a history whose structure keeps changing
builds one only as often as edits pay for it. ``tests/history/test_edits.py``
checks the result against the whole-text parse over sequences of random edits
and against look-alike lines (``tests/history/README.md``).
"""

from __future__ import annotations

import functools
import marshal
import math
import re
from itertools import chain
from operator import itemgetter
from typing import Any

import yaml

from labbook.load.yaml import LoadError, LocatedDict, LocatedList, parse, plain_str

try:
    _Composer = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _Composer = yaml.SafeLoader  # type: ignore[misc,assignment]

_LINE = re.compile(
    r"( *)([A-Za-z_][A-Za-z0-9_-]*):[ ]+"
    r"(\"[A-Za-z0-9._/+-]*\"|'[A-Za-z0-9._/+-]*'|[A-Za-z0-9][A-Za-z0-9._/+-]*)"
    r"[ \t]*(?:[ \t]#[^\n]*)?"
)
"""``<indent><key>: <value>`` with a simple scalar value and an optional comment (matched whole)."""

Path = tuple[Any, ...]
"""Keys and list indexes from the document's root to a value."""


INDEX_COST = 16
"""What indexing a revision costs, in revisions parsed the ordinary way (composing ``platform.yaml``
takes about 16 times as long as a chunked parse of one of its revisions)."""
_MERGE = "tag:yaml.org,2002:merge"
_MAP, _SEQ = "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"
_NO_VALUE = object()
_OTHER_BREAKS = ("\r", "\x85", "\u2028", "\u2029")
"""Line breaks for YAML besides ``\\n``: with any of them, YAML's line numbers are not the text's."""


@functools.lru_cache(maxsize=4096)
def _scalar(text: str) -> Any:
    """What the located loader makes of a simple scalar's text (``'x'``/``"x"``: the string x)."""
    if text[0] in "'\"":
        return text[1:-1]
    if plain_str(text):
        return text
    try:
        return parse("<value>", f"v: {text}\n")["v"]
    except LoadError:  # pragma: no cover - every text _LINE admits parses
        return _NO_VALUE


class _Shared(Exception):
    """A node reached twice (an alias), or a merge key: one line would be two places in the tree; or a
    collection the loader does not build as a dict or a list (``!!omap``, ``!!pairs``, ``!!set``)."""


def _leaves(node: yaml.Node, path: Path | None, out: dict[int, tuple[Path, int, str]], seen: set[int]) -> None:
    """Every mapping value that is a scalar on its plain key's line: ``{line: (path, column, key)}``
    (``path`` None: under a key that is not a plain string, walked only to find aliases and merge keys)."""
    if id(node) in seen:
        raise _Shared
    seen.add(id(node))
    if node.tag != {yaml.MappingNode: _MAP, yaml.SequenceNode: _SEQ}.get(type(node), node.tag):
        raise _Shared  # tuples or a set in the tree: no path into them, nor through them to an alias
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE:
                raise _Shared
            key = key_node.value
            if path is None or not isinstance(key_node, yaml.ScalarNode) or key_node.style or not plain_str(key):
                inner = None  # a key that is not a plain string: no path through it (its lines are not edits)
            else:
                inner = (*path, key)
            if isinstance(value_node, yaml.ScalarNode):
                line = key_node.start_mark.line
                if inner is not None and value_node.start_mark.line == line == value_node.end_mark.line:
                    out[line + 1] = (inner, key_node.start_mark.column + 1, key)
            else:
                _leaves(value_node, inner, out, seen)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _leaves(item, None if path is None else (*path, i), out, seen)


def _index(text: str) -> dict[int, Path]:
    """``{line number: path}`` of the lines that are one simple ``key: value`` of the document (see the
    module docstring); empty when the text does not compose, or has aliases, merge keys, ``!!omap``,
    ``!!pairs`` or ``!!set`` collections, or line breaks other than ``\\n``."""
    if any(b in text for b in _OTHER_BREAKS):
        return {}
    loader = _Composer(text)
    found: dict[int, tuple[Path, int, str]] = {}
    try:
        root = loader.get_single_node()
        if root is not None:
            _leaves(root, (), found, set())
    except (yaml.YAMLError, ValueError, RecursionError, _Shared):
        return {}
    finally:
        loader.dispose()
    lines = text.split("\n")
    index: dict[int, Path] = {}
    for number, (path, column, key) in found.items():
        m = _LINE.fullmatch(lines[number - 1])
        if m is not None and m.group(2) == key and len(m.group(1)) == column - 1:
            index[number] = path
    return index


_PLAIN = frozenset({str, int, float, bool, type(None)})
"""The scalar types the cache keeps exactly."""


class _NotPlain(Exception):
    """A parse holds a value the cache would not give back exactly."""


def _plain(tree: Any) -> Any:
    """``tree`` with located containers as plain ones, or :class:`_NotPlain` when it holds a value that
    JSON would not give back exactly, types included (the cache keeps what JSON would keep)."""
    kind = type(tree)
    if kind is dict or kind is LocatedDict:
        if not all(type(k) is str for k in tree):
            raise _NotPlain
        return {k: _plain(v) for k, v in tree.items()}
    if kind is list or kind is LocatedList:
        return [_plain(v) for v in tree]
    if _plain_scalar(tree):
        return tree
    raise _NotPlain


def _plain_scalar(value: Any) -> bool:
    """Whether ``value`` is a scalar JSON gives back exactly, type included."""
    kind = type(value)
    return kind in _PLAIN and (kind is not float or math.isfinite(value))


def _replaced(tree: Any, path: Path, value: Any) -> Any:
    """``tree`` with the value at ``path`` replaced: the containers on the way copied, the rest shared."""
    if not path:
        return value
    head = path[0]
    copy = dict(tree) if isinstance(tree, dict) else list(tree)
    copy[head] = _replaced(tree[head], path[1:], value)
    return copy


def _common_prefix(a: str, b: str) -> int:
    """The length of the common prefix (a binary search that compares only the range still in doubt)."""
    lo, hi = 0, min(len(a), len(b))
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a.startswith(b[lo:mid], lo):
            lo = mid
        else:
            hi = mid - 1
    return lo


def _common_suffix(a: str, b: str, limit: int) -> int:
    """The length of the common suffix, at most ``limit``."""
    lo, hi, la, lb = 0, limit, len(a), len(b)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a.endswith(b[lb - mid : lb - lo], 0, la - lo):
            lo = mid
        else:
            hi = mid - 1
    return lo


def _line_end(text: str, at: int) -> int:
    end = text.find("\n", at)
    return len(text) if end < 0 else end


def _restorable(saved: Any) -> tuple[dict[int, Path] | None] | None:
    """``(index,)`` of what :meth:`OneLineEdits.export` gave when it has that shape, else None; the
    index's rows are checked a column at a time, in C."""
    if type(saved) is not dict or type(saved.get("text")) is not str or "tree" not in saved:
        return None
    rows = saved.get("index")
    if rows is None:
        return (None,)
    if type(rows) is not list or not set(map(type, rows)) <= {list} or not set(map(len, rows)) <= {2}:
        return None
    lines, paths = list(map(itemgetter(0), rows)), list(map(itemgetter(1), rows))
    if not (set(map(type, lines)) <= {int} and set(map(type, paths)) <= {list}):
        return None
    if not set(map(type, chain.from_iterable(paths))) <= {str, int}:
        return None
    return (dict(zip(lines, map(tuple, paths), strict=True)),)


class OneLineEdits:
    """The last revision parsed, and the next one when it edits scalars of it line by line."""

    def __init__(self) -> None:
        self._text: str | None = None
        self._tree: Any = None
        self._index: dict[int, Path] | None = None
        self._plain_tree: Any = None
        """:attr:`_tree` when it is known to hold plain values only (restored, then edited with plain
        values), so that :meth:`export` need not copy it; else None."""
        self._saved: Any = None
        """What :meth:`restore` was given, taken when first needed: a run usually changes one file, and
        the others' revisions are handed to :meth:`export` as they came."""
        self._budget = INDEX_COST
        """What an index may cost, in revisions: the first one is free, and every edit-shaped revision
        since pays for one more, so a history whose structure keeps changing never spends much more on
        indexes than it would have on parsing."""
        self.taken = 0
        """Revisions built as edits so far."""
        self.indexed = 0
        """Indexes built so far."""

    def export(self) -> bytes | None:
        """The last revision, its parse and its index, marshalled, for the next run (:meth:`restore`);
        None when the parse holds anything JSON would not give back exactly (a date, a key that is not
        a string, a float that is not finite, a string subclass). A revision restored and not used
        since is handed back as it came."""
        if self._saved is not None:
            return self._saved if type(self._saved) is bytes else None
        if self._text is None:
            return None
        try:
            tree = self._tree if self._plain_tree is self._tree else _plain(self._tree)
        except _NotPlain:
            return None
        index = [[line, list(path)] for line, path in (self._index or {}).items()]
        saved = {"text": self._text, "tree": tree, "index": index if self._index is not None else None}
        return marshal.dumps(saved, marshal.version)

    def restore(self, saved: Any) -> None:
        """Take back what :meth:`export` gave, when first needed (ignored unless it loads and has that
        shape). The parse is taken to be the text's, as the cache's CRC vouches; an edit whose path is
        not in it is declined."""
        self._saved = saved

    def _take(self) -> None:
        saved, self._saved = self._saved, None
        try:
            loaded = marshal.loads(saved) if type(saved) is bytes else saved  # noqa: S302 - vouched for by the CRC
        except (EOFError, ValueError, TypeError):
            return
        restored = _restorable(loaded)
        if restored is not None:
            self._text, self._tree, self._index = loaded["text"], loaded["tree"], restored[0]
            self._plain_tree = self._tree

    def remember(self, text: str, tree: Any) -> None:
        """``tree`` is the whole-text parse of ``text`` (as plain values or located ones)."""
        self._text, self._tree, self._index, self._plain_tree, self._saved = text, tree, None, None, None

    def edited(self, text: str) -> Any | None:
        """The parse of ``text`` built from the last revision remembered, or None when ``text`` is not
        an edit of it (then parse it and :meth:`remember` the result)."""
        if self._saved is not None:
            self._take()
        old = self._text
        if old is None or old == text:
            return None
        start = _common_prefix(old, text)
        start = old.rfind("\n", 0, start) + 1
        end_old, end_new = _line_end(old, start), _line_end(text, start)
        if old[end_old:] == text[end_new:]:  # the usual case: one line changed
            was_lines, new_lines = [old[start:end_old]], [text[start:end_new]]
        else:
            end = len(old) - _common_suffix(old, text, min(len(old), len(text)) - start)
            was_lines = old[start : _line_end(old, end)].split("\n")
            new_lines = text[start : _line_end(text, end + len(text) - len(old))].split("\n")
        if len(was_lines) != len(new_lines):
            return None  # lines added or removed
        edits = []
        for offset, (was_line, new_line) in enumerate(zip(was_lines, new_lines, strict=True)):
            if was_line == new_line:
                continue
            new = _LINE.fullmatch(new_line)
            was = _LINE.fullmatch(was_line)
            if new is None or was is None or new.group(1, 2) != was.group(1, 2) or not new_line.isprintable():
                return None  # not the same key, or characters the parser would refuse (or take as a break)
            edits.append((offset, new.group(3)))
        if self._index is None:
            self._budget = min(self._budget + 1, INDEX_COST)
            if self._budget < INDEX_COST:
                return None
            self._budget -= INDEX_COST
            self._index = _index(old)
            self.indexed += 1
        first = old.count("\n", 0, start) + 1
        tree = self._tree
        plain = self._plain_tree is tree
        for offset, value_text in edits:
            path = self._index.get(first + offset)
            value = _scalar(value_text)
            if path is None or value is _NO_VALUE:
                return None
            try:
                tree = _replaced(tree, path, value)
            except (KeyError, IndexError, TypeError):  # a restored parse that is not its text's (see restore)
                return None
            plain = plain and _plain_scalar(value)
        self._text, self._tree = text, tree
        self._plain_tree = tree if plain else None
        self.taken += 1
        self._budget = min(self._budget + 1, INDEX_COST)  # paid for the next index, and no more
        return tree
