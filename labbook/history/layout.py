"""The layout of the history cache's log: a frame's columns, and the checks a frame passes before it is
written (:func:`check`) and as it loads (:func:`shaped`).

A frame is checked before it is written to the log, a column at a time in C
(``map`` and ``itertools.chain``), not an object at a time: a run whose commits
do not have the layout writes nothing. A loaded frame is taken on its CRC
(:mod:`labbook.history.cache`) and its outline.
"""

from __future__ import annotations

import marshal
from collections.abc import Iterable
from itertools import chain
from typing import Any, get_args

from labbook.models.history import Action

COLUMNS = ("sha", "parents", "time", "offset", "author", "message", "boundary", "files", "changes")
"""The columns, in the log's order: a commit's six fields (:class:`~labbook.history.git.Commit`), then
whether it is a shallow boundary, its files (None unless the source keeps them) and its changes."""

LAZY: dict[int, Any] = {COLUMNS.index("parents"): (), COLUMNS.index("files"): None}
"""Columns a frame keeps marshalled on their own, loaded when first asked for (:class:`Table`): a warm
run that adds a commit and builds the changes needs neither a commit's parents nor its files. Each
with what a row holds when the bytes are not the frame's column: no parents, no files."""

ChangeRow = tuple[str, str, str | None, str | None, str | None, str, list[str], str]
"""A change without its origin and commit (the history's and the row's): subject, action, field,
before, after, summary, refs, path."""

_ACTIONS = frozenset(get_args(Action))
_TIMES = (-62135510400, 253402128000)
"""Commit times a date can be made of in any time zone (0001-01-02 to 9999-12-30, UTC)."""
_DAY = 24 * 60
"""A UTC offset is less than a day either way, in minutes."""
_ID_LENGTHS = frozenset({40, 64})
"""SHA-1 and SHA-256 object ids, in hex."""


def only(values: Any, *types: type) -> bool:
    """Whether every value is exactly one of ``types`` (a subclass is not: ``bool`` is not ``int``)."""
    return set(map(type, values)) <= set(types)


def shaped(columns: Any) -> bool:
    """Whether ``columns`` has a frame's outline: a tuple of one list per column (or, for a column of
    :data:`LAZY`, its bytes), the lists all of one length."""
    if type(columns) is not tuple or len(columns) != len(COLUMNS):
        return False
    lists = [col for i, col in enumerate(columns) if i not in LAZY or type(col) is not bytes]
    return only(lists, list) and len(set(map(len, lists))) <= 1


def packed(columns: tuple[list[Any], ...]) -> tuple[Any, ...]:
    """A frame as the log keeps it: each column of :data:`LAZY` marshalled on its own."""
    return tuple(marshal.dumps(col, marshal.version) if i in LAZY else col for i, col in enumerate(columns))


def check(columns: Any) -> bool:
    """Whether ``columns`` (a frame, before it is written to the log) has the layout :class:`Table`
    keeps, value by value. A column at a time, in C: the types of all strings are taken in one pass,
    and so on. :mod:`marshal` writes exactly these types and loads them back as they were."""
    if not shaped(columns) or not only(columns, list):
        return False
    sha, parents, time, offset, author, message, boundary, files, changes = columns
    if not only(changes, list) or not only(files, dict, type(None)):
        return False
    distinct = dict(zip(map(id, files), files, strict=True))  # a commit shares its parent's files
    distinct.pop(id(None), None)
    rows = list(chain.from_iterable(changes))
    if not (only(parents, tuple) and only(rows, tuple) and set(map(len, rows)) <= {len(get_args(ChangeRow))}):
        return False
    subject, action, fld, before, after, summary, refs, path = zip(*rows, strict=True) if rows else ((),) * 8
    keys = chain.from_iterable(map(dict.keys, distinct.values()))
    values = chain.from_iterable(map(dict.values, distinct.values()))
    return (
        only(refs, list)
        and all(map(_strings, (sha, author, message, subject, summary, path, keys, values)))
        and _strings(chain.from_iterable(parents))
        and _strings(chain.from_iterable(refs))
        and only(chain(time, offset), int)
        and (not time or (_TIMES[0] <= min(time) and max(time) <= _TIMES[1]))
        and (not offset or (min(offset) > -_DAY and max(offset) < _DAY))
        and object_ids(sha)
        and object_ids(list(chain.from_iterable(parents)))
        and only(boundary, bool)
        and set(action) <= _ACTIONS
        and only(chain(fld, before, after), str, type(None))
    )


def object_ids(values: list[Any]) -> bool:
    """Whether every value is a Git object id (40 or 64 hex digits), checked in C."""
    try:
        joined = "".join(values)
        return set(map(len, values)) <= _ID_LENGTHS and len(bytes.fromhex(joined)) * 2 == len(joined)
    except (TypeError, ValueError):  # not a string; not hex (fromhex skips whitespace: the length tells)
        return False


def _strings(values: Iterable[Any]) -> bool:
    """Whether every value is a string (``str.join`` checks it in C; what :mod:`marshal` loads is never
    a subclass)."""
    try:
        "".join(values)
    except TypeError:
        return False
    return True
