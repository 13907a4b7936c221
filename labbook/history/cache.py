"""The history cache: every commit read, with its changes, so that a rebuild reads only new commits.

One JSON file per history (repository, folder, origin) under the cache folder
(``.cache/labbook/`` at the top of the work tree, which ``.gitignore`` keeps out
of Git). It is written atomically, and read back through pydantic models
(:class:`CacheFile`), parsed and validated by pydantic-core in one pass: a
thousand commits and their changes load in a few milliseconds, and nothing in
the file is used unchecked. Anything unexpected in it (another format, another
labbook version, JSON that does not parse or does not validate, a clone that was
shallow and is not any more) makes it ignored and rebuilt, never trusted.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from labbook import __version__
from labbook.files import atomic_write
from labbook.history.build import Record, State, collector_paused
from labbook.history.git import Commit
from labbook.history.sources import Source
from labbook.models.history import Change, HistoryWarning

FORMAT = 3
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
    tips: dict[str, State] = field(default_factory=dict)
    """The states of those heads."""
    warnings: list[HistoryWarning] = field(default_factory=list)
    """Revisions that did not read."""
    boundary: list[str] = field(default_factory=list)
    """The shallow boundary at the time."""


def cache_path(folder: Path, source: Source) -> Path:
    """The cache file of one history under ``folder``."""
    key = f"{source.repo.root.resolve()}|{source.key()}"
    digest = hashlib.sha256(key.encode()).hexdigest()[:16]
    return folder / f"history-{source.origin}-{digest}.json"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Entry(_Model):
    """One commit read, as the cache keeps it."""

    sha: str
    """Full id."""
    parents: list[str]
    """Parent ids."""
    time: int
    """Committer time, seconds since the epoch."""
    offset: int
    """Committer UTC offset in minutes."""
    author: str
    """Author name."""
    message: str
    """First line of the message."""
    boundary: bool = False
    """A shallow clone's boundary commit."""
    files: dict[str, str] | None = None
    """``{path: blob}`` of the files read, for sources that follow renames."""
    changes: list[Change] = []
    """What the commit changed."""


class Tip(_Model):
    """The state of a head: its files and each file's partial result."""

    files: dict[str, str]
    """``{path: blob}``."""
    parts: dict[str, Any]
    """``{path: partial result}`` (JSON: facts, or the Flux source's releases and charts)."""


class CacheFile(_Model):
    """The whole cache file of one history."""

    format: int
    """:data:`FORMAT` when written."""
    labbook: str
    """The labbook version that wrote it."""
    key: str
    """The history it is about (:meth:`Source.key`)."""
    boundary: list[str]
    """The shallow boundary at the time."""
    heads: list[str]
    """Recent heads read, newest last."""
    tips: dict[str, Tip]
    """Their states."""
    warnings: list[HistoryWarning]
    """Revisions that did not read."""
    commits: list[Entry]
    """Every commit read, parents first."""


def _record(entry: Entry) -> Record:
    commit = Commit(entry.sha, tuple(entry.parents), entry.time, entry.offset, entry.author, entry.message)
    return Record(commit, entry.boundary, entry.files, entry.changes, entry)


def _entry(rec: Record) -> Entry:
    c = rec.commit
    return Entry.model_construct(
        sha=c.sha,
        parents=list(c.parents),
        time=c.time,
        offset=c.offset,
        author=c.author,
        message=c.message,
        boundary=rec.boundary,
        files=rec.files,
        changes=rec.changes,
    )


def load(path: Path, source: Source) -> Cached | None:
    """The cache at ``path``, or None when there is none or it cannot be trusted."""
    with collector_paused():
        return _load(path, source)


def _load(path: Path, source: Source) -> Cached | None:
    try:
        doc = CacheFile.model_validate_json(path.read_bytes())
    except (OSError, ValidationError):
        return None
    if doc.format != FORMAT or doc.labbook != __version__ or doc.key != source.key():
        return None
    try:
        tips = {}
        for sha, tip in doc.tips.items():
            facts, where = source.compose(tip.parts)
            tips[sha] = State(tip.files, tip.parts, facts, where)
    except (AttributeError, KeyError, TypeError, ValueError):
        return None
    records = {e.sha: _record(e) for e in doc.commits}
    return Cached(records, doc.heads, tips, doc.warnings, doc.boundary)


def save(path: Path, source: Source, cached: Cached) -> None:
    """Write the cache atomically (a reader sees the old file or the new one)."""
    heads = cached.heads[-HEADS:]
    doc = CacheFile.model_construct(
        format=FORMAT,
        labbook=__version__,
        key=source.key(),
        boundary=cached.boundary,
        heads=heads,
        tips={sha: Tip.model_construct(files=s.files, parts=s.parts) for sha, s in cached.tips.items() if sha in heads},
        warnings=cached.warnings,
        commits=[rec.entry if rec.entry is not None else _entry(rec) for rec in cached.records.values()],
    )
    with collector_paused():
        text = doc.model_dump_json()
    atomic_write(path, text)
