"""Every commit of one history, kept as columns: the cache's own layout, with objects built when asked for.

A warm run must not build a thousand commit and record objects to answer for one
new commit. The cache's log (:mod:`labbook.history.cache`) holds the commits as
columns (one list per field, parents first); a :class:`Table` keeps those lists
as they load and answers from them: a commit's parents, date and files are list
lookups, and a commit's :class:`~labbook.models.history.Change` objects are built
the first time the timeline asks for them (once per commit, sharing one
:class:`~labbook.models.history.CommitRef`).

A frame is checked before it is written to the log (:func:`check`), a column at
a time in C (``map`` and ``itertools.chain``), not an object at a time: a run
whose commits do not have the layout writes nothing. A loaded frame is taken on
its CRC (:mod:`labbook.history.cache`) and its outline (:func:`shaped`).
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import accumulate, chain, compress, filterfalse, repeat
from operator import attrgetter
from typing import Any, get_args

from labbook.history.build import Record
from labbook.history.git import zone
from labbook.history.sources import Files
from labbook.models.history import Action, Change, CommitRef, Origin, trusted_maker

COLUMNS = ("sha", "parents", "time", "offset", "author", "message", "boundary", "files", "changes")
"""The columns, in the log's order: a commit's six fields (:class:`~labbook.history.git.Commit`), then
whether it is a shallow boundary, its files (None unless the source keeps them) and its changes."""

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
_REF = trusted_maker(CommitRef)
_CHANGE = trusted_maker(Change)
_AT = dt.datetime.fromtimestamp


def _change_row(c: Change) -> ChangeRow:
    return (c.subject, c.action, c.field, c.before, c.after, c.summary, list(c.refs), c.path)


def only(values: Any, *types: type) -> bool:
    """Whether every value is exactly one of ``types`` (a subclass is not: ``bool`` is not ``int``)."""
    return set(map(type, values)) <= set(types)


def shaped(columns: Any) -> bool:
    """Whether ``columns`` has a frame's outline: a tuple of one list per column, all of one length."""
    return (
        type(columns) is tuple
        and len(columns) == len(COLUMNS)
        and only(columns, list)
        and len(set(map(len, columns))) <= 1
    )


def check(columns: Any) -> bool:
    """Whether ``columns`` (a frame, before it is written to the log) has the layout :class:`Table`
    keeps, value by value. A column at a time, in C: the types of all strings are taken in one pass,
    and so on. :mod:`marshal` writes exactly these types and loads them back as they were."""
    if not shaped(columns):
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


@dataclass(slots=True)
class Table:
    """The commits of one history, parents first, as columns (see :data:`COLUMNS`)."""

    origin: Origin
    """Whose history: every change of it has this origin."""
    columns: tuple[list[Any], ...] = field(default_factory=lambda: tuple([] for _ in COLUMNS))
    """One list per column, a row per commit. The changes of a row read in this run are the
    :class:`Change` objects built for it (:meth:`frame` makes them rows of the log)."""
    logged: int = 0
    """How many rows, from the first, came from the cache's log (the rest were read in this run)."""
    index: dict[str, int] = field(default_factory=dict)
    """``{commit: row}``."""
    _changes: dict[int, list[Change]] = field(default_factory=dict)
    """The changes built so far, by row."""
    _refs: dict[int, CommitRef] = field(default_factory=dict)
    """The commit refs built so far, by row."""

    @classmethod
    def of(cls, origin: Origin, frames: list[tuple[list[Any], ...]]) -> Table | None:
        """The table of the log's frames (each :func:`shaped`; their values were checked before they were
        written), or None when a commit is there twice."""
        if not frames:
            return cls(origin)
        columns = frames[0]  # the later frames appended to the first one's lists (usually the long one)
        for frame in frames[1:]:
            for col, more in zip(columns, frame, strict=True):
                col.extend(more)
        table = cls(origin, columns, len(columns[0]))
        table.index = dict(zip(table.columns[0], range(len(table.columns[0])), strict=True))
        return table if len(table.index) == len(table.columns[0]) else None

    def __len__(self) -> int:
        return len(self.columns[0])

    def __contains__(self, sha: object) -> bool:
        return sha in self.index

    def add(self, records: list[Record]) -> None:
        """Append commits read in this run. Their rows hold the :class:`Change` objects as built (made
        rows of the log by :meth:`frame`), a column at a time in C."""
        start = len(self)
        commits = [rec.commit for rec in records]
        for col, name in zip(self.columns[:6], COLUMNS[:6], strict=True):
            col.extend(map(attrgetter(name), commits))
        for col, name in zip(self.columns[6:], COLUMNS[6:], strict=True):
            col.extend(map(attrgetter(name), records))
        self.index.update(zip(self.columns[0][start:], range(start, len(self)), strict=True))
        changes = self.columns[8]
        for row in compress(range(start, len(self)), changes[start:]):
            self._changes[row] = changes[row]
            self._refs[row] = changes[row][0].commit

    def keep(self, reachable: set[str]) -> None:
        """Drop the commits not in ``reachable`` (keeping the order)."""
        if len(reachable) >= len(self) and all(s in reachable for s in self.columns[0]):
            return
        kept = [s in reachable for s in self.columns[0]]
        old = list(compress(range(len(kept)), kept))
        self.columns = tuple(list(compress(col, kept)) for col in self.columns)
        self.logged = sum(kept[: self.logged])
        self._changes = {new: self._changes[i] for new, i in enumerate(old) if i in self._changes}
        self._refs = {new: self._refs[i] for new, i in enumerate(old) if i in self._refs}
        self.index = dict(zip(self.columns[0], range(len(self.columns[0])), strict=True))

    def frame(self, start: int = 0) -> tuple[list[Any], ...]:
        """The rows from ``start`` on, as a frame of the log (the changes of rows read in this run as
        rows, see :data:`ChangeRow`)."""
        changes = self.columns[8]
        new = max(start, self.logged)
        rows = changes[start:new] + [[_change_row(c) for c in built] for built in changes[new:]]
        return (*(col[start:] for col in self.columns[:8]), rows)

    # -- one commit ---------------------------------------------------------------------------

    def parents(self, sha: str) -> tuple[str, ...]:
        """A commit's parents."""
        return self.columns[1][self.index[sha]]

    def day(self, sha: str) -> dt.date:
        """A commit's date in the committer's time zone."""
        i = self.index[sha]
        return dt.datetime.fromtimestamp(self.columns[2][i], zone(self.columns[3][i])).date()

    def files(self, sha: str) -> Files | None:
        """A commit's files, when the source keeps them."""
        i = self.index.get(sha)
        return None if i is None else self.columns[7][i]

    def ref(self, row: int) -> CommitRef:
        """The :class:`CommitRef` of a row (one per commit, shared by its changes)."""
        return self.refs([row])[0]

    def refs(self, rows: list[int]) -> list[CommitRef]:
        """The :class:`CommitRef` of each row (built once per row, all at once)."""
        known = self._refs
        missing = list(filterfalse(known.__contains__, rows))
        if missing:
            sha, _, time, offset, author, message = self.columns[:6]
            dates = map(_AT, map(time.__getitem__, missing), map(zone, map(offset.__getitem__, missing)))
            made = _REF(
                [
                    {"sha": sha[r], "date": date, "author": author[r], "message": message[r]}
                    for r, date in zip(missing, dates, strict=True)
                ]
            )
            known.update(zip(missing, made, strict=True))
        return list(map(known.__getitem__, rows))

    # -- the changes --------------------------------------------------------------------------

    def times(self, rows: list[int]) -> list[int]:
        """The rows' committer times (seconds since the epoch)."""
        return list(map(self.columns[2].__getitem__, rows))

    def changes(self, owners: Callable[[str], list[str] | None] | None = None) -> tuple[list[int], list[list[Change]]]:
        """The rows of the commits that changed something (parents first) and what each changed (built
        on the first call). ``owners``: the refs of a subject that has other refs than those the
        history found (the timeline's components of a HelmRelease), or None; changes with such refs
        are built anew.

        Built in passes: the rows' changes in one list, each change's ``__dict__`` (a dict display,
        twice as fast as ``dict(zip(...))``), the changes (:func:`~labbook.models.history.trusted_maker`,
        in C), then each row's slice of them (in C); ``owners`` is asked once per subject."""
        memo, rows, logged = self._changes, self.columns[8], self.logged
        every = list(compress(range(len(rows)), rows))
        todo = every if owners is not None else list(filterfalse(memo.__contains__, every))
        cut = bisect_left(todo, logged)  # loaded rows hold rows of the log; rows read in this run, changes
        picked = list(map(rows.__getitem__, todo))
        flat = list(chain(chain.from_iterable(picked[:cut]), map(_change_row, chain.from_iterable(picked[cut:]))))
        counts = list(map(len, picked))
        found = {subject: owners(subject) for subject in {row[0] for row in flat}} if owners is not None else {}
        commits, origin = chain.from_iterable(map(repeat, self.refs(todo), counts)), self.origin
        made = _CHANGE(
            [
                {
                    "subject": subject,
                    "action": action,
                    "field": fld,
                    "before": before,
                    "after": after,
                    "summary": summary,
                    "refs": found.get(subject) or refs,
                    "origin": origin,
                    "path": path,
                    "commit": commit,
                }
                for (subject, action, fld, before, after, summary, refs, path), commit in zip(
                    flat, commits, strict=True
                )
            ]
        )
        ends = list(accumulate(counts))
        built = list(map(made.__getitem__, map(slice, [0, *ends[:-1]], ends)))
        if owners is not None:
            return todo, built
        memo.update(zip(todo, built, strict=True))
        return every, list(map(memo.__getitem__, every))
