"""The history cache: every commit read, with its changes, so that a rebuild reads only new commits.

One JSON file per history (repository, folder, origin) under the cache folder
(``.cache/labbook/`` at the top of the work tree, which ``.gitignore`` keeps out
of Git). It is written atomically. Anything unexpected in it (another format,
another labbook version, unreadable JSON, a clone that was shallow and is not
any more) makes it ignored and rebuilt, never trusted.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from labbook import __version__
from labbook.files import atomic_write
from labbook.history.build import Record, State
from labbook.history.differ import commit_ref
from labbook.history.git import Commit
from labbook.history.sources import Source
from labbook.models.history import Change, HistoryWarning

FORMAT = 1
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


def _record(sha: str, raw: dict[str, Any]) -> Record:
    """A cached commit. Its changes are rebuilt without re-validation (``model_construct``): they were
    validated when first read and the file is labbook's own, checked by format and version."""
    commit = Commit(sha, tuple(raw["parents"]), raw["time"], raw["offset"], raw["author"], raw["message"])
    changes = []
    if raw["changes"]:
        ref = commit_ref(commit)
        changes = [Change.model_construct(**c, commit=ref) for c in raw["changes"]]
    return Record(commit, raw["boundary"], raw.get("files"), changes, raw)


def load(path: Path, source: Source) -> Cached | None:
    """The cache at ``path``, or None when there is none or it cannot be trusted."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        if raw.get("format") != FORMAT or raw.get("labbook") != __version__ or raw.get("key") != source.key():
            return None
        records = {sha: _record(sha, r) for sha, r in raw["commits"].items()}
        tips = {}
        for sha, tip in raw["tips"].items():
            facts, where = source.compose(tip["parts"])
            tips[sha] = State(tip["files"], tip["parts"], facts, where)
        warnings = [HistoryWarning.model_validate(w) for w in raw["warnings"]]
        return Cached(records, list(raw["heads"]), tips, warnings, list(raw["boundary"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def save(path: Path, source: Source, cached: Cached) -> None:
    """Write the cache atomically (a reader sees the old file or the new one)."""
    commits = {}
    for sha, rec in cached.records.items():
        if rec.raw is not None:
            commits[sha] = rec.raw
            continue
        c = rec.commit
        commits[sha] = {
            "parents": list(c.parents),
            "time": c.time,
            "offset": c.offset,
            "author": c.author,
            "message": c.message,
            "boundary": rec.boundary,
            "files": rec.files,
            "changes": [ch.model_dump(mode="json", exclude={"commit"}) for ch in rec.changes],
        }
    doc = {
        "format": FORMAT,
        "labbook": __version__,
        "key": source.key(),
        "boundary": cached.boundary,
        "heads": cached.heads[-HEADS:],
        "tips": {
            sha: {"files": s.files, "parts": s.parts} for sha, s in cached.tips.items() if sha in cached.heads[-HEADS:]
        },
        "warnings": [w.model_dump(mode="json") for w in cached.warnings],
        "commits": commits,
    }
    atomic_write(path, json.dumps(doc, separators=(",", ":")))
