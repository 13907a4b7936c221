"""The history cache: every commit read, with its changes, so that a rebuild reads only new commits.

Two files per history (repository, folder, origin) under the cache folder
(``.cache/labbook/`` at the top of the work tree, which ``.gitignore`` keeps out
of Git). Each starts with a header line in JSON (:class:`Header`: the format,
the labbook version, the history, the ``marshal`` version), then binary data
written by :mod:`marshal`, the format Python's own ``__pycache__`` uses:

- ``….log``: frames, each a 4-byte length and one marshalled
  :class:`~labbook.history.table.Table` frame: the commits one run read, as
  columns, parents first. A run appends one frame (a run with nothing new writes
  nothing at all); the log is rewritten as one frame when commits went out of the
  history (a rebase, an amend), when it is first written, and every
  :data:`COMPACT` frames.
- ``….snapshot``: the :class:`Snapshot` of the last run, written after the log:
  the heads read and their states, the warnings, what the source remembers for
  the next run (the inventory: the last revision of each file and its parse, so
  that a new commit's bump is an edit of it, :mod:`labbook.history.edits`), and
  how many bytes of the log it vouches for, with their CRC-32. Its own payload
  follows its length and CRC-32, so it is written in place
  (:func:`~labbook.files.overwrite_sealed`): one written half, or by two runs at
  once, does not check out and is ignored.

A reader takes the log only up to the length the snapshot names, and only if the
CRC matches: an append cut short, bytes changed on disk, or a snapshot and a log
written by two runs at once, make the cache ignored and rebuilt, never trusted;
so does anything else unexpected (another format, labbook or Python, data that
does not unmarshal or is not a frame's outline, a commit twice, a clone that was
shallow and is not any more).

What a frame holds is checked value by value before it is written
(:func:`labbook.history.layout.check`; a run whose commits fail it writes
nothing), not each time it loads: :mod:`marshal` writes and loads back exactly
the types checked, and the CRC vouches that the bytes are the ones written. This
is how Git reads its own commit-graph file (the contents are verified by ``git
commit-graph verify``, not by every read) and Python its ``__pycache__``; the
snapshot, small, is still checked as it loads (:meth:`Snapshot.checked`). A log
made by hand, with its CRC made to match, is trusted as written. The two
histories of the 1,000-commit bench (``bench/history.py``) load in about 1 ms;
their changes are built when the timeline asks for them
(:class:`~labbook.history.table.Table`).
"""

from __future__ import annotations

import functools
import hashlib
import marshal
import struct
import zlib
from dataclasses import dataclass, field, fields
from itertools import chain
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict

from labbook import __version__
from labbook.cycles import without_cycle_collection
from labbook.files import overwrite_sealed, write_unsynced
from labbook.history.build import State
from labbook.history.layout import check, object_ids, only, packed, shaped
from labbook.history.sources import Source
from labbook.history.table import Table
from labbook.models.history import HistoryWarning, trusted_maker

FORMAT = 7
"""Bump when what is cached, or how facts are projected, changes."""

HEADS = 4
"""How many recent heads (and their states) are kept: a branch switch back and forth stays warm."""

COMPACT = 32
"""A log of this many frames is rewritten as one (each frame costs a little to load)."""

_WARNING = trusted_maker(HistoryWarning)
"""A warning of the snapshot, as checked by :meth:`Snapshot.checked` (not validated again)."""

_SIZE = struct.Struct("<I")
_SEAL = struct.Struct("<II")

Tip = bytes
"""A cached head's state, marshalled on its own (loaded only for the heads a run builds on): its
files (``{path: blob}``) and each file's partial result, as a tuple."""


@dataclass(slots=True)
class Cached:
    """What a previous run read."""

    table: Table
    """Every commit read."""
    heads: list[str] = field(default_factory=list)
    """Heads read, newest last."""
    tips: dict[str, State | Tip] = field(default_factory=dict)
    """The states of those heads (as cached: marshalled files and parts, composed by :func:`tip_state`
    when needed)."""
    warnings: list[HistoryWarning] = field(default_factory=list)
    """Revisions that did not read."""
    boundary: list[str] = field(default_factory=list)
    """The shallow boundary at the time."""
    log_size: int = 0
    """Bytes of the log the snapshot vouched for (0: no log yet)."""
    log_crc: int = 0
    """Their CRC-32."""
    logged: int = 0
    """Commits in those bytes."""
    frames: int = 0
    """Frames in those bytes."""
    remembered: dict[str, Any] = field(default_factory=dict)
    """What the source asked to start this run from."""


def cache_path(folder: Path, source: Source) -> Path:
    """The snapshot file of one history under ``folder`` (its log: the same name ending in ``.log``)."""
    key = f"{source.repo.real_root}|{source.key()}"
    digest = hashlib.sha256(key.encode()).hexdigest()[:16]
    return folder / f"history-{source.origin}-{digest}.snapshot"


class Header(BaseModel):
    """What wrote a cache file, and which history it is about."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    format: int
    """:data:`FORMAT` when written."""
    labbook: str
    """The labbook version that wrote it."""
    key: str
    """The history it is about (:meth:`Source.key`)."""


class Binary(Header):
    """The first line of a log or snapshot: the header, and the :mod:`marshal` format of what follows."""

    marshal: int
    """``marshal.version`` when written."""


@dataclass(frozen=True, slots=True)
class Snapshot:
    """The snapshot file's payload (marshalled as a tuple of these fields, in this order)."""

    boundary: list[str]
    """The shallow boundary at the time."""
    heads: list[str]
    """Recent heads read, newest last."""
    tips: dict[str, Tip]
    """Their states."""
    warnings: list[tuple[str, str, str, str]]
    """Revisions that did not read (:class:`HistoryWarning`'s fields, in order)."""
    remembered: dict[str, Any]
    """What the history's source asked to start the next run from (:meth:`Source.remembered`)."""
    log_size: int
    """Bytes of the log written by that run."""
    log_crc: int
    """CRC-32 of those bytes."""
    logged: int
    """Commits in those bytes."""
    frames: int
    """Frames in those bytes."""

    def checked(self) -> bool:
        """Whether every field has its type (the tips' parts and the remembered values are checked by
        their users: :func:`tip_state`, :meth:`Source.recall`)."""
        return (
            type(self.boundary) is list
            and type(self.heads) is list
            and type(self.tips) is dict
            and type(self.warnings) is list
            and all(type(w) is tuple and len(w) == 4 and all(type(v) is str for v in w) for w in self.warnings)
            and object_ids([*self.boundary, *self.heads, *self.tips, *(w[2] for w in self.warnings)])
            and only(self.tips.values(), bytes)
            and type(self.remembered) is dict
            and all(type(v) is int for v in (self.log_size, self.log_crc, self.logged, self.frames))
        )


def _log(path: Path) -> Path:
    return path.with_suffix(".log")


def _header(source: Source) -> bytes:
    return _header_of(source.key())


@functools.lru_cache(maxsize=16)
def _header_of(key: str) -> bytes:
    return (
        Binary(format=FORMAT, labbook=__version__, key=key, marshal=marshal.version).model_dump_json().encode() + b"\n"
    )


def _body(data: bytes, source: Source) -> memoryview | None:
    """What follows the header line, when the header is this run's."""
    cut = data.find(b"\n") + 1
    return memoryview(data)[cut:] if cut and data[:cut] == _header(source) else None


def load(path: Path, source: Source) -> Cached | None:
    """The cache at ``path``, or None when there is none or it cannot be trusted."""
    with without_cycle_collection():
        try:
            return _load(path, source)
        except (OSError, EOFError, ValueError, TypeError, struct.error):  # what a damaged file raises
            return None


def _unseal(body: memoryview) -> Any:
    size, crc = _SEAL.unpack_from(body)
    payload = body[_SEAL.size :]
    if len(payload) != size or zlib.crc32(payload) != crc:
        raise ValueError("the snapshot is not the one its length and CRC name")
    return marshal.loads(payload)  # noqa: S302 - this cache's own bytes, length and CRC checked


def _load(path: Path, source: Source) -> Cached | None:
    body = _body(path.read_bytes(), source)
    if body is None:
        return None
    fields = _unseal(body)
    snap = Snapshot(*fields) if type(fields) is tuple else None
    if snap is None or not snap.checked():
        return None
    data = _log(path).read_bytes()[: snap.log_size]
    if len(data) != snap.log_size or zlib.crc32(data) != snap.log_crc:
        return None
    log = _body(data, source)
    if log is None:
        return None
    frames, pos = [], 0
    while pos < len(log):
        (size,) = _SIZE.unpack_from(log, pos)
        pos += _SIZE.size + size
        if pos > len(log):
            return None
        frame = marshal.loads(log[pos - size : pos])  # noqa: S302 - vouched for by the snapshot's CRC
        if not shaped(frame):
            return None
        frames.append(frame)
    if any(w[0] != source.origin for w in snap.warnings):
        return None
    table = Table.of(source.origin, frames)
    if table is None or len(table) != snap.logged or len(frames) != snap.frames:
        return None
    return Cached(
        table,
        snap.heads,
        dict(snap.tips),
        _WARNING({"origin": o, "path": p, "commit": c, "message": m} for o, p, c, m in snap.warnings),
        snap.boundary,
        snap.log_size,
        snap.log_crc,
        snap.logged,
        len(frames),
        remembered=snap.remembered,
    )


def tip_state(source: Source, tip: State | Tip) -> State | None:
    """The state of a cached head (its facts composed from its parts), or None when its parts do not
    compose (then the commit is read again from Git)."""
    if isinstance(tip, State):
        return tip
    try:
        files, parts = marshal.loads(tip)  # noqa: S302 - vouched for by the snapshot's CRC
    except (EOFError, ValueError, TypeError):  # not marshal, or not two values
        return None
    if type(files) is not dict or type(parts) is not dict or not only(chain.from_iterable(files.items()), str):
        return None
    try:
        facts, where = source.compose(parts)
    except (AttributeError, KeyError, TypeError, ValueError):
        return None
    if not (only(facts.values(), dict) and only(chain.from_iterable(map(dict.items, facts.values())), tuple)):
        return None
    if not only(chain.from_iterable(chain.from_iterable(map(dict.items, facts.values()))), str):
        return None
    return State(files, parts, facts, where)


def _tip(state: State | Tip) -> Tip:
    """A head's state as the snapshot keeps it (one loaded and not changed goes back as it came)."""
    return state if type(state) is bytes else marshal.dumps((state.files, state.parts), marshal.version)


def _frame(table: Table, start: int = 0) -> bytes:
    """The rows from ``start`` on as a frame of the log; ValueError when they do not have the layout
    (:func:`~labbook.history.layout.check`: a writer's bug, and nothing is written)."""
    frame = table.frame(start)
    if not check(frame):
        raise ValueError("the commits read do not have the layout of the log")
    data = marshal.dumps(packed(frame), marshal.version)
    return _SIZE.pack(len(data)) + data


def _append(log: Path, cached: Cached, chunk: bytes) -> bool:
    """Append ``chunk`` after the part of the log the snapshot vouched for; False when it cannot."""
    try:
        with log.open("r+b") as fh:
            fh.truncate(cached.log_size)
            fh.seek(cached.log_size)
            fh.write(chunk)
    except OSError:
        return False
    return True


def save(path: Path, source: Source, cached: Cached) -> None:
    """Append the commits read to the log (or rewrite it as one frame, see :data:`COMPACT`), then write
    the snapshot in place (:func:`~labbook.files.overwrite_sealed`: it is sealed by its own length and
    CRC; a log written whole goes through a rename, :func:`~labbook.files.write_unsynced`; an append
    cut short fails the log's length and CRC). Nothing is written when the commits read do not
    have the log's layout or a value cannot be marshalled."""
    table = cached.table
    with without_cycle_collection():
        try:
            _save(path, source, cached, table)
        except ValueError:  # a frame without the layout, or a value marshal does not take (neither is
            return  # expected): nothing written, and the next run reads these commits again


def _save(path: Path, source: Source, cached: Cached, table: Table) -> None:
    log = _log(path)
    new = len(table) - table.logged
    frames = cached.frames + (1 if new else 0)
    chunk = b""
    if cached.log_size and table.logged == cached.logged and frames <= COMPACT:
        chunk = _frame(table, table.logged) if new else b""
        appended = _append(log, cached, chunk)
    else:
        appended = False
    if appended:
        size, crc = cached.log_size + len(chunk), zlib.crc32(chunk, cached.log_crc)
    else:  # the log written whole, as one frame
        data = _header(source) + _frame(table)
        write_unsynced(log, data)
        path.with_suffix(".json").unlink(missing_ok=True)  # the snapshot of format 5 and before, if any
        size, crc, frames = len(data), zlib.crc32(data), 1
    heads = cached.heads[-HEADS:]
    snap = Snapshot(
        boundary=cached.boundary,
        heads=heads,
        tips={sha: _tip(s) for sha, s in cached.tips.items() if sha in heads},
        warnings=[(w.origin, w.path, w.commit, w.message) for w in cached.warnings],
        remembered=source.remembered(),
        log_size=size,
        log_crc=crc,
        logged=len(table),
        frames=frames,
    )
    payload = marshal.dumps(tuple(getattr(snap, f.name) for f in fields(Snapshot)), marshal.version)
    overwrite_sealed(path, _header(source) + _SEAL.pack(len(payload), zlib.crc32(payload)) + payload)
