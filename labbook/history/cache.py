"""The history cache: every commit read, with its changes, so that a rebuild reads only new commits.

Two files per history (repository, folder, origin) under the cache folder
(``.cache/labbook/`` at the top of the work tree, which ``.gitignore`` keeps out
of Git):

- ``….log``: a header line, then one line per commit read (a
  :class:`~labbook.history.build.Record` as JSON),
  parents first. A run appends the commits it read; the log is rewritten whole
  only when commits went out of the history (a rebase, an amend) or when it is
  first written.
- ``….json``: the :class:`Snapshot` of the last run, written after the log: the heads
  read and their states, the warnings, what the source remembers for the next
  run (the inventory: the last revision of each file and its parse, so that a new
  commit's bump is an edit of it, :mod:`labbook.history.edits`), and how many
  bytes of the log it vouches for, with their CRC-32.

A reader takes the log only up to the length the snapshot names, and only if the
CRC matches: an append cut short, or a snapshot and a log written by two runs at
once, make the cache ignored and rebuilt, never trusted. Both files are parsed
and validated by pydantic-core in one pass (the log straight into records, commits
and changes: a thousand commits load in 3-6 ms), and anything unexpected
in them (another format, another labbook version, JSON that does not parse or
does not validate, a clone that was shallow and is not any more) is treated the
same way.
"""

from __future__ import annotations

import hashlib
import os
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationError

from labbook import __version__
from labbook.cycles import without_cycle_collection
from labbook.files import atomic_write
from labbook.history.build import Record, State
from labbook.history.sources import Source
from labbook.models.history import HistoryWarning

FORMAT = 5
"""Bump when what is cached, or how facts are projected, changes."""

HEADS = 4
"""How many recent heads (and their states) are kept: a branch switch back and forth stays warm."""


@dataclass(slots=True)
class Cached:
    """What a previous run read."""

    records: dict[str, Record] = field(default_factory=dict)
    """Every commit read, by id."""
    heads: list[str] = field(default_factory=list)
    """Heads read, newest last."""
    tips: dict[str, State | Tip] = field(default_factory=dict)
    """The states of those heads (as cached: files and parts, composed by :func:`tip_state` when needed)."""
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
    remembered: dict[str, Any] = field(default_factory=dict)
    """What the source asked to start this run from."""


def cache_path(folder: Path, source: Source) -> Path:
    """The snapshot file of one history under ``folder`` (its log: the same name ending in ``.log``)."""
    key = f"{source.repo.root.resolve()}|{source.key()}"
    digest = hashlib.sha256(key.encode()).hexdigest()[:16]
    return folder / f"history-{source.origin}-{digest}.json"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Tip(_Model):
    """The state of a head: its files and each file's partial result."""

    files: dict[str, str]
    """``{path: blob}``."""
    parts: dict[str, Any]
    """``{path: partial result}`` (JSON: facts, or the Flux source's releases and charts)."""


class Header(_Model):
    """The first line of a log: what wrote it, and which history it is."""

    format: int
    """:data:`FORMAT` when written."""
    labbook: str
    """The labbook version that wrote it."""
    key: str
    """The history it is about (:meth:`Source.key`)."""


class Snapshot(Header):
    """The snapshot file: the last run's heads and states, and the part of the log it vouches for."""

    boundary: list[str]
    """The shallow boundary at the time."""
    heads: list[str]
    """Recent heads read, newest last."""
    tips: dict[str, Tip]
    """Their states."""
    warnings: list[HistoryWarning]
    """Revisions that did not read."""
    remembered: dict[str, Any] = {}
    """What the history's source asked to start the next run from (:meth:`Source.remembered`)."""
    log_size: int
    """Bytes of the log written by that run."""
    log_crc: int
    """CRC-32 of those bytes."""
    logged: int
    """Commits in those bytes."""


_RECORDS = TypeAdapter(list[Record])
"""A log line is a :class:`~labbook.history.build.Record` as JSON (its ``logged`` flag left out): pydantic-core
validates the lines straight into records, commits and changes, with no model in between."""


def _line(rec: Record) -> bytes:
    return _RECORD.dump_json(rec, exclude={"logged"}) + b"\n"


_RECORD = TypeAdapter(Record)


def _log(path: Path) -> Path:
    return path.with_suffix(".log")


def _header(source: Source) -> Header:
    return Header(format=FORMAT, labbook=__version__, key=source.key())


def load(path: Path, source: Source) -> Cached | None:
    """The cache at ``path``, or None when there is none or it cannot be trusted."""
    with without_cycle_collection():
        return _load(path, source)


def _load(path: Path, source: Source) -> Cached | None:
    try:
        snap = Snapshot.model_validate_json(path.read_bytes())
        if Header(format=snap.format, labbook=snap.labbook, key=snap.key) != _header(source):
            return None
        data = _log(path).read_bytes()[: snap.log_size]
        if len(data) != snap.log_size or zlib.crc32(data) != snap.log_crc:
            return None
        cut = data.find(b"\n") + 1
        if not cut or Header.model_validate_json(data[:cut]) != _header(source):
            return None
        body = data[cut:].rstrip(b"\n")
        logged = _RECORDS.validate_json(b"[" + body.replace(b"\n", b",") + b"]")
    except (OSError, ValidationError):
        return None
    records = {rec.commit.sha: rec for rec in logged}
    if len(logged) != snap.logged or len(records) != len(logged):
        return None
    for rec in logged:
        rec.logged = True
    tips: dict[str, State | Tip] = dict(snap.tips)
    return Cached(
        records,
        snap.heads,
        tips,
        snap.warnings,
        snap.boundary,
        snap.log_size,
        snap.log_crc,
        len(logged),
        remembered=snap.remembered,
    )


def tip_state(source: Source, tip: State | Tip) -> State | None:
    """The state of a cached head (its facts composed from its parts), or None when its parts do not
    compose (then the commit is read again from Git)."""
    if isinstance(tip, State):
        return tip
    try:
        facts, where = source.compose(tip.parts)
    except (AttributeError, KeyError, TypeError, ValueError):
        return None
    return State(tip.files, tip.parts, facts, where)


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


def write_file(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temp file and a rename, without ``fsync``.

    A reader sees the old file or the new one, never a mix (two runs writing at once: the last
    rename wins). Not synced, and it need not be: a snapshot whose log did not reach the disk
    before a crash fails the log's length and CRC, and the cache is rebuilt; the syncs would
    cost milliseconds a run. When the file cannot be written, :func:`~labbook.files.atomic_write`
    writes it instead and says what is wrong the way every other written file does."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(data)
        os.replace(tmp, path)
    except OSError:
        tmp.unlink(missing_ok=True)
        atomic_write(path, data.decode())


def save(path: Path, source: Source, cached: Cached) -> None:
    """Append the commits read to the log (or rewrite it whole when commits went out of the history),
    then write the snapshot (each whole file through a rename, see :func:`write_file`; an append cut
    short fails the log's length and CRC)."""
    new = [rec for rec in cached.records.values() if not rec.logged]
    with without_cycle_collection():
        chunk = b"".join(_line(rec) for rec in new)
        kept = len(cached.records) - len(new)
        log = _log(path)
        if cached.log_size and kept == cached.logged and _append(log, cached, chunk):
            size, crc = cached.log_size + len(chunk), zlib.crc32(chunk, cached.log_crc)
        else:
            lines = [_header(source).model_dump_json().encode() + b"\n"]
            lines += [_line(rec) for rec in cached.records.values() if rec.logged]
            whole = b"".join(lines) + chunk
            write_file(log, whole)
            size, crc = len(whole), zlib.crc32(whole)
        heads = cached.heads[-HEADS:]
        snap = Snapshot(
            format=FORMAT,
            labbook=__version__,
            key=source.key(),
            boundary=cached.boundary,
            heads=heads,
            tips={
                sha: s if isinstance(s, Tip) else Tip(files=s.files, parts=s.parts)
                for sha, s in cached.tips.items()
                if sha in heads
            },
            warnings=cached.warnings,
            remembered=source.remembered(),
            log_size=size,
            log_crc=crc,
            logged=len(cached.records),
        ).model_dump_json()
    write_file(path, snap.encode())
