"""Every commit of one history, kept as columns: the cache's own layout, with objects built when asked for.

A warm run must not build a thousand commit and record objects to answer for one
new commit. The cache's log (:mod:`labbook.history.cache`) holds the commits as
columns (one list per field, parents first); a :class:`Table` keeps those lists
as they load and answers from them: a commit's parents, date and files are list
lookups, and a commit's :class:`~labbook.models.history.Change` objects are built
the first time the timeline asks for them (once per commit, sharing one
:class:`~labbook.models.history.CommitRef`).

The columns of :data:`~labbook.history.layout.LAZY` (parents, files) stay
marshalled until first asked for: a run that adds a commit on top of the last
one and builds the changes never asks; questions about dates do (the site's entry
boxes).
"""

from __future__ import annotations

import datetime as dt
import marshal
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import accumulate, chain, compress, filterfalse, repeat
from operator import attrgetter
from typing import Any

from labbook.history.build import Record
from labbook.history.git import zone
from labbook.history.layout import COLUMNS, LAZY, ChangeRow
from labbook.history.sources import Files
from labbook.models.history import Change, CommitRef, Origin, trusted_maker

_REF = trusted_maker(CommitRef)
_CHANGE = trusted_maker(Change)
_AT = dt.datetime.fromtimestamp


def _change_row(c: Change) -> ChangeRow:
    return (c.subject, c.action, c.field, c.before, c.after, c.summary, list(c.refs), c.path)


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
    _pending: dict[int, list[tuple[int, int, bytes]]] = field(default_factory=dict)
    """Columns of :data:`LAZY` not loaded yet: ``{column: [(first row, rows, marshalled column)]}``,
    their rows held by None until :meth:`_column` loads them."""

    @classmethod
    def of(cls, origin: Origin, frames: list[tuple[Any, ...]]) -> Table | None:
        """The table of the log's frames (each :func:`~labbook.history.layout.shaped`; their values were
        checked before they were written), or None when a commit is there twice. A column of
        :data:`LAZY` given as bytes is loaded when first asked for."""
        if not frames:
            return cls(origin)
        # the later frames appended to the first one's lists (usually the long one)
        columns = tuple(col if type(col) is list else [] for col in frames[0])
        table, start = cls(origin, columns), 0
        for frame in frames:
            count = len(frame[0])
            for i, (col, more) in enumerate(zip(columns, frame, strict=True)):
                if type(more) is bytes:
                    table._pending.setdefault(i, []).append((start, count, more))
                    col.extend(repeat(None, count))
                elif more is not col:
                    col.extend(more)
            start += count
        table.logged = len(columns[0])
        table.index = dict(zip(columns[0], range(len(columns[0])), strict=True))
        return table if len(table.index) == len(columns[0]) else None

    def _column(self, i: int) -> list[Any]:
        """Column ``i``, its rows from the log loaded first if they are not yet (:data:`LAZY`)."""
        col = self.columns[i]
        for start, count, blob in self._pending.pop(i, ()):
            loaded = marshal.loads(blob)  # noqa: S302 - checked before it was written, vouched for by the CRC
            if type(loaded) is not list or len(loaded) != count:  # not what was written: no answer, not a wrong row
                loaded = [LAZY[i]] * count
            col[start : start + count] = loaded
        return col

    def _load_all(self) -> None:
        """Every column whole (commits dropped, or the log written again)."""
        for i in list(self._pending):
            self._column(i)

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
        self._load_all()
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
        if start < self.logged:
            self._load_all()
        changes = self.columns[8]
        new = max(start, self.logged)
        rows = changes[start:new] + [[_change_row(c) for c in built] for built in changes[new:]]
        return (*(col[start:] for col in self.columns[:8]), rows)

    # -- one commit ---------------------------------------------------------------------------

    def parents(self, sha: str) -> tuple[str, ...]:
        """A commit's parents."""
        return self._column(1)[self.index[sha]]

    def day(self, sha: str) -> dt.date:
        """A commit's date in the committer's time zone."""
        i = self.index[sha]
        return dt.datetime.fromtimestamp(self.columns[2][i], zone(self.columns[3][i])).date()

    def files(self, sha: str) -> Files | None:
        """A commit's files, when the source keeps them."""
        i = self.index.get(sha)
        return None if i is None else self._column(7)[i]

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
